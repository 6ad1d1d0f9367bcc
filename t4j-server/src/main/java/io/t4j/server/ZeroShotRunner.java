package io.t4j.server;

import io.t4j.pipelines.LlmPrediction;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.pipelines.ZeroShotLlmClassifier;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/zero-shot}: HF's zero-shot classification output by prompting the served causal LM through its
 * chat template ({@link ZeroShotLlmClassifier} in scoring mode: every label's log-probability in one forward).
 */
public final class ZeroShotRunner implements TaskRunner {
    private final TextGenerationPipeline pipeline;

    ZeroShotRunner(TextGenerationPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public String task() {
        return "zero-shot";
    }

    /** Texts to classify into {@code labels} by prompting. */
    public ZeroShotJob job(List<String> texts, List<String> labels) {
        return new ZeroShotJob(texts, labels);
    }

    /** Texts to classify into {@code labels} by prompting. */
    public final class ZeroShotJob extends BatchJob<List<Api.ZeroShotResult>> {
        private final List<String> texts;
        private final List<String> labels;

        private ZeroShotJob(List<String> texts, List<String> labels) {
            this.texts = List.copyOf(texts);
            this.labels = List.copyOf(labels);
        }

        @Override
        public int size() {
            return texts.size();
        }

        @Override
        public Object batchKey() {
            return this; // never merged
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            ZeroShotLlmClassifier classifier = ZeroShotLlmClassifier.create(pipeline.model(), pipeline.tokenizer(),
                            pipeline.chatTemplate(), labels)
                    .withMode(ZeroShotLlmClassifier.Mode.SCORING); // the label is the best-scored one, as HF ranks them
            List<LlmPrediction> predictions = classifier.classify(texts);
            complete(IntStream.range(0, texts.size()).mapToObj(i -> result(texts.get(i), predictions.get(i))).toList());
        }
    }

    /** HF's zero-shot output: labels sorted by probability, best first. */
    private static Api.ZeroShotResult result(String text, LlmPrediction p) {
        List<Map.Entry<String, Double>> sorted = p.probabilities().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).toList();
        return new Api.ZeroShotResult(text, sorted.stream().map(Map.Entry::getKey).toList(),
                sorted.stream().map(Map.Entry::getValue).toList());
    }
}
