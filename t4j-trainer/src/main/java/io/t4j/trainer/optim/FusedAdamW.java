package io.t4j.trainer.optim;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;

/**
 * libtorch's fused AdamW kernel, {@code aten::_fused_adamw_} (what torch.optim.AdamW(fused=True) calls), through the
 * boxed dispatcher: the presets bind no Java method for it. Schema: {@code _fused_adamw_(Tensor[] self, Tensor[]
 * grads, Tensor[] exp_avgs, Tensor[] exp_avg_sqs, Tensor[] max_exp_avg_sqs, Tensor[] state_steps, *, float lr,
 * float beta1, float beta2, float weight_decay, float eps, bool amsgrad, bool maximize, Tensor? grad_scale,
 * Tensor? found_inf)}; it updates parameters and moments in place, reading (not incrementing) the steps.
 */
final class FusedAdamW {
    private static volatile OperatorHandle op;

    private FusedAdamW() {}

    private static OperatorHandle op() {
        if (op == null) {
            OperatorHandle handle = Dispatcher.singleton().findSchemaOrThrow("aten::_fused_adamw_", "");
            handle.retainReference(); // lives for the JVM, whatever PointerScope the first step ran in
            op = handle;
        }
        return op;
    }

    /** One parameter group's tensors for one call; native objects belong to the caller's PointerScope. */
    static final class Batch {
        private final GenericList params = tensorList();
        private final GenericList grads = tensorList();
        private final GenericList expAvgs = tensorList();
        private final GenericList expAvgSqs = tensorList();
        private final GenericList steps = tensorList();

        void add(Tensor param, Tensor grad, AdamWState.Entry state) {
            params.push_back(new IValue(param));
            grads.push_back(new IValue(grad));
            expAvgs.push_back(new IValue(state.expAvg()));
            expAvgSqs.push_back(new IValue(state.expAvgSq()));
            steps.push_back(new IValue(state.stepTensor()));
        }

        void run(double lr, double beta1, double beta2, double weightDecay, double eps) {
            if (params.empty()) {
                return;
            }
            op().callBoxed(new IValueVector(new IValue(params), new IValue(grads), new IValue(expAvgs),
                    new IValue(expAvgSqs), new IValue(tensorList()), new IValue(steps), new IValue(lr), new IValue(beta1),
                    new IValue(beta2), new IValue(weightDecay), new IValue(eps), new IValue(false), new IValue(false),
                    new IValue(), new IValue()));
        }
    }

    private static GenericList tensorList() {
        return new GenericList(new Type.TypePtr(TensorType.get()));
    }
}
