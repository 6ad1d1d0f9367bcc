/**
 * Fine-tuning with HF's Trainer semantics, ported from transformers 4.46 (trainer.py, training_args.py,
 * trainer_callback.py, trainer_utils.py, trainer_pt_utils.py): {@link io.t4j.trainer.TrainingArguments},
 * {@link io.t4j.trainer.Trainer} ({@code train}/{@code evaluate}/{@code predict}), callbacks with
 * {@link io.t4j.trainer.TrainerControl}, {@link io.t4j.trainer.EarlyStoppingCallback}, {@code trainer_state.json}
 * ({@link io.t4j.trainer.TrainerState}) and atomic {@code checkpoint-<step>} folders
 * ({@link io.t4j.trainer.Checkpoints}). Optimizers and schedules are in {@code io.t4j.trainer.optim}, metrics in
 * {@code io.t4j.trainer.metrics}.
 */
package io.t4j.trainer;
