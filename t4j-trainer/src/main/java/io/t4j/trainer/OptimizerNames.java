package io.t4j.trainer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code OptimizerNames} (training_args.py) that t4j supports: {@code adamw_torch} and
 * {@code adamw_torch_fused}, both torch's AdamW run by libtorch's fused CPU kernel ({@code _fused_adamw_}: the same
 * algorithm as the single-tensor loop, one pass over memory instead of nine; see {@code AdamW}).
 * {@code adamw_hf} (HF's own, deprecated AdamW, the same algorithm with the same defaults) is accepted as an alias.
 */
public enum OptimizerNames {
    ADAMW_TORCH;

    @JsonValue
    public String value() {
        return "adamw_torch";
    }

    @JsonCreator
    public static OptimizerNames of(String name) {
        return switch (name) {
            case "adamw_torch", "adamw_torch_fused" -> ADAMW_TORCH;
            case "adamw_hf" -> {
                LoggerFactory.getLogger(OptimizerNames.class).warn("optim 'adamw_hf' is deprecated in HF; using adamw_torch");
                yield ADAMW_TORCH;
            }
            default -> throw new IllegalArgumentException("optim '" + name + "' is not supported (supported: adamw_torch, "
                    + "adamw_torch_fused, and adamw_hf as an alias)");
        };
    }
}
