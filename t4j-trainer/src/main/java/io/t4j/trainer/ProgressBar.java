package io.t4j.trainer;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A console progress bar in tqdm's format, {@code desc: 45%|████▌     | 450/1000 [00:12<00:15, 36.51it/s, loss=0.312]},
 * with tqdm's {@code set_postfix}. On a terminal it redraws one line in place (at most 10 times a second); when
 * stderr is not a terminal (a log file, CI) it prints the same text as a new line every {@code interval} seconds
 * and at the end, so logs stay readable.
 *
 * <p>Hand-written rather than me.tongfei:progressbar: that library draws from its own refresh thread and probes
 * the terminal through JLine, which interleaves badly with the Trainer's log lines; tqdm's format, postfix and a
 * line-per-interval fallback need only this class.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 20;
    private final String desc;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private final Map<String, String> postfix = new LinkedHashMap<>();
    private long n;
    private long lastDraw = Long.MIN_VALUE;
    private boolean closed;

    /** A bar on stderr; degrades to a line every 30 seconds when stderr is not a terminal. */
    public ProgressBar(String desc, long total) {
        this(desc, total, System.err, isTerminal(), 30);
    }

    public ProgressBar(String desc, long total, PrintStream out, boolean terminal, double intervalSeconds) {
        this.desc = desc;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    static boolean isTerminal() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    /** Advances by {@code steps}. */
    public void update(long steps) {
        n += steps;
        maybeDraw(n >= total);
    }

    /** tqdm's {@code set_postfix}: shows {@code key=value} after the rate (numbers with 4 significant digits). */
    public void postfix(String key, double value) {
        postfix.put(key, String.format(Locale.ROOT, "%.4g", value));
    }

    public long n() {
        return n;
    }

    /** Prints {@code line} above the bar (tqdm's {@code write}). */
    public void write(String line) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(line);
        if (terminal) {
            out.print(render());
            out.flush();
        }
    }

    private void maybeDraw(boolean force) {
        long now = System.nanoTime();
        long every = terminal ? 100_000_000L : intervalNanos;
        if (force || lastDraw == Long.MIN_VALUE || now - lastDraw >= every) {
            lastDraw = now;
            out.print(terminal ? "\r" + render() : render() + System.lineSeparator());
            out.flush();
        }
    }

    /** The bar's text as tqdm formats it. */
    public String render() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = elapsed > 0 ? n / elapsed : 0;
        double frac = total > 0 ? Math.min(1.0, (double) n / total) : 0;
        String eta = rate > 0 ? clock((total - n) / rate) : "?";
        StringBuilder s = new StringBuilder();
        if (desc != null && !desc.isEmpty()) {
            s.append(desc).append(": ");
        }
        s.append(String.format(Locale.ROOT, "%3d%%|%s| %d/%d [%s<%s, %s]", (int) (frac * 100), bar(frac), n, total,
                clock(elapsed), eta, rateText(rate)));
        if (!postfix.isEmpty()) {
            s.setLength(s.length() - 1);
            postfix.forEach((k, v) -> s.append(", ").append(k).append('=').append(v));
            s.append(']');
        }
        return s.toString();
    }

    private static String rateText(double rate) {
        return rate >= 1 || rate == 0 ? String.format(Locale.ROOT, "%.2fit/s", rate)
                : String.format(Locale.ROOT, "%.2fs/it", 1 / rate);
    }

    private static String bar(double frac) {
        String[] parts = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
        int eighths = (int) (frac * WIDTH * 8);
        StringBuilder b = new StringBuilder("█".repeat(eighths / 8));
        if (eighths / 8 < WIDTH) {
            b.append(parts[eighths % 8]);
        }
        return b + " ".repeat(Math.max(0, WIDTH - b.length()));
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        maybeDraw(true);
        if (terminal) {
            out.println();
        }
    }
}
