package io.t4j.server;

import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.pipelines.GeneratedText;
import io.t4j.pipelines.GuidedChoice;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;

/**
 * {@code POST /v1/generate}: the text-generation pipeline over the served causal LM. Generation jobs are never
 * merged (each request has its own length and sampling settings), so the queue in front of it is a bounded FIFO
 * before one generating thread.
 */
public final class GenerateRunner implements TaskRunner {
    private final TextGenerationPipeline pipeline;

    GenerateRunner(TextGenerationPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public String task() {
        return "generate";
    }

    public CausalLM model() {
        return pipeline.model();
    }

    /** Whether chat messages can be rendered: the tokenizer has a chat template. */
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

    /** The prompt's token ids as the model sees them (the rendered chat template, or the text with special tokens). */
    public long[] promptIds(TextGenerationPipeline.Prompt prompt) {
        return pipeline.promptIds(prompt);
    }

    /** Token ids to text, special tokens skipped (what a streamer decodes new tokens with). */
    public String decode(long[] ids) {
        return pipeline.decode(ids);
    }

    /**
     * {@code choices} as a {@link GuidedChoice} ended by the tokenizer's eos token (the chat turn's end), else by the
     * first eos id of the generation config.
     */
    public GuidedChoice guidedChoice(List<String> choices) {
        Integer end = pipeline.tokenizer().eosTokenId();
        if (end == null) {
            if (defaults().eosTokenId().isEmpty()) {
                throw new IllegalArgumentException("guided_choice needs an end token, and this model has no eos token");
            }
            end = defaults().eosTokenId().getFirst();
        }
        return GuidedChoice.of(choices, pipeline.tokenizer(), end);
    }

    /** One generation with its token counts and finish reason (the OpenAI-compatible routes' job). */
    public GenerationJob job(TextGenerationPipeline.Prompt prompt, TextGenerationPipeline.Options options) {
        return new GenerationJob(prompt, options);
    }

    /** One generation: a prompt and the pipeline's options (streamer and guided choice included). */
    public final class GenerationJob extends BatchJob<GeneratedText> {
        private final TextGenerationPipeline.Prompt prompt;
        private final TextGenerationPipeline.Options options;

        private GenerationJob(TextGenerationPipeline.Prompt prompt, TextGenerationPipeline.Options options) {
            this.prompt = prompt;
            this.options = options;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public Object batchKey() {
            return this; // never merged
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            complete(pipeline.generate(prompt, options));
        }
    }

    /** A generation for chat messages or a plain prompt (exactly one is non-null). */
    public GenerateJob job(List<Message> messages, String prompt, GenerationConfig config, boolean returnFullText) {
        return new GenerateJob(messages, prompt, config, returnFullText);
    }

    /** One generation: chat messages or a plain prompt (exactly one is non-null). */
    public final class GenerateJob extends BatchJob<String> {
        private final List<Message> messages;
        private final String prompt;
        private final GenerationConfig config;
        private final boolean returnFullText;

        private GenerateJob(List<Message> messages, String prompt, GenerationConfig config, boolean returnFullText) {
            this.messages = messages;
            this.prompt = prompt;
            this.config = config;
            this.returnFullText = returnFullText;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public Object batchKey() {
            return this; // never merged
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            complete(messages != null ? pipeline.apply(messages, config, returnFullText, null)
                    : pipeline.apply(prompt, config, returnFullText, null));
        }
    }
}
