package io.t4j.trainer.bench;

import io.t4j.engine.Engine;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.ModelInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Peak RSS and time of forward + backward of a bge-small-sized BertForSequenceClassification with and without
 * gradient checkpointing. Run once per mode (peak RSS is per process): args {@code on|off} [batch 32] [length 128].
 */
public final class GradientCheckpointingBench {
    public static void main(String[] args) throws Exception {
        Engine.init();
        boolean on = args.length > 0 && args[0].equals("on");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int length = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        torch.manual_seed(0);
        var model = new BertForSequenceClassification(Bf16Bench.bgeSmall());
        model.train();
        if (on) {
            model.gradientCheckpointingEnable();
        }
        double before = status("VmHWM:");
        long best = Long.MAX_VALUE;
        for (int s = 0; s < 3; s++) {
            long t0 = System.nanoTime();
            try (PointerScope scope = new PointerScope()) {
                ModelInputs in = Bf16Bench.batch(batch, length, s);
                Tensor loss = model.forward(in).loss();
                loss.backward();
            }
            model.zeroGrad();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("gradient_checkpointing %s, batch %d x %d: peak RSS %.0f MB (%.0f MB before the first step), "
                + "fastest forward+backward %.0f ms%n", on ? "on " : "off", batch, length, status("VmHWM:"), before, best / 1e6);
    }

    static double status(String key) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
