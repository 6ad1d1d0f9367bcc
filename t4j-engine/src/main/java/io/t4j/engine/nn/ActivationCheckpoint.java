package io.t4j.engine.nn;

import io.t4j.engine.Autocast;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;

/**
 * Gradient checkpointing, as {@code torch.utils.checkpoint.checkpoint(fn, x, use_reentrant=True,
 * preserve_rng_state=True)}: {@code fn(x)} runs without keeping its activations, and backward runs it again to get
 * its gradients. The presets expose no custom autograd {@code Function}, so the recompute hangs on a tensor hook:
 * <pre>
 *   forward:   y = fn(x.detach()) under no-grad;  out = y + (x - x.detach())     (value y, d out / d x = I)
 *   backward:  the hook on out receives g = dL/d out, re-runs fn on x with grad (same RNG, same autocast),
 *              back-propagates g through it (accumulating the parameters' gradients) and returns dL/dx,
 *              which the identity path hands to x.
 * </pre>
 * For a chain of segments (a transformer's layers) the hooks fire in reverse order of the forwards, so pending
 * recomputations are kept on a per-thread stack (JavaCPP allows only a few live callback objects, so one hook
 * object serves every segment). {@link #clear()} drops what a forward without backward left behind.
 */
public final class ActivationCheckpoint {
    private record Segment(UnaryOperator<Tensor> fn, Tensor input, Tensor rngState, boolean autocast) {}

    private static final ThreadLocal<Deque<Segment>> PENDING = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<Hook> HOOK = ThreadLocal.withInitial(() -> {
        Hook hook = new Hook();
        hook.retainReference(); // lives as long as the thread, whatever PointerScope created it
        return hook;
    });

    private ActivationCheckpoint() {}

    /** {@code fn(x)}, recomputed in backward instead of stored; plain {@code fn(x)} when grad mode is off. */
    public static Tensor checkpoint(UnaryOperator<Tensor> fn, Tensor x) {
        if (!GradMode.is_enabled()) {
            return fn.apply(x);
        }
        Tensor input = x.detach();
        Tensor rng = torch.getDefaultCPUGenerator().get_state();
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        Tensor y = forwardFreeingIntermediates(fn, input);
        Tensor source = x.requires_grad() ? x : x.detach().requires_grad_(true); // the recompute must be reached
        Tensor out = y.add(source.sub(source.detach()));
        input.retainReference();
        rng.retainReference();
        PENDING.get().push(new Segment(fn, input, rng, autocast));
        out.register_hook(HOOK.get());
        return out;
    }

    /**
     * {@code fn(input)} under no-grad in a scope of its own, so the segment's intermediate tensors are freed at once
     * rather than with the caller's per-step scope (which would keep every activation alive and save nothing).
     * The output is handed to the caller's scope.
     */
    private static Tensor forwardFreeingIntermediates(UnaryOperator<Tensor> fn, Tensor input) {
        PointerScope outer = PointerScope.getInnerScope();
        Tensor y;
        try (PointerScope inner = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            y = fn.apply(input);
            y.retainReference();
        }
        if (outer != null) {
            outer.attach(y);
            y.releaseReference();
        }
        return y;
    }

    /** Forgets recomputations whose backward never ran (e.g. after an exception between forward and backward). */
    public static void clear() {
        Deque<Segment> pending = PENDING.get();
        while (!pending.isEmpty()) {
            release(pending.pop());
        }
        HOOK.get().releaseLast();
    }

    /** Segments waiting for their backward on this thread. */
    public static int pending() {
        return PENDING.get().size();
    }

    private static void release(Segment s) {
        s.input().releaseReference();
        s.rngState().releaseReference();
    }

    /** Re-runs the newest pending segment with grad and back-propagates {@code grad} through it. */
    static Tensor recompute(TensorBase gradient) {
        Segment s = PENDING.get().pop();
        try (PointerScope scope = new PointerScope(); AutoGradMode enabled = new AutoGradMode(true)) { // off in backward
            Tensor grad = new Tensor(gradient);
            var generator = torch.getDefaultCPUGenerator();
            Tensor after = generator.get_state();
            generator.set_state(s.rngState());
            Tensor x = s.input().detach().requires_grad_(true);
            Tensor y;
            try (Autocast ac = s.autocast() ? Autocast.bf16() : null) {
                y = s.fn().apply(x);
            }
            generator.set_state(after);
            torch.backward(new TensorVector(y), new TensorVector(grad), new org.bytedeco.pytorch.BoolOptional(), false,
                    new TensorVector());
            Tensor dx = x.grad().defined() ? x.grad().clone() : torch.zeros_like(grad);
            dx.retainReference(); // survives this scope; libtorch takes its own reference on return
            return dx;
        } finally {
            release(s);
        }
    }

    /** The one hook object per thread: JavaCPP callbacks are a scarce resource. */
    private static final class Hook extends TensorTensorHook {
        private Tensor lastReturned;

        @Override
        public TensorBase call(TensorBase grad) {
            releaseLast(); // libtorch copied it when the previous call returned
            lastReturned = recompute(grad);
            return lastReturned;
        }

        void releaseLast() {
            if (lastReturned != null) {
                lastReturned.releaseReference();
                lastReturned = null;
            }
        }
    }
}
