package io.t4j.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** HF's {@code CallbackHandler}: calls the callbacks in order and resets the control flags as HF does. */
final class CallbackHandler {
    private final List<TrainerCallback> callbacks;
    private final TrainingArguments args;
    private final TrainerControl control;

    CallbackHandler(List<TrainerCallback> callbacks, TrainingArguments args, TrainerControl control) {
        this.callbacks = new ArrayList<>(callbacks);
        this.args = args;
        this.control = control;
    }

    List<TrainerCallback> callbacks() {
        return callbacks;
    }

    private void each(Consumer<TrainerCallback> event) {
        callbacks.forEach(event);
    }

    void onTrainBegin(TrainerState s) {
        control.shouldTrainingStop(false);
        each(c -> c.onTrainBegin(args, s, control));
    }

    void onTrainEnd(TrainerState s) {
        each(c -> c.onTrainEnd(args, s, control));
    }

    void onEpochBegin(TrainerState s) {
        control.shouldEpochStop(false);
        each(c -> c.onEpochBegin(args, s, control));
    }

    void onEpochEnd(TrainerState s) {
        each(c -> c.onEpochEnd(args, s, control));
    }

    void onStepBegin(TrainerState s) {
        control.newStep();
        each(c -> c.onStepBegin(args, s, control));
    }

    void onSubstepEnd(TrainerState s) {
        each(c -> c.onSubstepEnd(args, s, control));
    }

    void onStepEnd(TrainerState s) {
        each(c -> c.onStepEnd(args, s, control));
    }

    void onEvaluate(TrainerState s, Map<String, Double> metrics) {
        control.shouldEvaluate(false);
        each(c -> c.onEvaluate(args, s, control, metrics));
    }

    void onPredict(TrainerState s, Map<String, Double> metrics) {
        each(c -> c.onPredict(args, s, control, metrics));
    }

    void onSave(TrainerState s) {
        control.shouldSave(false);
        each(c -> c.onSave(args, s, control));
    }

    void onLog(TrainerState s, Map<String, Double> logs) {
        control.shouldLog(false);
        each(c -> c.onLog(args, s, control, logs));
    }

    void onPredictionStep(TrainerState s) {
        each(c -> c.onPredictionStep(args, s, control));
    }
}
