/**
 * torch.optim.AdamW (torch/optim/adamw.py) with HF's parameter groups (trainer.py {@code create_optimizer}), HF's
 * learning-rate schedules (optimization.py {@code get_scheduler}) and {@code clip_grad_norm_}
 * (torch/nn/utils/clip_grad.py). State is checkpointed as safetensors + JSON, not Python pickles.
 */
package io.t4j.trainer.optim;
