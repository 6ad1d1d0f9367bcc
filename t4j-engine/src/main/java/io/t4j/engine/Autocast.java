package io.t4j.engine;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code torch.autocast("cpu", dtype=torch.bfloat16)} as a try-with-resources guard: matmuls and linears run in
 * bf16 while parameters, losses and gradients stay fp32. Restores the previous state on close, so guards nest.
 */
public final class Autocast implements AutoCloseable {
    private final boolean previousEnabled;
    private final ScalarType previousType;

    private Autocast(ScalarType dtype) {
        Engine.init();
        previousEnabled = torch.is_autocast_enabled(DeviceType.CPU);
        previousType = torch.get_autocast_dtype(DeviceType.CPU);
        torch.set_autocast_dtype(DeviceType.CPU, dtype);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        torch.increment_nesting();
    }

    /** Autocast to bf16 on CPU. */
    public static Autocast bf16() {
        return new Autocast(ScalarType.BFloat16);
    }

    /** An autocast guard when {@code enabled}, else a guard that does nothing. */
    public static AutoCloseable bf16If(boolean enabled) {
        return enabled ? bf16() : () -> {};
    }

    @Override
    public void close() {
        if (torch.decrement_nesting() == 0) {
            torch.clear_cache();
        }
        torch.set_autocast_enabled(DeviceType.CPU, previousEnabled);
        torch.set_autocast_dtype(DeviceType.CPU, previousType);
    }
}
