package io.t4j.engine.nn;

/**
 * A module whose stack of layers can run under {@link ActivationCheckpoint} while training (HF's
 * {@code supports_gradient_checkpointing}; the encoders set {@code self.gradient_checkpointing}).
 */
public interface GradientCheckpointable {
    void gradientCheckpointing(boolean enable);

    boolean gradientCheckpointing();
}
