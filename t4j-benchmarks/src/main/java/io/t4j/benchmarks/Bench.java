package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.t4j.engine.Engine;
import io.t4j.engine.gemm.Gemm;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code t4j bench}: runs the measurement sections, prints each as a markdown table on stdout (progress goes to
 * stderr) and writes the typed results as JSON. Every run records the commit, JDK, libtorch, thread settings, CPU,
 * load average and date ({@link RunEnvironment}). {@code --jmh REGEX} runs the JMH kernel benchmarks instead.
 */
@Command(name = "t4j bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure t4j: peak matmul, Trainer throughput and MFU, inference against ONNX Runtime, "
                + "tokenization, decoding, memory, a step profile, levers and the encoder families side by side. Prints tables, "
                + "writes JSON.")
public final class Bench implements Callable<Integer> {
    /** The report's JSON: snake_case keys (as HF writes its JSON), indented. */
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--sections", split = ",", paramLabel = "NAME",
            description = "Sections to run: peak, train, infer, tokenize, generate, memory, profile, levers, ner, qa, "
                    + "families, ddp (data-parallel training), spark (batch inference in Spark), tta (time to accuracy: "
                    + "t4j train on SST-2 per seed, minutes each) "
                    + "(default: peak,train,infer,tokenize,generate,memory)")
    List<String> sections = List.of("peak", "train", "infer", "tokenize", "generate", "memory");

    @Option(names = "--sst2", paramLabel = "DIR", description = "Folder with SST-2 train.tsv and dev.tsv (default: ${DEFAULT-VALUE})")
    Path sst2 = Path.of("../shared/data/sst2");

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report here")
    Path json;

    @Option(names = "--steps", description = "Timed Trainer steps per configuration and round (default: ${DEFAULT-VALUE})")
    int steps = 10;

    @Option(names = "--warmup-steps", description = "Untimed steps before them (default: ${DEFAULT-VALUE})")
    int warmupSteps = 3;

    @Option(names = "--rounds", description = "Rounds over the train configurations, interleaved (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Option(names = "--batch-size", description = "Training batch size (default: ${DEFAULT-VALUE})")
    int batchSize = 32;

    @Option(names = "--max-length", description = "Tokenization truncation (default: ${DEFAULT-VALUE})")
    int maxLength = 128;

    @Option(names = "--train-configs", split = ",", paramLabel = "CONFIG",
            description = "Train configurations (default: fp32-random,fp32-grouped,bf16-random,bf16-grouped)")
    List<String> trainConfigs = List.of("fp32-random", "fp32-grouped", "bf16-random", "bf16-grouped");

    @Option(names = "--no-peak", description = "Skip the peak matmul (train then reports no MFU)")
    boolean noPeak;

    @Option(names = "--peak-runs", description = "Timed 2048^3 matmuls per dtype, at least 5 (default: ${DEFAULT-VALUE})")
    int peakRuns = 7;

    @Option(names = "--peak-size", description = "N of the N^3 matmul (default: ${DEFAULT-VALUE})")
    int peakSize = 2048;

    @Option(names = "--classifier", paramLabel = "DIR", description = "A fine-tuned SST-2 classifier folder, for bf16's accuracy change")
    Path classifier;

    @Option(names = "--infer-reps", description = "Interleaved passes over SST-2 dev per runtime (default: ${DEFAULT-VALUE})")
    int inferReps = 5;

    @Option(names = "--latency-sentences", description = "Dev sentences timed at batch 1 (default: ${DEFAULT-VALUE})")
    int latencySentences = 100;

    @Option(names = "--no-infer-warm-up", description = "infer: time t4j's batch 1 without the warm-up `t4j serve` runs "
            + "(a forward per small token count and thread arm)")
    boolean noInferWarmUp;

    @Option(names = "--memory-steps", description = "Trainer steps of the memory run, at least 100 (default: ${DEFAULT-VALUE})")
    int memorySteps = 5000;

    @Option(names = "--memory-model", description = "tiny (2 layers, hidden 64) or default (bge-small) (default: ${DEFAULT-VALUE})")
    String memoryModel = "tiny";

    @Option(names = "--profile-steps", description = "Timed steps of the step profile (default: ${DEFAULT-VALUE})")
    int profileSteps = 8;

    @Option(names = "--lever-steps", description = "Timed steps per lever setting (default: ${DEFAULT-VALUE})")
    int leverSteps = 6;

    @Option(names = "--ner-model", paramLabel = "DIR", description = "A token-classification model folder, for the ner section")
    Path nerModel;

    @Option(names = "--conll", paramLabel = "DIR", description = "Folder with CoNLL-2003's valid.txt (default: ${DEFAULT-VALUE})")
    Path conll = Path.of("../shared/data/conll2003");

    @Option(names = "--qa-model", paramLabel = "DIR",
            description = "qa: a question-answering model folder (default: bge-small with a new qa_outputs head; the "
                    + "latency does not depend on the head's weights)")
    Path qaModel;

    @Option(names = "--squad", paramLabel = "FILE", description = "qa: the SQuAD JSON file the context comes from (default: ${DEFAULT-VALUE})")
    Path squad = Path.of("../shared/data/squad/train.json");

    @Option(names = "--qa-words", description = "qa: words of the long context (default: ${DEFAULT-VALUE})")
    int qaWords = 2000;

    @Option(names = "--family-lengths", split = ",", paramLabel = "T",
            description = "families: sequence lengths (default: 128,512)")
    List<Integer> familyLengths = List.of(128, 512);

    @Option(names = "--family-tokens", description = "families: tokens per batch; batch = tokens / length (default: ${DEFAULT-VALUE})")
    int familyTokens = 2048;

    @Option(names = "--family-steps", description = "families: timed steps per model, length and round (default: ${DEFAULT-VALUE})")
    int familySteps = 3;

    @Option(names = "--family-rounds", description = "families: rounds over the models, interleaved (default: ${DEFAULT-VALUE})")
    int familyRounds = 2;

    @Option(names = "--families", split = ",", paramLabel = "MODEL_TYPE",
            description = "families: model_types to compare (default: every one registered: bert, roberta, xlm-roberta, "
                    + "electra, distilbert, deberta-v2, modernbert)")
    List<String> familyNames = List.of();

    @Option(names = "--spark-rows", description = "SST-2 training sentences the spark section scores (default: ${DEFAULT-VALUE})")
    int sparkRows = 4000;

    @Option(names = "--competing-load", description = "train: run every configuration a second time beside a busy "
            + "loop on one core (started and stopped by the benchmark) and report loaded/quiet step time")
    boolean competingLoad;

    @Option(names = "--torch-reference", paramLabel = "PYTHON",
            description = "train: after t4j's configurations in each round, run HF's training step in PyTorch eager on "
                    + "the same batches with this Python (it needs torch; e.g. python3), under libgomp's default and "
                    + "PASSIVE wait policies, and report t4j against the better")
    String torchReference;

    @Option(names = "--infer-runtimes", split = ",", paramLabel = "RUNTIME",
            description = "infer: t4j runtimes compared with ORT fp32: t4j-fp32, t4j-bf16, t4j-int8, t4j-fp32-openblas "
                    + "(T4J_GEMM=openblas), t4j-bf16-unpacked (bf16 weights reordered per call), t4j-fp32-2t, "
                    + "t4j-bf16-2t, t4j-int8-2t (small forwards on all intra-op threads) "
                    + "(default: t4j-fp32,t4j-bf16,t4j-int8)")
    List<String> inferRuntimes = List.of("t4j-fp32", "t4j-bf16", "t4j-int8");

    @Option(names = "--tta-args", paramLabel = "OPTIONS",
            description = "tta: the t4j train options of the recipe, besides the data, --output_dir and --seed "
                    + "(default: ${DEFAULT-VALUE})")
    String ttaRecipe = TtaSection.DEFAULT_RECIPE;

    @Option(names = "--tta-seeds", split = ",", paramLabel = "SEED", description = "tta: one run per seed (default: 1,2,3)")
    List<Integer> ttaSeeds = List.of(1, 2, 3);

    @Option(names = "--tta-metric", description = "tta: the evaluation metric to reach (default: ${DEFAULT-VALUE})")
    String ttaMetric = "accuracy";

    @Option(names = "--tta-target", description = "tta: the value to reach (default: ${DEFAULT-VALUE})")
    double ttaTarget = 0.92;

    @Option(names = "--tta-limit", paramLabel = "SECONDS", description = "tta: stop a run after this long (default: ${DEFAULT-VALUE})")
    double ttaLimitSeconds = 900;

    @Option(names = "--jmh", paramLabel = "REGEX", description = "Run the JMH kernel benchmarks matching REGEX "
            + "(e.g. '.*' or Dispatch) instead of the sections")
    String jmh;

    @Override
    public Integer call() throws Exception {
        if (jmh != null) {
            return runJmh(jmh);
        }
        BenchOptions options = options();
        // one process holds what would be several servers: the infer section's fp32, bf16 and int8 runtimes each run
        // t4j serve's warm-up (a oneDNN kernel per small token count, thread arm and Linear shape, 496 for
        // bge-small), which overflowed oneDNN's default cache of 1024 (bge-small fp32 batch 1 12.0 ms, 8.9 ms with 4096)
        Engine.setEnvIfAbsent("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "4096");
        Engine.init();
        RunEnvironment env = RunEnvironment.capture();
        System.out.println("# t4j bench\n\n" + env.line() + "\n");
        Map<String, SectionResult> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        try (BenchContext ctx = new BenchContext(options)) {
            if (options.runPeak()) {
                runSection("peak", ctx, results, errors);
            }
            for (String s : options.sections()) {
                if (!s.equals("peak")) {
                    runSection(s, ctx, results, errors);
                }
            }
            if (options.runPeak() && options.sections().size() > 1) {
                runSection("peak_end", ctx, results, errors); // the ceiling drifts with the load: measured again
                BestPeakMfu best = BestPeakMfu.of(results.get("train") instanceof TrainSection.Report t ? t : null,
                        ctx.peak(), results.get("peak_end") instanceof PeakSection.Result p ? p : null);
                if (best != null) {
                    results.put("train_best_peak", best);
                    best.tables().forEach(t -> System.out.println(t.markdown()));
                }
            }
        }
        BenchReport report = new BenchReport(BenchReport.SCHEMA, env.finished(), results, errors);
        System.out.println("load average at the end: " + report.environment().loadAvgEnd());
        System.out.println("\nGEMM path decisions (" + Gemm.machine() + "): " + report.environment().gemmDecisions());
        if (options.json() != null) {
            JSON.writeValue(options.json().toFile(), report);
            System.err.println("wrote " + options.json());
        }
        return errors.isEmpty() ? 0 : 1;
    }

    private static void runSection(String name, BenchContext ctx, Map<String, SectionResult> results, Map<String, String> errors) {
        try {
            SectionResult r = section(name, ctx);
            results.put(name, r);
            r.tables().forEach(t -> System.out.println(t.markdown()));
        } catch (IllegalArgumentException e) {
            throw e; // a bad option or input: stop, the message names it
        } catch (Exception e) {
            errors.put(name, e.toString());
            System.out.println("### " + name + ": FAILED\n\n" + e + "\n");
            e.printStackTrace(System.err);
        }
    }

    private static SectionResult section(String name, BenchContext ctx) throws Exception {
        return switch (name) {
            case "peak" -> {
                PeakSection.Result r = PeakSection.run(ctx.options().peakSize(), ctx.options().peakRuns());
                ctx.peak(r);
                yield r;
            }
            case "peak_end" -> PeakSection.run(ctx.options().peakSize(), ctx.options().peakRuns());
            case "train" -> TrainSection.run(ctx);
            case "infer" -> InferSection.run(ctx);
            case "tokenize" -> TokenizeSection.run(ctx);
            case "generate" -> GenerateSection.run(ctx);
            case "memory" -> MemorySection.run(ctx);
            case "profile" -> ProfileSection.run(ctx);
            case "levers" -> LeversSection.run(ctx);
            case "ner" -> NerSection.run(ctx);
            case "qa" -> QaSection.run(ctx);
            case "families" -> FamiliesSection.run(ctx);
            case "ddp" -> DdpSection.run(ctx);
            case "spark" -> SparkSection.run(ctx);
            case "tta" -> TtaSection.run(ctx);
            default -> throw new IllegalArgumentException("--sections: unknown section '" + name + "'");
        };
    }

    BenchOptions options() {
        return new BenchOptions(sections, sst2, json, steps, warmupSteps, rounds, batchSize, maxLength,
                trainConfigs.stream().map(TrainSection.Config::parse).toList(), noPeak, peakRuns, peakSize, classifier,
                inferReps, latencySentences, memorySteps, memoryModel, profileSteps, leverSteps, nerModel, conll,
                qaModel, squad, qaWords, familyLengths, familyTokens, familySteps, familyRounds,
                familyNames, sparkRows, competingLoad, inferRuntimes, torchReference, ttaRecipe, ttaSeeds, ttaMetric,
                ttaTarget, ttaLimitSeconds, noInferWarmUp);
    }

    /** Runs the JMH benchmarks in {@code io.t4j.benchmarks.jmh} matching {@code regex}, forked with this JVM's flags. */
    static int runJmh(String regex) throws RunnerException {
        var options = new OptionsBuilder().include(regex)
                .jvmArgs(ManagementFactory.getRuntimeMXBean().getInputArguments().toArray(String[]::new)).build();
        return new Runner(options).run().isEmpty() ? 1 : 0;
    }

    /**
     * Runs the command on a thread with a 64 MiB stack: ONNX Runtime's environment creation overflows the JVM's
     * default 1 MiB thread stack and kills the process with SIGSEGV (no hs_err file), as measured here.
     */
    public static void main(String[] args) throws InterruptedException {
        int[] exitCode = {1};
        Thread t = new Thread(null, () -> exitCode[0] = commandLine().execute(args), "t4j-bench", 64L << 20);
        t.start();
        t.join();
        System.exit(exitCode[0]);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bench());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("t4j bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }
}
