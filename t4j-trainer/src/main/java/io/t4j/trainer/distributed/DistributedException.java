package io.t4j.trainer.distributed;

/**
 * A distributed job that cannot go on: a rank that died or stopped answering, a store that cannot start, ranks that
 * disagree. The message names this rank, the operation and what to look at; the job ends rather than waits.
 */
public class DistributedException extends RuntimeException {
    public DistributedException(String message) {
        super(message);
    }

    public DistributedException(String message, Throwable cause) {
        super(message, cause);
    }
}
