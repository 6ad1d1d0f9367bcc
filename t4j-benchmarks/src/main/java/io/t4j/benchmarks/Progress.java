package io.t4j.benchmarks;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Progress lines on stderr (stdout carries the tables), with the time and the 1-minute load average. */
public final class Progress {
    private Progress() {}

    public static void say(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %s load %.2f] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                Proc.load1(), String.format(Locale.ROOT, format, args));
    }
}
