package io.t4j.data;

/**
 * The PRNG behind every seeded operation ({@code shuffle}, {@code trainTestSplit}, samplers), written out so
 * results are identical across runs, JDKs and machines: SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014; golden gamma 0x9E3779B97F4A7C15 and the MurmurHash3 finalizer
 * variant 13), bounded draws by rejection (no modulo bias), doubles from the top 53 bits, and a Fisher-Yates shuffle
 * from the last element.
 *
 * <p>It does not reproduce numpy's or torch's streams: the same seed gives a different (but fixed) permutation
 * than HF datasets does.
 */
public final class Seeded {
    private long state;

    public Seeded(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits (SplitMix64). */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, 1)}: the top 53 bits of the next draw, as a double's mantissa. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * A seed for one batch: {@code seed} mixed with the batch's row indices in order, so a collator that draws from
     * it gives the same batch the same randomness on any thread, in any order of calls.
     */
    public static long forRows(long seed, int[] rows) {
        long h = new Seeded(seed).nextLong();
        for (int r : rows) {
            h = new Seeded(h + r).nextLong();
        }
        return h;
    }

    /** Uniform in {@code [0, bound)}: 63-bit draws, rejecting the top partial range. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /** Shuffles {@code a} in place (Fisher-Yates, i from n-1 down to 1, j uniform in [0, i]). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A permutation of {@code 0..n-1} for {@code seed}. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        new Seeded(seed).shuffle(p);
        return p;
    }
}
