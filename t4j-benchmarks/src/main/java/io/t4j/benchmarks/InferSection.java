package io.t4j.benchmarks;

import io.t4j.engine.Tensors;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Text-classification forward over SST-2 dev against ONNX Runtime Java, in one JVM with the same token ids and
 * thread count: t4j fp32, t4j bf16 (bf16 weights) and ORT fp32 on the same ONNX file, interleaved pass by pass
 * (batch 32 throughput) and sentence by sentence (batch-1 latency). With {@code --classifier} also the accuracy
 * change of bf16 against fp32 for that fine-tuned model.
 */
public final class InferSection {
    private InferSection() {}

    /**
     * One runtime on one model.
     *
     * @param runtime          "t4j fp32", "t4j bf16" or "ORT fp32"
     * @param passMs           median time of one pass over dev in batches of 32
     * @param samplesPerSecond dev sentences / median pass time
     * @param latencyMs        median batch-1 forward
     */
    public record Timing(String runtime, double passMs, double samplesPerSecond, double latencyMs) {}

    /**
     * One model's comparison.
     *
     * @param model            embedded model name
     * @param sentences        dev sentences per pass
     * @param meanPaddedLength mean padded length of the batches of 32
     * @param meanRealLength   mean real length (tokens under the attention mask)
     * @param latencySentences sentences timed at batch 1
     * @param timings          t4j fp32, t4j bf16, ORT fp32
     * @param ratioFp32        t4j fp32 throughput / ORT throughput
     * @param ratioBf16        t4j bf16 throughput / ORT fp32 throughput
     * @param latencyRatioFp32 ORT latency / t4j fp32 latency (above 1: t4j faster)
     * @param latencyRatioBf16 ORT latency / t4j bf16 latency
     */
    public record ModelResult(String model, int sentences, double meanPaddedLength, double meanRealLength, int latencySentences,
                              List<Timing> timings, double ratioFp32, double ratioBf16, double latencyRatioFp32,
                              double latencyRatioBf16) {}

    /**
     * bf16's accuracy change on SST-2 dev for a fine-tuned classifier.
     *
     * @param classifier   the --classifier folder, or null
     * @param fp32Accuracy accuracy with fp32 weights (null when not measured)
     * @param bf16Accuracy accuracy with bf16 weights
     * @param deltaPoints  (bf16 - fp32) in percentage points
     * @param note         why it was not measured, when it was not
     */
    public record Accuracy(String classifier, Double fp32Accuracy, Double bf16Accuracy, Double deltaPoints, String note) {}

    /**
     * The section's result.
     *
     * @param threads  intra-op threads of both runtimes
     * @param reps     interleaved passes per runtime
     * @param models   one per model
     * @param accuracy bf16 accuracy change
     */
    public record Report(int threads, int reps, List<ModelResult> models, Accuracy accuracy) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (ModelResult m : models) {
                for (Timing t : m.timings()) {
                    String ratio = t.runtime().equals("t4j fp32") ? Table.num(m.ratioFp32(), 2) + "x"
                            : t.runtime().equals("t4j bf16") ? Table.num(m.ratioBf16(), 2) + "x" : "1.00x";
                    String latRatio = t.runtime().equals("t4j fp32") ? Table.num(m.latencyRatioFp32(), 2) + "x"
                            : t.runtime().equals("t4j bf16") ? Table.num(m.latencyRatioBf16(), 2) + "x" : "1.00x";
                    rows.add(List.of(m.model(), t.runtime(), Table.num(t.passMs(), 0), Table.num(t.samplesPerSecond(), 1),
                            ratio, Table.num(t.latencyMs(), 2), latRatio));
                }
            }
            List<String> notes = new ArrayList<>();
            notes.add(String.format(Locale.ROOT, "SST-2 dev (%d sentences) in batches of 32 padded to the longest "
                    + "(mean padded length %s, real %s); %d interleaved passes, medians; %d threads for both; ORT runs the "
                    + "ONNX encoder (no pooler/classifier) over the padded batch, t4j BertForSequenceClassification "
                    + "(encoder + pooler + 2-label head) whose layers skip padding (Unpadding)",
                    models.isEmpty() ? 0 : models.get(0).sentences(),
                    models.stream().map(m -> Table.num(m.meanPaddedLength(), 1)).toList(),
                    models.stream().map(m -> Table.num(m.meanRealLength(), 1)).toList(), reps, threads));
            notes.add("ratio = t4j samples/s / ORT fp32 samples/s; latency ratio = ORT ms / t4j ms (above 1: t4j faster)");
            notes.add(accuracyLine(accuracy));
            notes.add("HF reference on this machine (issue 6): batch 128 over dev, 54 samples/s fp32, 197 with bf16 autocast");
            return List.of(new Table("infer: text classification over SST-2 dev against ONNX Runtime Java",
                    List.of("model", "runtime", "pass ms", "samples/s (batch 32)", "vs ORT", "batch-1 ms", "vs ORT"),
                    rows, notes));
        }

        private static String accuracyLine(Accuracy a) {
            if (a.deltaPoints() == null) {
                return "bf16 accuracy change: not measured (" + a.note() + ")";
            }
            return String.format(Locale.ROOT, "bf16 accuracy change on SST-2 dev for %s: fp32 %.2f%%, bf16 %.2f%%, "
                    + "change %+.2f points", a.classifier(), 100 * a.fp32Accuracy(), 100 * a.bf16Accuracy(), a.deltaPoints());
        }
    }

    private interface Runner {
        void forward(BatchEncoding batch);
    }

    public static Report run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        int threads = torch.get_num_threads();
        List<String> texts = ctx.sst2().dev().strings("sentence").asList();
        Path work = TempFiles.dir("t4j-bench-onnx", "the ONNX files");
        try {
            List<ModelResult> models = new ArrayList<>();
            for (DefaultModels.EmbeddedModel m : List.of(DefaultModels.ALL_MINILM_L6_V2, DefaultModels.BGE_SMALL_EN_V15)) {
                models.add(compare(m, texts, work, threads, o));
            }
            return new Report(threads, o.inferReps(), models, accuracy(ctx, texts));
        } finally {
            TempFiles.deleteTree(work);
        }
    }

    private static ModelResult compare(DefaultModels.EmbeddedModel m, List<String> texts, Path work, int threads, BenchOptions o) {
        Path dir = DefaultModels.obtain(m);
        Path onnx = OrtRunner.extractOnnx(m, work);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir);
             var fp32 = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2));
             var bf16 = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withDtype(ScalarType.BFloat16));
             OrtRunner ort = new OrtRunner(onnx, threads)) {
            fp32.eval();
            bf16.eval();
            List<BatchEncoding> batches = encode(tok, texts, 32);
            List<BatchEncoding> singles = encode(tok, texts.subList(0, Math.min(o.latencySentences(), texts.size())), 1);
            List<Runner> runners = List.of(b -> t4jForward(fp32, b), b -> t4jForward(bf16, b), ort::forward);
            List<String> names = List.of("t4j fp32", "t4j bf16", "ORT fp32");
            Progress.say("infer %s: %d passes x 3 runtimes", m.name(), o.inferReps());
            double[][] pass = passes(runners, batches, o.inferReps());
            double[][] latency = latencies(runners, singles);
            List<Timing> timings = new ArrayList<>();
            for (int r = 0; r < runners.size(); r++) {
                double ms = Stats.median(pass[r]);
                timings.add(new Timing(names.get(r), ms, texts.size() / (ms / 1e3), Stats.median(latency[r])));
            }
            double meanPadded = batches.stream().mapToDouble(b -> (double) b.inputIds()[0].length * b.size()).sum() / texts.size();
            double meanReal = batches.stream().flatMap(b -> Arrays.stream(b.attentionMask()))
                    .mapToDouble(row -> Arrays.stream(row).sum()).sum() / texts.size();
            return new ModelResult(m.name(), texts.size(), meanPadded, meanReal, singles.size(), timings,
                    timings.get(2).passMs() / timings.get(0).passMs(), timings.get(2).passMs() / timings.get(1).passMs(),
                    timings.get(2).latencyMs() / timings.get(0).latencyMs(), timings.get(2).latencyMs() / timings.get(1).latencyMs());
        }
    }

    /** 3 warm-up batches each, then {@code reps} rounds of one pass per runner: [runner][rep] in ms. */
    private static double[][] passes(List<Runner> runners, List<BatchEncoding> batches, int reps) {
        runners.forEach(r -> batches.subList(0, Math.min(3, batches.size())).forEach(r::forward));
        double[][] ms = new double[runners.size()][reps];
        for (int rep = 0; rep < reps; rep++) {
            for (int r = 0; r < runners.size(); r++) {
                long t0 = System.nanoTime();
                batches.forEach(runners.get(r)::forward);
                ms[r][rep] = Stats.msSince(t0);
            }
        }
        return ms;
    }

    /** Each sentence alone, runners interleaved sentence by sentence, after 5 warm-up sentences: [runner][sentence]. */
    private static double[][] latencies(List<Runner> runners, List<BatchEncoding> singles) {
        runners.forEach(r -> singles.subList(0, Math.min(5, singles.size())).forEach(r::forward));
        double[][] ms = new double[runners.size()][singles.size()];
        for (int i = 0; i < singles.size(); i++) {
            for (int r = 0; r < runners.size(); r++) {
                long t0 = System.nanoTime();
                runners.get(r).forward(singles.get(i));
                ms[r][i] = Stats.msSince(t0);
            }
        }
        return ms;
    }

    /** t4j's side: tensors from the arrays, forward under inference mode, logits back into Java. */
    private static float[] t4jForward(SequenceClassificationModel<?> model, BatchEncoding batch) {
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode()) {
            return Tensors.toFloats(model.forward(ModelInputs.of(batch)).logits().to(ScalarType.Float));
        }
    }

    static List<BatchEncoding> encode(PreTrainedTokenizer tok, List<String> texts, int batchSize) {
        List<BatchEncoding> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += batchSize) {
            out.add(tok.encode(texts.subList(i, Math.min(texts.size(), i + batchSize)), EncodeOptions.padLongest()));
        }
        return out;
    }

    private static Accuracy accuracy(BenchContext ctx, List<String> texts) {
        Path dir = ctx.options().classifier();
        if (dir == null) {
            return new Accuracy(null, null, null, null, "no fine-tuned classifier given: pass --classifier <dir>");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("--classifier " + dir + ": no config.json there (a model folder from "
                    + "./t4j train or save_pretrained is expected)");
        }
        long[] labels = ctx.sst2().dev().longs("label").values();
        Progress.say("infer: accuracy of %s in fp32 and bf16", dir);
        double fp32 = accuracyOf(dir, ScalarType.Float, texts, labels);
        double bf16 = accuracyOf(dir, ScalarType.BFloat16, texts, labels);
        return new Accuracy(dir.toString(), fp32, bf16, 100 * (bf16 - fp32), null);
    }

    private static double accuracyOf(Path dir, ScalarType dtype, List<String> texts, long[] labels) {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir);
             var model = AutoModelForSequenceClassification.fromPretrained(dir, PretrainedOptions.defaults().withDtype(dtype))) {
            model.eval();
            int correct = 0;
            int row = 0;
            for (BatchEncoding b : encode(tok, texts, 32)) {
                float[] logits = t4jForward(model, b);
                int n = logits.length / b.size();
                for (int i = 0; i < b.size(); i++, row++) {
                    correct += argmax(logits, i * n, n) == labels[row] ? 1 : 0;
                }
            }
            return (double) correct / texts.size();
        }
    }

    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[from + j] > v[from + best]) {
                best = j;
            }
        }
        return best;
    }
}
