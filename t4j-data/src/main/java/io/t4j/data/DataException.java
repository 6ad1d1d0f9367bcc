package io.t4j.data;

/** Data that cannot be loaded or batched. The message names the file, line or row, column and value at fault. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
