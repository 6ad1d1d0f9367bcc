package io.t4j.benchmarks;

import io.t4j.data.PaddedBatch;
import io.t4j.engine.Autocast;
import io.t4j.engine.nn.Module;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.ModelInputs;
import io.t4j.trainer.TrainerDataset;
import io.t4j.trainer.optim.AdamW;
import io.t4j.trainer.optim.ClipGrad;
import io.t4j.trainer.optim.ParamGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * One training step with the Trainer's operations in the Trainer's order (trainer.py's training_step and
 * optimizer step as t4j's Trainer implements them), with a clock read between the phases: collation (padding into
 * arrays), tensor creation, label check, forward with the loss, reading the loss, backward, freeing the step's
 * tensors, gradient clipping (max_grad_norm 1.0), AdamW step and zero_grad. The LR scheduler's update (a few
 * Java assignments per group) is left out.
 */
public final class StepPhases<M extends Module & ModelWithLoss> implements AutoCloseable {
    /** The phases in step order. */
    public static final List<String> PHASES = List.of("collate (arrays)", "tensors from arrays", "label check",
            "forward + loss", "loss.item()", "backward", "free step tensors", "clip_grad_norm", "optimizer.step",
            "zero_grad");

    private final M model;
    private final AdamW optimizer;
    private final boolean bf16;

    public StepPhases(M model, boolean bf16) {
        this.model = model;
        this.bf16 = bf16;
        this.optimizer = new AdamW(ParamGroup.withDecayExclusions(model, 2e-5, 0.0), 0.9, 0.999, 1e-8);
        model.train();
    }

    /**
     * One step over {@code rows} of {@code data}.
     *
     * @param millis       per phase, in {@link #PHASES} order
     * @param forwardCalls Java-to-native calls returning a tensor during tensor creation + label check + forward + loss
     */
    public record Timing(Map<String, Double> millis, long forwardCalls) {
        public double totalMs() {
            return millis.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    @SuppressWarnings("try")
    public Timing step(TrainerDataset data, int[] rows) {
        long[] t = new long[PHASES.size() + 1];
        long calls;
        t[0] = System.nanoTime();
        PaddedBatch padded = data.pad(rows);
        t[1] = System.nanoTime();
        try (CountingScope scope = new CountingScope()) {
            ModelInputs in = padded.toModelInputs();
            t[2] = System.nanoTime();
            Tensor real = in.labels().masked_select(in.labels().ne(new Scalar(-100L))); // the Trainer's checkLabels:
            real.min().item_long();                                                       // min and max against num_labels
            real.max().item_long();
            t[3] = System.nanoTime();
            Tensor loss;
            try (AutoCloseable ac = Autocast.bf16If(bf16)) {
                loss = model.forward(in).loss();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            calls = scope.tensors();
            t[4] = System.nanoTime();
            loss.item_double();
            t[5] = System.nanoTime();
            loss.div(new Scalar(1.0)).backward();
            t[6] = System.nanoTime();
        }
        t[7] = System.nanoTime();
        ClipGrad.clipGradNorm(optimizer.parameters(), 1.0);
        t[8] = System.nanoTime();
        optimizer.step();
        t[9] = System.nanoTime();
        optimizer.zeroGrad();
        t[10] = System.nanoTime();
        Map<String, Double> ms = new LinkedHashMap<>();
        for (int i = 0; i < PHASES.size(); i++) {
            ms.put(PHASES.get(i), (t[i + 1] - t[i]) / 1e6);
        }
        return new Timing(ms, calls);
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
