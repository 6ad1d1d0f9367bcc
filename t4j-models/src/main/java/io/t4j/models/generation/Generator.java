package io.t4j.models.generation;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.DynamicCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code GenerationMixin.generate} for decoder-only models (generation/utils.py v4.46.1, {@code _sample}):
 * greedy decoding or sampling, step by step over the KV cache.
 *
 * <p>Each step runs in its own {@code PointerScope}, owned here: the step's tensors are freed when it ends, the
 * cache keeps (retains) the keys and values it stores, and tokens cross steps as Java arrays. A left-padded batch
 * gets HF's position ids ({@code cumsum(mask) - 1}, pads at 1). Rows finish on an eos id, a stop string, or the
 * token budget; finished rows are filled with pad_token_id until every row is done.
 *
 * <p>Immutable: {@code with*} return a configured copy.
 */
public final class Generator {
    private final CausalLM model;
    private final List<LogitsProcessor> extraProcessors;
    private final TokenStreamer streamer;
    private final Function<long[], String> decode;
    private final boolean useCache;

    public Generator(CausalLM model) {
        this(model, List.of(), null, null, true);
    }

    private Generator(CausalLM model, List<LogitsProcessor> extra, TokenStreamer streamer,
                      Function<long[], String> decode, boolean useCache) {
        this.model = model;
        this.extraProcessors = List.copyOf(extra);
        this.streamer = streamer;
        this.decode = decode;
        this.useCache = useCache;
    }

    /**
     * Adds a logits processor (HF's {@code logits_processor} argument): applied after the config's repetition
     * penalty and before its sampling warpers (temperature, top-k, top-p), as HF orders them.
     */
    public Generator withLogitsProcessor(LogitsProcessor p) {
        List<LogitsProcessor> l = new ArrayList<>(extraProcessors);
        l.add(p);
        return new Generator(model, l, streamer, decode, useCache);
    }

    /** Streams every chosen token (HF's {@code streamer}). */
    public Generator withStreamer(TokenStreamer s) {
        return new Generator(model, extraProcessors, s, decode, useCache);
    }

    /** The tokenizer's decode, needed for stop strings. */
    public Generator withDecoder(Function<long[], String> d) {
        return new Generator(model, extraProcessors, streamer, d, useCache);
    }

    /** {@code use_cache=false}: re-run the whole sequence every step (for checking the cache). */
    public Generator withCache(boolean enabled) {
        return new Generator(model, extraProcessors, streamer, decode, enabled);
    }

    /** Prompts of different lengths, left-padded with the pad id into one batch. */
    public GenerateOutput generate(List<long[]> prompts, GenerationConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        int p = prompts.stream().mapToInt(a -> a.length).max().orElseThrow();
        if (p == 0) {
            throw new IllegalArgumentException("every prompt is empty: a prompt needs at least one token");
        }
        long pad = config.effectivePadTokenId();
        long[][] ids = new long[prompts.size()][p];
        long[][] mask = new long[prompts.size()][p];
        for (int row = 0; row < prompts.size(); row++) {
            long[] prompt = prompts.get(row);
            if (prompt.length == 0) {
                throw new IllegalArgumentException("prompt " + row + " is empty: a prompt needs at least one token");
            }
            int offset = p - prompt.length;
            Arrays.fill(ids[row], 0, offset, pad);
            System.arraycopy(prompt, 0, ids[row], offset, prompt.length);
            Arrays.fill(mask[row], offset, p, 1L);
        }
        return run(ids, mask, config);
    }

    /** HF's {@code generate(input_ids, attention_mask)}: ids and mask int64 [B,P] (mask null: nothing padded). */
    public GenerateOutput generate(Tensor inputIds, Tensor attentionMask, GenerationConfig config) {
        int b = (int) inputIds.size(0);
        int p = (int) inputIds.size(1);
        long[] flatIds = Tensors.toLongs(inputIds);
        long[] flatMask = attentionMask == null ? null : Tensors.toLongs(attentionMask);
        long[][] ids = new long[b][];
        long[][] mask = new long[b][];
        for (int row = 0; row < b; row++) {
            ids[row] = Arrays.copyOfRange(flatIds, row * p, (row + 1) * p);
            mask[row] = flatMask == null ? filled(p, 1L) : Arrays.copyOfRange(flatMask, row * p, (row + 1) * p);
        }
        return run(ids, mask, config);
    }

    private GenerateOutput run(long[][] prompt, long[][] promptMask, GenerationConfig config) {
        Engine.init();
        int b = prompt.length;
        int p = prompt[0].length;
        int contextWindow = model.decoderConfig().maxPositionEmbeddings();
        if (p > contextWindow) {
            throw new IllegalArgumentException("the prompt has " + p + " tokens but the model's context window is "
                    + contextWindow + " (max_position_embeddings in config.json): shorten or truncate the prompt");
        }
        int budget = config.newTokenBudget(p);
        int steps = Math.min(budget, contextWindow - p);
        GenerationState state = new GenerationState(prompt, promptMask, p + steps, config);
        List<LogitsProcessor> processors = new ArrayList<>(LogitsProcessor.processorsFor(config)); // HF's order:
        processors.addAll(extraProcessors);                                                      // the caller's,
        processors.addAll(LogitsProcessor.warpersFor(config));                                   // then the warpers
        SplittableRandom rng = config.seed() != null ? new SplittableRandom(config.seed()) : new SplittableRandom();
        List<float[][]> scores = new ArrayList<>();

        try (NoGradGuard noGrad = new NoGradGuard();
             DynamicCache cache = useCache ? model.newCache(p + steps) : null) {
            for (int step = 0; step < steps && !state.allFinished(); step++) {
                try (PointerScope stepScope = new PointerScope()) {
                    Tensor ids = state.idsTensor();                                      // [B,S]
                    Tensor next = nextTokenScores(state, ids, cache);                    // [B,V] float32
                    for (LogitsProcessor proc : processors) {
                        next = proc.process(ids, next);
                    }
                    if (config.outputScores()) {
                        scores.add(rows(next, b));
                    }
                    long[] chosen = config.doSample() ? sample(next, rng) : Tensors.toLongs(next.argmax(new LongOptional(-1), false));
                    state.append(chosen, streamer, decode);
                }
            }
            state.finishRemaining(budget > steps ? FinishReason.CONTEXT_WINDOW : FinishReason.LENGTH);
        } finally {
            if (streamer != null) {
                streamer.end();
            }
        }
        return new GenerateOutput(state.sequences(), p, state.newTokenCount(), state.finishReasons(), scores);
    }

    /** One forward: the prompt (or, after the model asks to drop the cache, everything), else the last token. */
    private Tensor nextTokenScores(GenerationState state, Tensor ids, DynamicCache cache) {
        int length = state.length();
        long past = 0;
        if (cache != null) {
            past = cache.seqLength();
            if (past > 0 && model.dropsCacheBeforeStep(length, past)) {
                cache.reset(); // Phi-3 LongRoPE: re-encode everything with the long factors
                past = 0;
            }
        }
        Tensor mask = state.hasPadding() ? state.maskTensor() : null;                   // [B,S]
        Tensor inputIds = ids.narrow(1, past, length - past);                            // [B,S] -> [B,T]
        Tensor positions = mask == null ? null
                : CausalLMInputs.positionIdsFromMask(mask).narrow(1, past, length - past); // [B,S] -> [B,T]
        Tensor logits = model.forward(new CausalLMInputs(inputIds, mask, positions, cache, null, 1)).logits(); // [B,1,V]
        return logits.select(1, 0).to(ScalarType.Float);                                  // [B,V]
    }

    private static float[][] rows(Tensor scores, int b) {
        float[] flat = Tensors.toFloats(scores);
        int v = flat.length / b;
        float[][] out = new float[b][];
        for (int row = 0; row < b; row++) {
            out[row] = Arrays.copyOfRange(flat, row * v, (row + 1) * v);
        }
        return out;
    }

    /** {@code multinomial(softmax(scores), 1)} with t4j's seeded generator. */
    private static long[] sample(Tensor scores, SplittableRandom rng) {
        int b = (int) scores.size(0);
        float[][] probs = rows(scores.softmax(-1), b);
        long[] out = new long[b];
        for (int row = 0; row < b; row++) {
            double total = 0;
            for (float x : probs[row]) {
                total += x;
            }
            double u = rng.nextDouble() * total;
            double acc = 0;
            int pick = -1;
            for (int i = 0; i < probs[row].length; i++) {
                if (probs[row][i] > 0) {
                    pick = i;
                    acc += probs[row][i];
                    if (acc > u) {
                        break;
                    }
                }
            }
            out[row] = pick;
        }
        return out;
    }

    private static long[] filled(int n, long value) {
        long[] a = new long[n];
        Arrays.fill(a, value);
        return a;
    }
}
