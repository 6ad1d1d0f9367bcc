package io.t4j.server;

import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.pipelines.LlmPrediction;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.pipelines.ZeroShotLlmClassifier;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A causal LM (Llama, Qwen2, Phi-3) served for generate and zero-shot: a {@link TextGenerationPipeline} and
 * {@link ZeroShotLlmClassifier}s over the model, its tokenizer and chat template. Generation jobs are never merged
 * (each request has its own length and sampling settings), so the {@link MicroBatcher} over this runner is a
 * bounded FIFO queue in front of one generating thread.
 */
public final class DecoderRunner implements AutoCloseable {
    private final TextGenerationPipeline pipeline;

    /** A job of either task. */
    public abstract static sealed class Job<R> extends BatchJob<R> permits GenerateJob, ZeroShotJob {
        @Override
        public final Object batchKey() {
            return this; // never merged
        }
    }

    /** One generation: chat messages or a plain prompt (exactly one is non-null). */
    public static final class GenerateJob extends Job<String> {
        private final List<Message> messages;
        private final String prompt;
        private final GenerationConfig config;
        private final boolean returnFullText;

        public GenerateJob(List<Message> messages, String prompt, GenerationConfig config, boolean returnFullText) {
            this.messages = messages;
            this.prompt = prompt;
            this.config = config;
            this.returnFullText = returnFullText;
        }

        @Override
        public int size() {
            return 1;
        }
    }

    /** Texts to classify into {@code labels} by prompting. */
    public static final class ZeroShotJob extends Job<List<Api.ZeroShotResult>> {
        private final List<String> texts;
        private final List<String> labels;

        public ZeroShotJob(List<String> texts, List<String> labels) {
            this.texts = List.copyOf(texts);
            this.labels = List.copyOf(labels);
        }

        @Override
        public int size() {
            return texts.size();
        }
    }

    private DecoderRunner(TextGenerationPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Loads the folder's causal LM (HF's AutoModelForCausalLM), tokenizer, chat template and generation defaults. */
    public static DecoderRunner load(Path dir, PretrainedOptions options) {
        return new DecoderRunner(Pipeline.textGeneration(dir, options));
    }

    public CausalLM model() {
        return pipeline.model();
    }

    /** Whether chat messages (and so zero-shot prompts) can be rendered: the tokenizer has a chat template. */
    public boolean hasChatTemplate() {
        return pipeline.chatTemplate() != null;
    }

    /** The folder's generation_config.json (or the model config's special tokens), before a request's parameters. */
    public GenerationConfig defaults() {
        return pipeline.generationConfig();
    }

    /** Tokens of the prompt a request produces: the rendered chat, or the plain prompt with special tokens. */
    public int promptTokens(List<Message> messages, String prompt) {
        PreTrainedTokenizer tokenizer = pipeline.tokenizer();
        String text = messages != null
                ? pipeline.chatTemplate().apply(messages, true, tokenizer.bosToken(), tokenizer.eosToken()) : prompt;
        EncodeOptions encode = EncodeOptions.noTruncation().withAddSpecialTokens(messages == null);
        return tokenizer.encode(List.of(text), encode).inputIds()[0].length;
    }

    /** Runs one job (the {@link MicroBatcher}'s runner; batches hold one job). */
    public void run(List<Job<?>> batch) {
        for (Job<?> job : batch) {
            switch (job) {
                case GenerateJob g -> g.complete(generate(g));
                case ZeroShotJob z -> z.complete(zeroShot(z));
            }
        }
    }

    private String generate(GenerateJob job) {
        return job.messages != null ? pipeline.apply(job.messages, job.config, job.returnFullText, null)
                : pipeline.apply(job.prompt, job.config, job.returnFullText, null);
    }

    private List<Api.ZeroShotResult> zeroShot(ZeroShotJob job) {
        ZeroShotLlmClassifier classifier = ZeroShotLlmClassifier.create(pipeline.model(), pipeline.tokenizer(),
                        pipeline.chatTemplate(), job.labels)
                .withMode(ZeroShotLlmClassifier.Mode.SCORING); // the label is the best-scored one, as HF ranks them
        List<LlmPrediction> predictions = classifier.classify(job.texts);
        return java.util.stream.IntStream.range(0, job.texts.size())
                .mapToObj(i -> result(job.texts.get(i), predictions.get(i))).toList();
    }

    /** HF's zero-shot output: labels sorted by probability, best first. */
    private static Api.ZeroShotResult result(String text, LlmPrediction p) {
        List<Map.Entry<String, Double>> sorted = p.probabilities().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).toList();
        return new Api.ZeroShotResult(text, sorted.stream().map(Map.Entry::getKey).toList(),
                sorted.stream().map(Map.Entry::getValue).toList());
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
