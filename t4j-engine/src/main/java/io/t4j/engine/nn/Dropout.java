package io.t4j.engine.nn;

import io.t4j.engine.Tensors;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** {@code torch.nn.Dropout}: active only in training mode. */
public final class Dropout extends Module {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final double p;

    public Dropout(double p) {
        checkP(p);
        this.p = p;
    }

    public double p() {
        return p;
    }

    public Tensor forward(Tensor x) {
        return isTraining() ? dropout(x, p) : x;
    }

    /**
     * {@code F.dropout(x, p, training=True)}: each element is zeroed with probability {@code p} (to 2^-32) and the
     * others are scaled by 1/(1-p). On CPU this is {@code x * mask(x, p)}; other devices, and
     * {@code -Dt4j.dropout=torch} (to compare the two: {@code t4j bench --sections levers}), use {@code torch.dropout}.
     */
    public static Tensor dropout(Tensor x, double p) {
        checkP(p);
        if (p == 0 || x.numel() == 0) {
            return x;
        }
        boolean libtorch = !x.is_cpu() || "torch".equals(System.getProperty("t4j.dropout"));
        return libtorch ? torch.dropout(x, p, true) : x.mul(mask(x, p));
    }

    /**
     * A dropout mask with the shape and dtype of CPU tensor {@code x}: 1/(1-p) (rounded to x's dtype, as PyTorch's
     * mask is) where an element is kept, 0 where it is dropped, each element independently.
     *
     * <p>Why not {@code bernoulli_}: this libtorch build has no MKL, so its CPU {@code bernoulli_} draws a double per
     * element serially from the mt19937 generator, 6 to 8 ns an element here, which made dropout about 7% of a
     * bge-small training step. This fill takes about 1.5 ns an element (BENCHMARKS.md, "Levers"). Its random bits
     * are SplitMix64 over the index of the element's pair (32 bits each), keyed by one 64-bit draw from libtorch's
     * default CPU generator per call, so {@code torch.manual_seed} and the RNG state that gradient checkpointing
     * restores decide every mask. The masks differ from PyTorch's for the same seed; their distribution does not.
     */
    public static Tensor mask(Tensor x, double p) {
        checkP(p);
        ScalarType dtype = Tensors.scalarType(x);
        if (dtype != ScalarType.Float && dtype != ScalarType.BFloat16 && dtype != ScalarType.Half && dtype != ScalarType.Double) {
            throw new IllegalArgumentException("dropout needs a floating-point tensor, got " + dtype);
        }
        long key = torch.empty(new long[] {1}, new TensorOptions(ScalarType.Long), new MemoryFormatOptional())
                .random_(Long.MIN_VALUE, new LongOptional(), new GeneratorOptional()).item_long(); // 64 bits from torch's generator
        Tensor mask = torch.empty(x.sizes(), new TensorOptions(dtype), new MemoryFormatOptional());
        MemorySegment out = Tensors.bytes(mask);
        long n = x.numel();
        long threshold = Math.min(Integer.MAX_VALUE, Math.round((1 - p) * 0x1p32) - 0x80000000L); // P(int32 bits < t) = 1 - p
        float scale = (float) (1.0 / (1 - p));
        switch (dtype) {
            case Float -> {
                for (long i = 0; i < n; i += 2) {
                    long z = splitMix64(key + (i >>> 1) * GOLDEN_GAMMA);
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, i, scale * keep((int) z, threshold));
                    if (i + 1 < n) {
                        out.setAtIndex(ValueLayout.JAVA_FLOAT, i + 1, scale * keep((int) (z >>> 32), threshold));
                    }
                }
            }
            case BFloat16, Half -> {
                int bits = dtype == ScalarType.Half ? Float.floatToFloat16(scale) : bf16Bits(scale);
                for (long i = 0; i < n; i += 2) {
                    long z = splitMix64(key + (i >>> 1) * GOLDEN_GAMMA);
                    out.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (bits & -keep((int) z, threshold)));
                    if (i + 1 < n) {
                        out.setAtIndex(ValueLayout.JAVA_SHORT, i + 1, (short) (bits & -keep((int) (z >>> 32), threshold)));
                    }
                }
            }
            case Double -> {
                double scale64 = 1.0 / (1 - p);
                for (long i = 0; i < n; i += 2) {
                    long z = splitMix64(key + (i >>> 1) * GOLDEN_GAMMA);
                    out.setAtIndex(ValueLayout.JAVA_DOUBLE, i, scale64 * keep((int) z, threshold));
                    if (i + 1 < n) {
                        out.setAtIndex(ValueLayout.JAVA_DOUBLE, i + 1, scale64 * keep((int) (z >>> 32), threshold));
                    }
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return mask;
    }

    /** SplitMix64's output function: 64 random bits from a counter. */
    private static long splitMix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 1 when an element whose 32 random bits are {@code bits} is kept (bits as int32 below the threshold), else 0. */
    private static int keep(int bits, long threshold) {
        return (int) (((long) bits - threshold) >>> 63);
    }

    /** float → bfloat16 bits, round to nearest even (finite, positive values). */
    private static int bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    private static void checkP(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }
}
