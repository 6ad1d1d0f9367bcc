package io.t4j.benchmarks;

import java.util.Map;

/**
 * The JSON report of one {@code t4j bench} run: {@code environment}, then {@code sections} (the typed result of each
 * section that ran, by name, in run order), then {@code errors} (section name to message, for sections that failed).
 *
 * @param schema      the report format version
 * @param environment where and when
 * @param sections    section name to its result record
 * @param errors      section name to the error that stopped it
 */
public record BenchReport(int schema, RunEnvironment environment, Map<String, SectionResult> sections,
                          Map<String, String> errors) {
    /** The current {@link #schema} version. */
    public static final int SCHEMA = 1;
}
