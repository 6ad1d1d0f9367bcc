package io.t4j.trainer.bench;

import io.t4j.engine.Engine;
import io.t4j.engine.nn.Parameter;
import io.t4j.trainer.optim.AdamW;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One AdamW step over bge-small-en-v1.5's parameter shapes (33.4M parameters, 199 tensors): t4j's AdamW against
 * libtorch's C++ {@code torch::optim::AdamW}, interleaved, reporting the fastest step. Not a test: run it from the test classpath (see BENCHMARKS.md).
 */
public final class AdamWBench {
    public static void main(String[] args) {
        Engine.init();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<Parameter> ours = bgeSmallShapes();
        List<Parameter> theirs = new ArrayList<>();
        long n = 0;
        for (Parameter p : ours) {
            theirs.add(Parameter.of(p.data().detach().clone()));
            n += p.numel();
        }
        System.out.printf("%d tensors, %.1fM parameters, %s%n", ours.size(), n / 1e6, Engine.threadSettings());
        AdamWOptions options = new AdamWOptions(1e-5);
        options.weight_decay().put(0.01);
        var cpp = new org.bytedeco.pytorch.AdamW(vector(theirs), options);
        try (AdamW opt = new AdamW(ours, 1e-5, 0.01)) {
            for (int round = 0; round < 3; round++) { // interleaved, fastest step of each
                System.out.printf("t4j AdamW:       %.1f ms/step%n", time(steps, ours, opt::step));
                System.out.printf("libtorch AdamW:  %.1f ms/step%n", time(steps, theirs, cpp::step));
            }
        }
        try (PointerScope s = new PointerScope()) {
            double diff = 0;
            for (int i = 0; i < ours.size(); i++) {
                diff = Math.max(diff, ours.get(i).data().sub(theirs.get(i).data()).abs().max().item_double());
            }
            System.out.printf("max |difference| after %d steps: %.3e%n", 3 * (steps + 3), diff);
        }
    }

    private static double time(int steps, List<Parameter> params, Runnable step) {
        for (int i = 0; i < 3; i++) {
            grads(params, i);
            step.run();
        }
        long best = Long.MAX_VALUE; // the fastest step: the machine is shared, so the mean mostly measures the neighbours
        for (int i = 0; i < steps; i++) {
            grads(params, 100 + i);
            long t0 = System.nanoTime();
            step.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e6;
    }

    private static void grads(List<Parameter> params, long seed) {
        torch.manual_seed(seed);
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (Parameter p : params) {
                p.data().mutable_grad().put(torch.randn_like(p.data()).mul_(new org.bytedeco.pytorch.Scalar(1e-3)));
            }
        }
    }

    private static TensorVector vector(List<Parameter> ps) {
        return new TensorVector(ps.stream().map(Parameter::data).toArray(Tensor[]::new));
    }

    /** bge-small-en-v1.5: vocab 30522, hidden 384, 12 layers, intermediate 1536, 512 positions, 2 token types. */
    static List<Parameter> bgeSmallShapes() {
        torch.manual_seed(0);
        List<long[]> shapes = new ArrayList<>(List.of(new long[] {30522, 384}, new long[] {512, 384}, new long[] {2, 384},
                new long[] {384}, new long[] {384}));
        for (int l = 0; l < 12; l++) {
            for (int i = 0; i < 4; i++) {
                shapes.add(new long[] {384, 384});
                shapes.add(new long[] {384});
            }
            shapes.addAll(List.of(new long[] {384}, new long[] {384}, new long[] {1536, 384}, new long[] {1536},
                    new long[] {384, 1536}, new long[] {384}, new long[] {384}, new long[] {384}));
        }
        shapes.addAll(List.of(new long[] {384, 384}, new long[] {384}, new long[] {2, 384}, new long[] {2}));
        List<Parameter> out = new ArrayList<>();
        for (long[] s : shapes) {
            out.add(Parameter.of(torch.randn(s).mul_(new org.bytedeco.pytorch.Scalar(0.02))));
        }
        return out;
    }
}
