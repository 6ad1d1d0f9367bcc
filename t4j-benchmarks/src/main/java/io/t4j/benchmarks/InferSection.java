package io.t4j.benchmarks;

import io.t4j.engine.IntraOpThreads;
import io.t4j.engine.Tensors;
import io.t4j.engine.gemm.Gemm;
import io.t4j.engine.gemm.GemmPath;
import io.t4j.engine.gemm.NativeOps;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.pipelines.SmallForwardWarmUp;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Text-classification forward over SST-2 dev against ONNX Runtime Java, in one JVM with the same token ids and
 * thread count: t4j's runtimes ({@code --infer-runtimes}: fp32, bf16 and int8 weights, loaded frozen as the CLI and
 * server load them, plus optional fixed-path variants) and ORT fp32 on the same ONNX file, interleaved pass by pass
 * (batch 32 throughput) and in blocks of sentences (batch-1 latency; {@link #latencies}). Each t4j runtime records which GEMM paths its
 * Linear calls took. With {@code --classifier} also the SST-2 dev accuracy of that fine-tuned model in each dtype.
 */
public final class InferSection {
    private InferSection() {}

    /**
     * One runtime on one model.
     *
     * @param runtime          "t4j fp32", "t4j bf16", "t4j int8", ... or "ORT fp32"
     * @param passMs           median time of one pass over dev in batches of 32
     * @param samplesPerSecond dev sentences / median pass time
     * @param latencyMs        median batch-1 forward
     * @param vsOrt            samples/s / ORT's samples/s
     * @param latencyVsOrt     ORT's latency / this latency (above 1: faster than ORT)
     * @param gemmPaths        share of Linear calls per kernel path (batch 32 and batch 1 together); empty for ORT
     * @param oneThreadShare   share of the batch-1 forwards (warm-ups included) that ran on one intra-op thread
     *                         ({@link IntraOpThreads}); NaN for ORT
     * @param warmUpSeconds    the server's warm-up before timing ({@link SmallForwardWarmUp}); NaN for ORT or when
     *                         not run ({@code --no-infer-warm-up})
     */
    public record Timing(String runtime, double passMs, double samplesPerSecond, double latencyMs, double vsOrt,
                         double latencyVsOrt, Map<String, Double> gemmPaths, double oneThreadShare, double warmUpSeconds) {}

    /**
     * One model's comparison.
     *
     * @param model            embedded model name
     * @param sentences        dev sentences per pass
     * @param meanPaddedLength mean padded length of the batches of 32
     * @param meanRealLength   mean real length (tokens under the attention mask)
     * @param latencySentences sentences timed at batch 1
     * @param timings          the t4j runtimes, then ORT fp32
     */
    public record ModelResult(String model, int sentences, double meanPaddedLength, double meanRealLength, int latencySentences,
                              List<Timing> timings) {}

    /**
     * A fine-tuned classifier's SST-2 dev accuracy in one dtype.
     *
     * @param dtype       float32, bfloat16 or int8
     * @param accuracy    fraction correct
     * @param deltaPoints (accuracy - float32 accuracy) in percentage points
     */
    public record DtypeAccuracy(String dtype, double accuracy, double deltaPoints) {}

    /**
     * The accuracy comparison.
     *
     * @param classifier the --classifier folder, or null
     * @param results    float32 first, then bfloat16 and int8 (empty when not measured)
     * @param note       why it was not measured, when it was not
     */
    public record Accuracy(String classifier, List<DtypeAccuracy> results, String note) {}

    /**
     * The section's result.
     *
     * @param threads  intra-op threads of both runtimes
     * @param reps     interleaved passes per runtime
     * @param models   one per model
     * @param accuracy the dtypes' accuracy change
     */
    public record Report(int threads, int reps, List<ModelResult> models, Accuracy accuracy) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (ModelResult m : models) {
                for (Timing t : m.timings()) {
                    rows.add(List.of(m.model(), t.runtime(), Table.num(t.passMs(), 0), Table.num(t.samplesPerSecond(), 1),
                            Table.num(t.vsOrt(), 2) + "x", Table.num(t.latencyMs(), 2), Table.num(t.latencyVsOrt(), 2) + "x",
                            Double.isNaN(t.oneThreadShare()) ? "" : Math.round(100 * t.oneThreadShare()) + "%",
                            TrainSection.Report.formatShares(t.gemmPaths())));
                }
            }
            List<String> notes = new ArrayList<>();
            notes.add(String.format(Locale.ROOT, "SST-2 dev (%d sentences) in batches of 32 padded to the longest "
                    + "(mean padded length %s, real %s); %d interleaved passes, medians; batch 1: each runtime alone for blocks of "
                    + LATENCY_BLOCK + " sentences, runtimes rotating, median; %d threads for both; ORT runs the "
                    + "ONNX encoder (no pooler/classifier) over the padded batch, t4j BertForSequenceClassification "
                    + "(encoder + pooler + 2-label head, frozen weights as the CLI and server load them) whose layers "
                    + "skip padding (Unpadding)",
                    models.isEmpty() ? 0 : models.get(0).sentences(),
                    models.stream().map(m -> Table.num(m.meanPaddedLength(), 1)).toList(),
                    models.stream().map(m -> Table.num(m.meanRealLength(), 1)).toList(), reps, threads));
            notes.add("vs ORT = t4j samples/s / ORT fp32 samples/s; latency vs ORT = ORT ms / t4j ms (above 1: t4j faster)");
            notes.add("int8 = the encoder's Linear layers quantized per output channel (quantized::linear_dynamic, engine "
                    + NativeOps.quantizedEngine() + "), the rest fp32; fp32-openblas / bf16-unpacked = T4J_GEMM=openblas; "
                    + "forwards of at most " + IntraOpThreads.smallForwardTokens() + " tokens run on one intra-op thread or on all, "
                    + "whichever their recent times favour, as in pipelines (-2t runtimes: always on all threads)");
            notes.add(warmUpLine(models));
            notes.add(accuracyLine(accuracy));
            notes.add("HF reference on this machine (issue 6): batch 128 over dev, 54 samples/s fp32, 197 with bf16 autocast");
            return List.of(new Table("infer: text classification over SST-2 dev against ONNX Runtime Java",
                    List.of("model", "runtime", "pass ms", "samples/s (batch 32)", "vs ORT", "batch-1 ms", "vs ORT",
                            "batch 1 on 1 thread", "GEMM paths"), rows, notes));
        }

        private static String warmUpLine(List<ModelResult> models) {
            List<String> parts = new ArrayList<>();
            for (ModelResult m : models) {
                for (Timing t : m.timings()) {
                    if (!Double.isNaN(t.warmUpSeconds())) {
                        parts.add(m.model() + " " + t.runtime() + " " + Table.num(t.warmUpSeconds(), 1) + " s");
                    }
                }
            }
            return parts.isEmpty() ? "t4j timed without `t4j serve`'s warm-up (--no-infer-warm-up): a batch-1 forward "
                    + "at a token count first met creates that count's oneDNN kernels"
                    : "before timing, each t4j runtime ran `t4j serve`'s warm-up (SmallForwardWarmUp: a forward per "
                    + "small token count and thread arm), not timed: " + String.join(", ", parts);
        }

        private static String accuracyLine(Accuracy a) {
            if (a.results().isEmpty()) {
                return "accuracy change: not measured (" + a.note() + ")";
            }
            List<String> parts = new ArrayList<>();
            for (DtypeAccuracy d : a.results()) {
                parts.add(String.format(Locale.ROOT, "%s %.2f%%%s", d.dtype(), 100 * d.accuracy(),
                        d.dtype().equals("float32") ? "" : String.format(Locale.ROOT, " (%+.2f points)", d.deltaPoints())));
            }
            return "SST-2 dev accuracy of " + a.classifier() + ": " + String.join(", ", parts);
        }
    }

    private interface Runner {
        void forward(BatchEncoding batch);
    }

    /** A runtime under test: its forward, its model (the thread chooser's owner; null for ORT), its kernel paths. */
    private record Runtime(String name, Runner runner, Object model, Map<GemmPath, Long> paths) {
        void forward(BatchEncoding b) {
            Gemm.resetPathCounts();
            runner.forward(b);
            Gemm.pathCounts().forEach((p, k) -> paths.merge(p, k, Long::sum));
        }
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

    /** Loading options of a t4j runtime: frozen (memory-mapped where the dtype allows), as `t4j predict` loads. */
    static PretrainedOptions loading(String runtime) {
        PretrainedOptions frozen = PretrainedOptions.numLabels(2).withZeroCopy(true);
        return switch (runtime) {
            case "t4j-fp32", "t4j-fp32-openblas", "t4j-fp32-2t" -> frozen;
            case "t4j-bf16", "t4j-bf16-unpacked", "t4j-bf16-2t" -> frozen.withDtype(ScalarType.BFloat16);
            case "t4j-int8", "t4j-int8-2t" -> frozen.withInt8(true);
            default -> throw new IllegalArgumentException("--infer-runtimes: unknown runtime '" + runtime + "'");
        };
    }

    private static ModelResult compare(DefaultModels.EmbeddedModel m, List<String> texts, Path work, int threads, BenchOptions o) {
        Path dir = DefaultModels.obtain(m);
        Path onnx = OrtRunner.extractOnnx(m, work);
        List<AutoCloseable> open = new ArrayList<>();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir);
             OrtRunner ort = new OrtRunner(onnx, threads)) {
            List<Runtime> runtimes = new ArrayList<>();
            for (String r : o.inferRuntimes()) {
                var model = BertForSequenceClassification.fromPretrained(dir, loading(r));
                open.add(model);
                boolean openblas = r.endsWith("-openblas") || r.endsWith("-unpacked");
                boolean twoThreads = r.endsWith("-2t");
                runtimes.add(new Runtime(r.replace('-', ' '), b -> {
                    if (openblas) {
                        Gemm.forceBackend(Gemm.Backend.OPENBLAS);
                    }
                    allThreads = twoThreads;
                    try {
                        t4jForward(model, b);
                    } finally {
                        allThreads = false;
                        if (openblas) {
                            Gemm.forceBackend(null);
                        }
                    }
                }, model, new EnumMap<>(GemmPath.class)));
            }
            runtimes.add(new Runtime("ORT fp32", ort::forward, null, new EnumMap<>(GemmPath.class)));
            double[] warmUp = new double[runtimes.size()];
            Arrays.fill(warmUp, Double.NaN);
            if (!o.noInferWarmUp()) {
                for (int r = 0; r < runtimes.size(); r++) {
                    if (runtimes.get(r).model() instanceof SequenceClassificationModel<?> model) {
                        warmUp[r] = serverWarmUp(runtimes.get(r), model, tok) / 1e3;
                    }
                }
            }
            List<BatchEncoding> batches = encode(tok, texts, 32);
            List<BatchEncoding> singles = encode(tok, texts.subList(0, Math.min(o.latencySentences(), texts.size())), 1);
            Progress.say("infer %s: %d passes x %d runtimes", m.name(), o.inferReps(), runtimes.size());
            double[][] pass = passes(runtimes, batches, o.inferReps());
            double[][] latency = latencies(runtimes, singles);
            int ortIndex = runtimes.size() - 1;
            double ortPass = Stats.median(pass[ortIndex]);
            double ortLatency = Stats.median(latency[ortIndex]);
            List<Timing> timings = new ArrayList<>();
            for (int r = 0; r < runtimes.size(); r++) {
                double ms = Stats.median(pass[r]);
                double lat = Stats.median(latency[r]);
                Object model = runtimes.get(r).model();
                timings.add(new Timing(runtimes.get(r).name(), ms, texts.size() / (ms / 1e3), lat, ortPass / ms, ortLatency / lat,
                        TrainSection.shares(runtimes.get(r).paths()),
                        model == null ? Double.NaN : IntraOpThreads.picks(model).oneThreadShare(), warmUp[r]));
            }
            double meanPadded = batches.stream().mapToDouble(b -> (double) b.inputIds()[0].length * b.size()).sum() / texts.size();
            double meanReal = batches.stream().flatMap(b -> Arrays.stream(b.attentionMask()))
                    .mapToDouble(row -> Arrays.stream(row).sum()).sum() / texts.size();
            return new ModelResult(m.name(), texts.size(), meanPadded, meanReal, singles.size(), timings);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** {@code t4j serve}'s warm-up of a classifier ({@link SmallForwardWarmUp}): its wall time in ms. */
    private static double serverWarmUp(Runtime runtime, SequenceClassificationModel<?> model, PreTrainedTokenizer tok) {
        Progress.say("infer: %s warms up as t4j serve does", runtime.name());
        return SmallForwardWarmUp.run(model, tok, model::forward).ms();
    }

    /** 3 warm-up batches each, then {@code reps} rounds of one pass per runtime: [runtime][rep] in ms. */
    private static double[][] passes(List<Runtime> runtimes, List<BatchEncoding> batches, int reps) {
        runtimes.forEach(r -> batches.subList(0, Math.min(3, batches.size())).forEach(r::forward));
        runtimes.forEach(r -> r.paths().clear());
        double[][] ms = new double[runtimes.size()][reps];
        for (int rep = 0; rep < reps; rep++) {
            for (int r = 0; r < runtimes.size(); r++) {
                long t0 = System.nanoTime();
                batches.forEach(runtimes.get(r)::forward);
                ms[r][rep] = Stats.msSince(t0);
            }
        }
        return ms;
    }

    /** Sentences per latency block (see {@link #latencies}). */
    static final int LATENCY_BLOCK = 25;

    /**
     * Each sentence alone, in blocks: every runtime runs a block of {@value #LATENCY_BLOCK} sentences by itself (after
     * 3 untimed sentences of the block), then the next runtime the same block, the runtimes' order rotating from block
     * to block: [runtime][sentence]. A server runs one runtime, so each is timed in its own steady state. Interleaving
     * runtimes sentence by sentence (this section's method before 2026-12-06) let one runtime's idle threads slow the
     * next one's call: ONNX Runtime's pool spins after each run by default, OpenBLAS's workers too (bge-small, batch 1,
     * quiet Zen 4: ORT 24.2 ms interleaved against 10.4 ms in blocks of 50, t4j's OpenBLAS path 42.7 against 19.6 ms).
     */
    private static double[][] latencies(List<Runtime> runtimes, List<BatchEncoding> singles) {
        runtimes.forEach(r -> singles.subList(0, Math.min(5, singles.size())).forEach(r::forward));
        double[][] ms = new double[runtimes.size()][singles.size()];
        int n = runtimes.size();
        for (int from = 0, block = 0; from < singles.size(); from += LATENCY_BLOCK, block++) {
            List<BatchEncoding> sentences = singles.subList(from, Math.min(singles.size(), from + LATENCY_BLOCK));
            for (int k = 0; k < n; k++) {
                int r = (block + k) % n;
                Runtime runtime = runtimes.get(r);
                sentences.subList(0, Math.min(3, sentences.size())).forEach(runtime::forward);
                for (int i = 0; i < sentences.size(); i++) {
                    long t0 = System.nanoTime();
                    runtime.forward(sentences.get(i));
                    ms[r][from + i] = Stats.msSince(t0);
                }
            }
        }
        return ms;
    }

    /** Set while a "-2t" runtime runs: its small forwards keep both threads (the guard off), for comparison. */
    private static boolean allThreads;

    /**
     * t4j's side as a pipeline runs it: tensors from the arrays, forward under inference mode (on one intra-op thread
     * when the batch is small, {@link IntraOpThreads}), logits back into Java.
     */
    private static float[] t4jForward(SequenceClassificationModel<?> model, BatchEncoding batch) {
        long tokens = (long) batch.size() * batch.inputIds()[0].length;
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode();
             IntraOpThreads threads = IntraOpThreads.forTokens(allThreads ? -1 : tokens, model)) {
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
            return new Accuracy(null, List.of(), "no fine-tuned classifier given: pass --classifier <dir>");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("--classifier " + dir + ": no config.json there (a model folder from "
                    + "./t4j train or save_pretrained is expected)");
        }
        long[] labels = ctx.sst2().dev().longs("label").values();
        Progress.say("infer: accuracy of %s in float32, bfloat16 and int8", dir);
        List<DtypeAccuracy> out = new ArrayList<>();
        double fp32 = 0;
        for (String dtype : List.of("float32", "bfloat16", "int8")) {
            double acc = accuracyOf(dir, PretrainedOptions.forInference(dtype, dir), texts, labels);
            if (dtype.equals("float32")) {
                fp32 = acc;
            }
            out.add(new DtypeAccuracy(dtype, acc, 100 * (acc - fp32)));
        }
        return new Accuracy(dir.toString(), out, null);
    }

    private static double accuracyOf(Path dir, PretrainedOptions options, List<String> texts, long[] labels) {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir);
             var model = AutoModelForSequenceClassification.fromPretrained(dir, options)) {
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
