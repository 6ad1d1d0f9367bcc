package io.t4j.cli;

/** The exit codes of every t4j command. */
public final class ExitCode {
    public static final int OK = 0;
    /** Something failed at run time (a bug, an engine error). */
    public static final int SOFTWARE = 1;
    /** Bad command line: unknown option, bad value (picocli's usage error code). */
    public static final int USAGE = 2;
    /** Bad input: a missing or malformed file, an empty stdin, a bad model folder or value. */
    public static final int DATA = 3;
    /** The hub could not give what was asked (404, gated, offline with a cold cache). */
    public static final int UNAVAILABLE = 4;
    /** Training stopped on a non-finite loss. */
    public static final int TRAINING_DIVERGED = 5;

    private ExitCode() {}
}
