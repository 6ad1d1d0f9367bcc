package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.data.DataCollatorForLanguageModeling;
import io.t4j.data.Dataset;
import io.t4j.data.NdArray;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.llama.LlamaConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.EvalPrediction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code label_smoothing_factor}: HF's {@code LabelSmoother} against the formula computed in Java doubles, and
 * through the Trainer on a causal LM (shifted labels, -100 ignored), whose eval_loss must be the smoothed loss of the
 * logits it gathers.
 */
class LabelSmoothingTest {
    @TempDir
    Path dir;

    /**
     * HF's formula in doubles: logits [N][C], one label per row (-100 ignored); {@code (1 - eps) * mean nll + eps *
     * mean over rows of (sum over classes of -log p) / C}.
     */
    private static double expected(double[][] logits, long[] labels, double eps) {
        double nll = 0;
        double smooth = 0;
        int active = 0;
        for (int i = 0; i < logits.length; i++) {
            if (labels[i] == -100) {
                continue;
            }
            double max = java.util.Arrays.stream(logits[i]).max().orElseThrow();
            double logSum = max + Math.log(java.util.Arrays.stream(logits[i]).map(v -> Math.exp(v - max)).sum());
            nll += logSum - logits[i][(int) labels[i]];
            for (double v : logits[i]) {
                smooth += (logSum - v) / logits[i].length;
            }
            active++;
        }
        return (1 - eps) * nll / active + eps * smooth / active;
    }

    @Test
    void theSmoothedLossIsHfsFormulaAndIgnoresMinus100() {
        Engine.init();
        double[][] logits = {{1.5, -0.5, 0.25, 2.0}, {0.1, 0.2, 0.3, 0.4}, {-1.0, 3.0, 0.0, 0.5}};
        long[] labels = {2, -100, 0};
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.fromFloats(flatten(logits), 3, 4);
            Tensor y = Tensors.fromLongs(labels, 3);
            for (double eps : new double[] {0.0, 0.1, 0.5}) {
                double got = new LabelSmoother(eps).loss(x, y, false).item_double();
                System.out.printf("eps %.1f: smoothed loss %.7f, expected %.7f%n", eps, got, expected(logits, labels, eps));
                assertThat(got).isCloseTo(expected(logits, labels, eps), within(1e-6)); // float32 log_softmax: ~1e-7
            }
            assertThat(new LabelSmoother(0.0).loss(x, y, false).item_double())
                    .as("epsilon 0 is the plain cross-entropy").isCloseTo(torch.cross_entropy(x, y).item_double(), within(1e-7));
        }
    }

    @Test
    void shiftedLabelsScorePositionTAgainstLabelTPlusOne() {
        Engine.init();
        double[][] logits = {{0.5, 1.0, -1.0}, {2.0, 0.0, 0.5}, {0.0, 0.0, 3.0}}; // positions 0..2 of one row
        long[] labels = {1, 2, 0};                                                   // the row's labels (its inputs)
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.fromFloats(flatten(logits), 1, 3, 3);
            Tensor y = Tensors.fromLongs(labels, 1, 3);
            double got = new LabelSmoother(0.1).loss(x, y, true).item_double();
            double want = expected(new double[][] {logits[0], logits[1]}, new long[] {2, 0}, 0.1);
            assertThat(got).isCloseTo(want, within(1e-6));
        }
    }

    @Test
    void floatLabelsAndFactorsOutsideTheRangeAreRefused() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.fromFloats(new float[] {0.5f, 1.5f}, 2, 1);
            Tensor y = Tensors.fromFloats(new float[] {0.3f, 1.2f}, 2);
            assertThatThrownBy(() -> new LabelSmoother(0.1).loss(x, y, false))
                    .hasMessageContaining("label_smoothing_factor needs class-index labels")
                    .hasMessageContaining("regression or multi-label");
        }
        assertThatThrownBy(() -> new LabelSmoother(1.0)).hasMessageContaining("label_smoothing_factor must be in [0, 1), got 1.0");
    }

    /** A causal LM's eval_loss under the Trainer is the smoothed loss of its gathered logits against its shifted labels. */
    @Test
    void theTrainerEvaluatesAndTrainsACausalLmWithTheSmoothedLoss() throws Exception {
        PreTrainedTokenizer tok = TrainerTasksTest.tokenizer();
        torch.manual_seed(3);
        var model = new LlamaForCausalLM(LlamaConfig.of(tok.length(), 16, 32, 1, 2, 1));
        List<EvalPrediction> seen = new ArrayList<>();
        Dataset eval = TrainerTasksTest.texts(12, 2, tok);
        var args = TrainingArguments.builder(dir.toString()).disableTqdm(true).learningRate(1e-2).maxSteps(30)
                .perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(12).saveStrategy(IntervalStrategy.NO).seed(1)
                .labelSmoothingFactor(0.1).build();
        var trainer = Trainer.builder(model, args).dataCollator(DataCollatorForLanguageModeling.causal(tok))
                .trainDataset(TrainerTasksTest.texts(64, 1, tok)).evalDataset(eval).processingClass(tok)
                .computeMetrics(p -> {
                    seen.add(p);
                    return Map.of();
                }).build();
        double before = trainer.evaluate().get("eval_loss");
        double want = smoothedShifted(seen.getLast(), 0.1); // one eval batch: the mean over all its active positions
        System.out.printf("causal LM smoothed eval_loss %.6f, from the gathered logits %.6f%n", before, want);
        assertThat(before).isCloseTo(want, within(1e-5));
        assertThat(before).as("not the plain loss").isNotCloseTo(smoothedShifted(seen.getLast(), 0.0), within(1e-3));
        trainer.train();
        double after = trainer.evaluate().get("eval_loss");
        System.out.printf("causal LM smoothed eval_loss %.4f -> %.4f%n", before, after);
        assertThat(after).isLessThan(before * 0.8);
        assertThat(after).isCloseTo(smoothedShifted(seen.getLast(), 0.1), within(1e-5));
    }

    /** The smoothed loss of gathered [N,T,V] logits against [N,T] labels, position t against label t + 1. */
    private static double smoothedShifted(EvalPrediction p, double eps) {
        NdArray logits = p.predictions();
        NdArray labels = p.labelIds();
        int n = (int) logits.shape()[0];
        int t = (int) logits.shape()[1];
        int v = (int) logits.shape()[2];
        float[] values = logits.floats();
        List<double[]> rows = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j + 1 < t; j++) {
                double[] row = new double[v];
                for (int c = 0; c < v; c++) {
                    row[c] = values[(i * t + j) * v + c];
                }
                rows.add(row);
                targets.add(labels.longs()[i * t + j + 1]);
            }
        }
        return expected(rows.toArray(double[][]::new), targets.stream().mapToLong(Long::longValue).toArray(), eps);
    }

    private static float[] flatten(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                out[i * rows[i].length + j] = (float) rows[i][j];
            }
        }
        return out;
    }
}
