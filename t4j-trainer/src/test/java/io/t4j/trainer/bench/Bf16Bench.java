package io.t4j.trainer.bench;

import io.t4j.engine.Autocast;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.trainer.optim.AdamW;
import io.t4j.trainer.optim.ClipGrad;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One training step (forward, backward, clip, AdamW) of a bge-small-sized BertForSequenceClassification (12 layers,
 * hidden 384, 33M parameters) on a batch of 32 x 48 tokens: fp32, bf16 autocast (fp32 weights), and bf16 weights
 * with fp32 master copies (grads cast to fp32, AdamW on the masters, weights copied back). Not a test: see
 * BENCHMARKS.md. Args: steps (default 6), batch (32), length (48).
 */
public final class Bf16Bench {
    public static void main(String[] args) {
        Engine.init();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int length = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        System.out.println(Engine.threadSettings() + ", batch " + batch + " x " + length);
        System.out.printf("fp32:                      %s%n", run(steps, batch, length, Mode.FP32));
        System.out.printf("bf16 autocast:             %s%n", run(steps, batch, length, Mode.AUTOCAST));
        System.out.printf("bf16 weights + fp32 master: %s%n", run(steps, batch, length, Mode.BF16_MASTER));
    }

    enum Mode { FP32, AUTOCAST, BF16_MASTER }

    static BertConfig bgeSmall() {
        return new BertConfig(null, null, 30522, 384, 12, 12, 1536, null, 0.1, 0.1, 512, 2, null, null, null, null, null,
                null, null, null, null);
    }

    private static String run(int steps, int batch, int length, Mode mode) {
        torch.manual_seed(0);
        var model = new BertForSequenceClassification(bgeSmall());
        model.train();
        List<Parameter> masters = new ArrayList<>();
        if (mode == Mode.BF16_MASTER) {
            model.parameters().forEach(p -> masters.add(Parameter.of(p.data().detach().clone())));
            model.to(ScalarType.BFloat16);
        }
        List<Parameter> trained = mode == Mode.BF16_MASTER ? masters : model.parameters();
        double best = Double.MAX_VALUE;
        double sum = 0;
        double lastLoss = 0;
        double[] parts = new double[3]; // forward, backward, clip + optimizer (summed over timed steps)
        try (AdamW opt = new AdamW(trained, 5e-5, 0.01)) {
            for (int s = 0; s < steps + 2; s++) {
                long t0 = System.nanoTime();
                long t1;
                long t2;
                try (PointerScope scope = new PointerScope()) {
                    ModelInputs in = batch(batch, length, s);
                    Tensor loss;
                    try (Autocast ac = mode == Mode.AUTOCAST ? Autocast.bf16() : null) {
                        loss = model.forward(in).loss();
                    }
                    lastLoss = loss.item_double();
                    t1 = System.nanoTime();
                    loss.backward();
                    t2 = System.nanoTime();
                    if (mode == Mode.BF16_MASTER) {
                        toMasters(model.parameters(), masters);
                    }
                    ClipGrad.clipGradNorm(trained, 1.0);
                    opt.step();
                    opt.zeroGrad();
                    if (mode == Mode.BF16_MASTER) {
                        fromMasters(model.parameters(), masters);
                    }
                }
                long t3 = System.nanoTime();
                double ms = (t3 - t0) / 1e6;
                if (s >= 2) {
                    parts[0] += (t1 - t0) / 1e6;
                    parts[1] += (t2 - t1) / 1e6;
                    parts[2] += (t3 - t2) / 1e6;
                    best = Math.min(best, ms);
                    sum += ms;
                }
            }
        }
        return String.format("fastest %.0f ms/step, mean %.0f ms/step (forward %.0f, backward %.0f, clip+AdamW %.0f; "
                + "last loss %.4f)", best, sum / steps, parts[0] / steps, parts[1] / steps, parts[2] / steps, lastLoss);
    }

    private static void toMasters(List<Parameter> params, List<Parameter> masters) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor grad = params.get(i).grad();
                if (grad.defined()) {
                    masters.get(i).data().mutable_grad().put(grad.to(ScalarType.Float));
                    params.get(i).data().mutable_grad().reset();
                }
            }
        }
    }

    private static void fromMasters(List<Parameter> params, List<Parameter> masters) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).data().copy_(masters.get(i).data());
            }
        }
    }

    static ModelInputs batch(int b, int t, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] labels = new long[b];
        for (int i = 0; i < b; i++) {
            int len = 8 + r.nextInt(t - 7);
            for (int j = 0; j < len; j++) {
                ids[i * t + j] = j == 0 ? 101 : 1000 + r.nextInt(29000);
                mask[i * t + j] = 1;
            }
            labels[i] = r.nextInt(2);
        }
        return new ModelInputs(Tensors.fromLongs(ids, b, t), Tensors.fromLongs(mask, b, t), null, Tensors.fromLongs(labels, b));
    }
}
