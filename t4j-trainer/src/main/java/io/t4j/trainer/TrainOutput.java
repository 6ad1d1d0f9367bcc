package io.t4j.trainer;

import java.util.Map;

/**
 * HF's {@code TrainOutput} (trainer_utils.py).
 *
 * @param globalStep   optimizer steps taken
 * @param trainingLoss mean training loss over all steps
 * @param metrics      train_runtime, train_samples_per_second, train_steps_per_second, total_flos, train_loss, epoch
 */
public record TrainOutput(int globalStep, double trainingLoss, Map<String, Double> metrics) {}
