package io.t4j.trainer;

/**
 * HF's {@code TrainerControl} (trainer_callback.py): the switches callbacks flip to steer the loop. The Trainer
 * resets {@code should_log/evaluate/save} at each step begin (and when it has acted on them),
 * {@code should_epoch_stop} at each epoch begin and {@code should_training_stop} at train begin.
 */
public final class TrainerControl {
    private boolean shouldTrainingStop;
    private boolean shouldEpochStop;
    private boolean shouldSave;
    private boolean shouldEvaluate;
    private boolean shouldLog;

    public boolean shouldTrainingStop() { return shouldTrainingStop; }
    public boolean shouldEpochStop() { return shouldEpochStop; }
    public boolean shouldSave() { return shouldSave; }
    public boolean shouldEvaluate() { return shouldEvaluate; }
    public boolean shouldLog() { return shouldLog; }

    public void shouldTrainingStop(boolean v) { shouldTrainingStop = v; }
    public void shouldEpochStop(boolean v) { shouldEpochStop = v; }
    public void shouldSave(boolean v) { shouldSave = v; }
    public void shouldEvaluate(boolean v) { shouldEvaluate = v; }
    public void shouldLog(boolean v) { shouldLog = v; }

    void newStep() {
        shouldSave = false;
        shouldEvaluate = false;
        shouldLog = false;
    }
}
