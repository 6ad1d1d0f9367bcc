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
 * plain-text prompts are used. One prompt per call: the {@code Generator} owns a scope per decoding step.
 */
public final class TextGenerationPipeline extends Pipeline<CausalLM, TextGenerationPipeline.Prompt,
        TextGenerationPipeline.Encoded, GenerateOutput, GeneratedText, TextGenerationPipeline.Options> {

    /** One input: chat messages (through the template) or a plain-text prompt. */
    public sealed interface Prompt {
        record Chat(List<Message> messages) implements Prompt {}

        record Text(String text) implements Prompt {}
    }

    /**
     * The call options: the generation config, HF's {@code return_full_text}, a streamer (or null), and choices the
     * output is constrained to (vLLM's {@code guided_choice}; null for free generation).
     */
    public record Options(GenerationConfig config, boolean returnFullText, TokenStreamer streamer, GuidedChoice choice) {
        public Options(GenerationConfig config, boolean returnFullText, TokenStreamer streamer) {
            this(config, returnFullText, streamer, null);
        }
    }

    /** A prompt as text (what return_full_text prepends) and as token ids. */
    public record Encoded(String text, long[] ids) {}

    private final ChatTemplate template;
    private final GenerationConfig defaults;

    /** A pipeline over a model and tokenizer the caller owns and closes. */
    public TextGenerationPipeline(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template) {
        this(model, tokenizer, template, null, false);
    }

    TextGenerationPipeline(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template,
                           GenerationConfig defaults, boolean owned) {
        super(model, tokenizer, owned);
        this.template = template;
        this.defaults = defaults;
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
        return generate(new Prompt.Chat(messages), new Options(config, returnFullText, streamer)).text();
    }

    /**
     * The generated text for a plain-text prompt (HF: {@code pipe("Once upon a time", ...)}): the prompt is tokenized
     * with the tokenizer's special tokens (e.g. a bos token), as HF does for text, and no chat template is applied.
     */
    public String apply(String prompt, GenerationConfig config, boolean returnFullText, TokenStreamer streamer) {
        return generate(new Prompt.Text(prompt), new Options(config, returnFullText, streamer)).text();
    }

    /** One generation for chat messages or a plain prompt, with its token counts and finish reason. */
    public GeneratedText generate(Prompt prompt, Options options) {
        if (prompt instanceof Prompt.Chat && template == null) {
            throw new IllegalArgumentException("the tokenizer of this model has no chat_template: send a plain-text prompt");
        }
        return run(List.of(prompt), options).getFirst();
    }

    /** The prompt's token ids as the model sees them: the rendered chat template, or the text with special tokens. */
    public long[] promptIds(Prompt prompt) {
        return preprocess(List.of(prompt), null).ids();
    }

    /** Token ids to text, special tokens skipped. */
    public String decode(long[] ids) {
        return tokenizer.decode(Arrays.stream(ids).mapToInt(x -> (int) x).toArray(), true);
    }

    @Override
    protected int batchSize(Options options) {
        return 1;
    }

    /** The chat template with the generation prompt (no special tokens added: the template has them), or the text. */
    @Override
    protected Encoded preprocess(List<Prompt> prompts, Options options) {
        String text = switch (prompts.getFirst()) {
            case Prompt.Chat c -> template.apply(c.messages(), true, tokenizer.bosToken(), tokenizer.eosToken());
            case Prompt.Text t -> t.text();
        };
        boolean addSpecialTokens = prompts.getFirst() instanceof Prompt.Text;
        EncodeOptions encode = EncodeOptions.noTruncation().withAddSpecialTokens(addSpecialTokens);
        int[] ids = tokenizer.encode(List.of(text), encode).inputIds()[0];
        return new Encoded(text, Arrays.stream(ids).mapToLong(x -> x).toArray());
    }

    @Override
    protected GenerateOutput forward(Encoded prompt, Options options) {
        Generator generator = new Generator(model).withDecoder(this::decode);
        if (options.streamer() != null) {
            generator = generator.withStreamer(options.streamer());
        }
        GenerationConfig config = options.config();
        if (options.choice() != null) {
            GuidedChoice choice = options.choice();
            generator = generator.withLogitsProcessor(choice.processor(prompt.ids().length));
            int end = Math.toIntExact(choice.endToken());
            config = config.withMaxNewTokens(Math.min(config.newTokenBudget(prompt.ids().length), choice.maxNewTokens()))
                    .withEosTokenId(List.of(end)).withStopStrings(List.of());
        }
        return generator.generate(List.of(prompt.ids()), config);
    }

    @Override
    protected List<GeneratedText> postprocess(List<Prompt> prompts, Encoded prompt, GenerateOutput out, Options options) {
        long[] fresh = out.newTokens(0);
        String choice = options.choice() != null ? options.choice().choiceOf(fresh) : null;
        String generated = choice != null ? choice : decode(fresh);
        String text = options.returnFullText() ? prompt.text() + generated : generated;
        return List.of(new GeneratedText(text, prompt.ids().length, fresh.length, out.finishReasons()[0]));
    }
}
