package io.t4j.engine;

/** A checkpoint that cannot be loaded or written. The message names the file and the key or field at fault. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
