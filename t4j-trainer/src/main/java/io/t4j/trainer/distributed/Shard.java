package io.t4j.trainer.distributed;

import io.t4j.data.Sampler;

/**
 * This rank's part of the training data for every epoch: a {@link Sampler} whose {@code order(epoch)} lists this
 * rank's rows ({@code null}: one process, the Trainer's own samplers apply) and the number of rows it yields per
 * epoch, the same on every rank so every rank takes the same number of steps.
 */
public record Shard(Sampler sampler, int length) {}
