package io.t4j.trainer;

/** Training stopped because the loss or the gradient norm was NaN or infinite. The message names the step. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
