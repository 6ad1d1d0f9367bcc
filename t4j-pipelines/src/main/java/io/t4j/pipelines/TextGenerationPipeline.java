package io.t4j.pipelines;

import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerateOutput;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.Generator;
import io.t4j.models.generation.TokenStreamer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * HF's {@code TextGenerationPipeline} (transformers/pipelines/text_generation.py) for chat messages:
 * {@code pipe(messages, max_new_tokens=..., return_full_text=False, do_sample=False)}. The messages go through the
 * chat template with the generation prompt, are tokenized without adding special tokens (the template has them),
 * and the new tokens are decoded without special tokens; with {@code returnFullText} the prompt text comes first.
 * A plain-text prompt is tokenized with special tokens and no template. {@code template} may be null when only
 * plain-text prompts are used.
 */
public final class TextGenerationPipeline implements AutoCloseable {
    private final CausalLM model;
    private final PreTrainedTokenizer tokenizer;
    private final ChatTemplate template;
    private final GenerationConfig defaults;
    private final boolean owned;

    /** A pipeline over a model and tokenizer the caller owns and closes. */
    public TextGenerationPipeline(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template) {
        this(model, tokenizer, template, null, false);
    }

    TextGenerationPipeline(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template,
                           GenerationConfig defaults, boolean owned) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.defaults = defaults;
        this.owned = owned;
    }

    public CausalLM model() {
        return model;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template, or null when the tokenizer has none (plain-text prompts only). */
    public ChatTemplate chatTemplate() {
        return template;
    }

    /**
     * The model folder's generation defaults (generation_config.json, else the config's special tokens), to derive a
     * request's config from: {@code pipe.generationConfig().withMaxNewTokens(3)}. Null for a pipeline built over a
     * caller's model.
     */
    public GenerationConfig generationConfig() {
        return defaults;
    }

    /** The generated text for {@code messages}; {@code streamer} (or null) sees each new token. */
    public String apply(List<Message> messages, GenerationConfig config, boolean returnFullText, TokenStreamer streamer) {
        if (template == null) {
            throw new IllegalArgumentException("the tokenizer of this model has no chat_template: send a plain-text prompt");
        }
        String prompt = template.apply(messages, true, tokenizer.bosToken(), tokenizer.eosToken());
        return generate(prompt, false, config, returnFullText, streamer);
    }

    /**
     * The generated text for a plain-text prompt (HF: {@code pipe("Once upon a time", ...)}): the prompt is tokenized
     * with the tokenizer's special tokens (e.g. a bos token), as HF does for text, and no chat template is applied.
     */
    public String apply(String prompt, GenerationConfig config, boolean returnFullText, TokenStreamer streamer) {
        return generate(prompt, true, config, returnFullText, streamer);
    }

    private String generate(String prompt, boolean addSpecialTokens, GenerationConfig config, boolean returnFullText,
                            TokenStreamer streamer) {
        EncodeOptions encode = EncodeOptions.noTruncation().withAddSpecialTokens(addSpecialTokens);
        int[] ids = tokenizer.encode(List.of(prompt), encode).inputIds()[0];
        long[] promptIds = Arrays.stream(ids).mapToLong(x -> x).toArray();
        Generator generator = new Generator(model).withDecoder(this::decode);
        if (streamer != null) {
            generator = generator.withStreamer(streamer);
        }
        GenerateOutput out = generator.generate(List.of(promptIds), config);
        String generated = decode(out.newTokens(0));
        return returnFullText ? prompt + generated : generated;
    }

    /** Token ids to text, special tokens skipped. */
    public String decode(long[] ids) {
        return tokenizer.decode(Arrays.stream(ids).mapToInt(x -> (int) x).toArray(), true);
    }

    /** Frees the model and tokenizer when this pipeline loaded them ({@link Pipeline#textGeneration(java.nio.file.Path)}). */
    @Override
    public void close() {
        if (owned) {
            model.close();
            tokenizer.close();
        }
    }
}
