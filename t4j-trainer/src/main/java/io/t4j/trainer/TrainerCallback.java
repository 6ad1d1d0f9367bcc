package io.t4j.trainer;

import java.util.Map;

/**
 * HF's {@code TrainerCallback} (trainer_callback.py): hooks called by the {@link Trainer} at each event. A callback
 * steers training by setting flags on {@link TrainerControl} (stop, save, evaluate, log). Every method has a
 * no-op default. One update step may span several batches with gradient accumulation; {@code onSubstepEnd} is
 * called after each batch that did not end a step.
 */
public interface TrainerCallback {
    default void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After an evaluation, with its metrics ({@code eval_loss}, {@code eval_accuracy}, ...). */
    default void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    /** After {@code predict()}, with its metrics ({@code test_loss}, ...). */
    default void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    /** After a checkpoint is written. */
    default void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After logs were added to the log history ({@code loss}, {@code learning_rate}, {@code epoch}, ...). */
    default void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> logs) {}

    /** After each evaluation or prediction batch. */
    default void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control) {}
}
