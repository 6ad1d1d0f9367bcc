package io.t4j.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code t4j bench} (see {@link Bench} for their descriptions and defaults).
 *
 * @param sections       sections to run, in order
 * @param sst2           folder with SST-2's train.tsv and dev.tsv
 * @param json           where to write the JSON report, or null
 * @param steps          timed Trainer steps per configuration and round
 * @param warmupSteps    untimed steps before them
 * @param rounds         rounds over the train configurations (interleaving)
 * @param batchSize      training batch
 * @param maxLength      tokenization truncation
 * @param trainConfigs   train configurations
 * @param noPeak         skip the peak matmul (no MFU)
 * @param peakRuns       timed matmuls per dtype
 * @param peakSize       N of the N^3 matmul
 * @param classifier     fine-tuned classifier for the bf16 accuracy change, or null
 * @param inferReps      interleaved passes over dev per runtime
 * @param latencySentences sentences timed at batch 1
 * @param memorySteps    steps of the memory run
 * @param memoryModel    "tiny" or "default"
 * @param profileSteps   timed steps of the step profile
 * @param leverSteps     timed steps per lever setting
 * @param nerModel       a token-classification model folder for the ner section, or null
 * @param conll          folder with CoNLL-2003's valid.txt
 * @param qaModel        a question-answering model folder for the qa section, or null for bge-small with a new head
 * @param squad          the SQuAD JSON file the qa section takes its long context and question from
 * @param qaWords        words of the qa section's context
 * @param familyLengths  sequence lengths of the families section
 * @param familyTokens   tokens per batch there (batch = tokens / length)
 * @param familySteps    timed steps per model, length and round there
 * @param familyRounds   rounds over the models there (interleaving)
 * @param familyNames    model_types to compare there (empty: every one registered)
 * @param sparkRows      SST-2 training sentences the spark section scores
 * @param competingLoad  train: run each configuration again beside a one-core busy loop
 * @param inferRuntimes  infer: the t4j runtimes compared with ORT (t4j-fp32, t4j-bf16, t4j-int8, t4j-fp32-openblas,
 *                       t4j-bf16-unpacked)
 * @param torchReference train: a Python with torch that runs HF's training step in PyTorch eager on the same batches
 *                       ({@link TorchReference}), or null
 * @param ttaRecipe      tta: the {@code t4j train} options of the recipe (besides data, output_dir and seed)
 * @param ttaSeeds       tta: one run per seed
 * @param ttaMetric      tta: the evaluation metric to reach ({@code accuracy} reads {@code eval_accuracy})
 * @param ttaTarget      tta: the value to reach
 * @param ttaLimitSeconds tta: a run stops after this many seconds
 * @param noInferWarmUp  infer: time t4j without the server's warm-up ({@link io.t4j.pipelines.SmallForwardWarmUp})
 */
public record BenchOptions(List<String> sections, Path sst2, Path json, int steps, int warmupSteps, int rounds,
                           int batchSize, int maxLength, List<TrainSection.Config> trainConfigs, boolean noPeak,
                           int peakRuns, int peakSize, Path classifier, int inferReps, int latencySentences,
                           int memorySteps, String memoryModel, int profileSteps, int leverSteps, Path nerModel,
                           Path conll, Path qaModel, Path squad, int qaWords, List<Integer> familyLengths,
                           int familyTokens, int familySteps, int familyRounds, List<String> familyNames, int sparkRows,
                           boolean competingLoad, List<String> inferRuntimes, String torchReference, String ttaRecipe,
                           List<Integer> ttaSeeds, String ttaMetric, double ttaTarget, double ttaLimitSeconds,
                           boolean noInferWarmUp) {
    /** The sections in run order. */
    public static final List<String> ALL_SECTIONS = List.of("peak", "train", "infer", "tokenize", "generate", "memory",
            "profile", "levers", "ner", "qa", "families", "ddp", "spark", "tta");

    /** The t4j runtimes the infer section knows (ORT fp32 always runs). */
    public static final List<String> INFER_RUNTIMES = List.of("t4j-fp32", "t4j-bf16", "t4j-int8", "t4j-fp32-openblas",
            "t4j-bf16-unpacked", "t4j-fp32-2t", "t4j-bf16-2t", "t4j-int8-2t");

    public BenchOptions {
        for (String s : sections) {
            if (!ALL_SECTIONS.contains(s)) {
                throw new IllegalArgumentException("--sections: unknown section '" + s + "' (known: "
                        + String.join(", ", ALL_SECTIONS) + ")");
            }
        }
        positive("--steps", steps);
        positive("--rounds", rounds);
        positive("--batch-size", batchSize);
        positive("--max-length", maxLength);
        positive("--infer-reps", inferReps);
        positive("--latency-sentences", latencySentences);
        positive("--profile-steps", profileSteps);
        positive("--lever-steps", leverSteps);
        positive("--qa-words", qaWords);
        positive("--family-tokens", familyTokens);
        positive("--family-steps", familySteps);
        positive("--family-rounds", familyRounds);
        if (familyLengths.isEmpty() || familyLengths.stream().anyMatch(l -> l < 1 || l > familyTokens)) {
            throw new IllegalArgumentException("--family-lengths must be lengths from 1 to --family-tokens (" + familyTokens
                    + "), got " + familyLengths);
        }
        positive("--spark-rows", sparkRows);
        if (ttaSeeds.isEmpty() || ttaRecipe.isBlank()) {
            throw new IllegalArgumentException("--tta-seeds and --tta-args must not be empty");
        }
        if (!(ttaLimitSeconds > 0)) {
            throw new IllegalArgumentException("--tta-limit must be positive seconds, got " + ttaLimitSeconds);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("--warmup-steps must be 0 or more, got " + warmupSteps);
        }
        if (peakRuns < 5) {
            throw new IllegalArgumentException("--peak-runs must be at least 5 (the peak is a median), got " + peakRuns);
        }
        if (!memoryModel.equals("tiny") && !memoryModel.equals("default")) {
            throw new IllegalArgumentException("--memory-model must be tiny or default, got '" + memoryModel + "'");
        }
        sections = ALL_SECTIONS.stream().filter(sections::contains).toList();
        for (String r : inferRuntimes) {
            if (!INFER_RUNTIMES.contains(r)) {
                throw new IllegalArgumentException("--infer-runtimes: unknown runtime '" + r + "' (known: "
                        + String.join(", ", INFER_RUNTIMES) + ")");
            }
        }
    }

    /** Whether the peak runs first: asked for, or needed for MFU by train, unless --no-peak. */
    public boolean runPeak() {
        return !noPeak && (sections.contains("peak") || sections.contains("train"));
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }
}
