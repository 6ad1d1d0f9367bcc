package io.t4j.cli;

/** A problem with what the user asked for, reported as one line with its exit code. */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
