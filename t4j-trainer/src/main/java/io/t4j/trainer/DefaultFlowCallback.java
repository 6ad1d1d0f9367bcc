package io.t4j.trainer;

/**
 * HF's {@code DefaultFlowCallback} (trainer_callback.py, v4.46): decides when to log, evaluate and save from the
 * strategies, and stops at {@code max_steps} (saving then unless {@code save_strategy} is no).
 */
public final class DefaultFlowCallback implements TrainerCallback {
    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        int step = state.globalStep();
        if (step == 1 && args.loggingFirstStep()) {
            control.shouldLog(true);
        }
        if (args.loggingStrategy() == IntervalStrategy.STEPS && step % state.loggingSteps() == 0) {
            control.shouldLog(true);
        }
        if (args.evalStrategy() == IntervalStrategy.STEPS && step % state.evalSteps() == 0 && args.evalDelay() <= step) {
            control.shouldEvaluate(true);
        }
        if (args.saveStrategy() == IntervalStrategy.STEPS && state.saveSteps() > 0 && step % state.saveSteps() == 0) {
            control.shouldSave(true);
        }
        if (step >= state.maxSteps()) {
            control.shouldTrainingStop(true);
            if (args.saveStrategy() != IntervalStrategy.NO) {
                control.shouldSave(true);
            }
        }
    }

    @Override
    public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (args.loggingStrategy() == IntervalStrategy.EPOCH) {
            control.shouldLog(true);
        }
        if (args.evalStrategy() == IntervalStrategy.EPOCH && args.evalDelay() <= state.epoch()) {
            control.shouldEvaluate(true);
        }
        if (args.saveStrategy() == IntervalStrategy.EPOCH) {
            control.shouldSave(true);
        }
    }
}
