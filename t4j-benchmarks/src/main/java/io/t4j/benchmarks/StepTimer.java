package io.t4j.benchmarks;

import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainerControl;
import io.t4j.trainer.TrainerState;
import io.t4j.trainer.TrainingArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Times each optimizer step of a Trainer run from {@code on_step_begin} (before the batch is taken from the
 * loader) to {@code on_step_end} (after the optimizer step and zero_grad), and lets a hook look at step numbers.
 */
public final class StepTimer implements TrainerCallback {
    private final List<Long> begins = new ArrayList<>();
    private final List<Long> ends = new ArrayList<>();
    private final IntConsumer afterStep;

    public StepTimer() {
        this(step -> {});
    }

    /** {@code afterStep} receives the global step number after each step (e.g. to sample RSS). */
    public StepTimer(IntConsumer afterStep) {
        this.afterStep = afterStep;
    }

    @Override
    public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        begins.add(System.nanoTime());
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        ends.add(System.nanoTime());
        afterStep.accept(state.globalStep());
    }

    /** Step begin times, one per step. */
    public List<Long> begins() {
        return List.copyOf(begins);
    }

    /** Step end times, one per step. */
    public List<Long> ends() {
        return List.copyOf(ends);
    }
}
