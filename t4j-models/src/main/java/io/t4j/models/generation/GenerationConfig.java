package io.t4j.models.generation;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.engine.CheckpointException;
import io.t4j.models.AutoConfig;
import io.t4j.models.decoder.DecoderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * HF's {@code GenerationConfig} (generation/configuration_utils.py), the fields t4j implements, with HF's names
 * and defaults; read from {@code generation_config.json}. {@code seed} is t4j's: sampling draws from its own
 * generator seeded with it, so a run is reproducible without touching libtorch's global RNG.
 *
 * @param maxNewTokens      tokens to generate (wins over maxLength)
 * @param maxLength         prompt + new tokens when maxNewTokens is null (HF's default 20)
 * @param doSample          sample (true) or greedy (false)
 * @param temperature       sampling temperature (> 0)
 * @param topK              keep the k most likely tokens (0 = off)
 * @param topP              nucleus: keep the smallest set with probability >= top_p (1 = off)
 * @param repetitionPenalty HF's CTRL-style penalty on tokens already in the sequence (1 = off)
 * @param eosTokenId        one or several end-of-sequence ids
 * @param padTokenId        fills finished rows and left padding (defaults to the first eos id)
 * @param stopStrings       generation of a row ends once its new text contains one of these
 * @param seed              the sampling seed (null: a random one)
 * @param outputScores      keep the processed next-token scores of every step
 */
public record GenerationConfig(
        Integer maxNewTokens,
        Integer maxLength,
        Boolean doSample,
        Double temperature,
        Integer topK,
        Double topP,
        Double repetitionPenalty,
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<Integer> eosTokenId,
        Integer padTokenId,
        Integer bosTokenId,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> stopStrings,
        Long seed,
        Boolean outputScores) {

    public static final String GENERATION_CONFIG_NAME = "generation_config.json";

    public GenerationConfig {
        maxLength = maxLength != null ? maxLength : 20;
        doSample = doSample != null ? doSample : false;
        temperature = temperature != null ? temperature : 1.0;
        topK = topK != null ? topK : 50;
        topP = topP != null ? topP : 1.0;
        repetitionPenalty = repetitionPenalty != null ? repetitionPenalty : 1.0;
        eosTokenId = eosTokenId != null ? List.copyOf(eosTokenId) : List.of();
        stopStrings = stopStrings != null ? List.copyOf(stopStrings) : List.of();
        outputScores = outputScores != null ? outputScores : false;
        validate(maxNewTokens, maxLength, doSample, temperature, topK, topP, repetitionPenalty);
    }

    private static void validate(Integer maxNewTokens, int maxLength, boolean doSample, double temperature, int topK,
                                 double topP, double repetitionPenalty) {
        if (maxNewTokens != null && maxNewTokens <= 0) {
            throw new IllegalArgumentException("max_new_tokens must be greater than 0, got " + maxNewTokens);
        }
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max_length must be greater than 0, got " + maxLength);
        }
        if (doSample && !(temperature > 0)) {
            throw new IllegalArgumentException("temperature has to be a strictly positive float when do_sample=true, got "
                    + temperature + " (for greedy decoding set do_sample=false)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be a strictly positive float, got " + repetitionPenalty);
        }
    }

    /** Greedy decoding of {@code maxNewTokens} tokens, stopping at {@code eosTokenIds}. */
    public static GenerationConfig greedy(int maxNewTokens, List<Integer> eosTokenIds) {
        return new GenerationConfig(maxNewTokens, null, false, null, null, null, null, eosTokenIds, null, null, null, null, null);
    }

    /** Sampling with HF's defaults (temperature 1, top_k 50, top_p 1) and {@code seed}. */
    public static GenerationConfig sampling(int maxNewTokens, List<Integer> eosTokenIds, long seed) {
        return new GenerationConfig(maxNewTokens, null, true, null, null, null, null, eosTokenIds, null, null, null, seed, null);
    }

    /** The defaults for a model: HF's, with bos/eos/pad from its config (what {@code from_model_config} does). */
    public static GenerationConfig fromModelConfig(DecoderConfig c) {
        return new GenerationConfig(null, null, null, null, null, null, null, c.eosTokenId(), c.padTokenId(),
                c.bosTokenId(), null, null, null);
    }

    /**
     * {@code GenerationConfig.from_pretrained}: {@code generation_config.json} in {@code dir} when present, else
     * {@link #fromModelConfig}. Unknown fields are ignored, as are fields t4j does not implement.
     */
    public static GenerationConfig fromPretrained(Path dir, DecoderConfig modelConfig) {
        Path file = dir.resolve(GENERATION_CONFIG_NAME);
        if (!Files.isRegularFile(file)) {
            return fromModelConfig(modelConfig);
        }
        try {
            JsonNode tree = AutoConfig.JSON.readTree(file.toFile());
            return AutoConfig.JSON.treeToValue(tree, GenerationConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": invalid generation config: " + e.getMessage(), e);
        }
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, maxLength, doSample, temperature, topK, topP, repetitionPenalty, eosTokenId,
                padTokenId, bosTokenId, stopStrings, seed, outputScores);
    }

    public GenerationConfig withSampling(boolean sample, double temp, int k, double p, long seedValue) {
        return new GenerationConfig(maxNewTokens, maxLength, sample, temp, k, p, repetitionPenalty, eosTokenId,
                padTokenId, bosTokenId, stopStrings, seedValue, outputScores);
    }

    public GenerationConfig withRepetitionPenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, maxLength, doSample, temperature, topK, topP, penalty, eosTokenId,
                padTokenId, bosTokenId, stopStrings, seed, outputScores);
    }

    public GenerationConfig withEosTokenId(List<Integer> eos) {
        return new GenerationConfig(maxNewTokens, maxLength, doSample, temperature, topK, topP, repetitionPenalty, eos,
                padTokenId, bosTokenId, stopStrings, seed, outputScores);
    }

    public GenerationConfig withPadTokenId(Integer pad) {
        return new GenerationConfig(maxNewTokens, maxLength, doSample, temperature, topK, topP, repetitionPenalty,
                eosTokenId, pad, bosTokenId, stopStrings, seed, outputScores);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, maxLength, doSample, temperature, topK, topP, repetitionPenalty,
                eosTokenId, padTokenId, bosTokenId, stops, seed, outputScores);
    }

    public GenerationConfig withOutputScores(boolean keep) {
        return new GenerationConfig(maxNewTokens, maxLength, doSample, temperature, topK, topP, repetitionPenalty,
                eosTokenId, padTokenId, bosTokenId, stopStrings, seed, keep);
    }

    /** The pad id generation uses: pad_token_id, else the first eos id (as HF, which warns), else 0. */
    public long effectivePadTokenId() {
        return padTokenId != null ? padTokenId : !eosTokenId.isEmpty() ? eosTokenId.get(0) : 0;
    }

    /** New tokens to generate after a prompt of {@code promptLength} tokens. */
    public int newTokenBudget(int promptLength) {
        if (maxNewTokens != null) {
            return maxNewTokens;
        }
        int n = maxLength - promptLength;
        if (n <= 0) {
            throw new IllegalArgumentException("the prompt has " + promptLength + " tokens and max_length is " + maxLength
                    + ": nothing to generate (set max_new_tokens)");
        }
        return n;
    }
}
