package io.t4j.models.qwen2;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.t4j.models.Labels;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.models.decoder.RopeScaling;
import io.t4j.models.decoder.RopeUtils;
import java.util.List;
import java.util.Map;

/**
 * {@code Qwen2Config} (transformers/models/qwen2/configuration_qwen2.py, v4.46.1) with HF's field names and
 * defaults. Sliding-window attention ({@code use_sliding_window=true}) is not supported and is rejected; Qwen2 and
 * Qwen2.5 checkpoints ship with it off. bos/eos/pad default to none, as HF's.
 */
public record Qwen2Config(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer hiddenSize,
        Integer intermediateSize,
        Integer numHiddenLayers,
        Integer numAttentionHeads,
        Integer numKeyValueHeads,
        String hiddenAct,
        Integer maxPositionEmbeddings,
        Double initializerRange,
        Double rmsNormEps,
        Boolean useCache,
        Boolean tieWordEmbeddings,
        Double ropeTheta,
        RopeScaling ropeScaling,
        Boolean useSlidingWindow,
        Integer slidingWindow,
        Integer maxWindowLayers,
        Double attentionDropout,
        Integer padTokenId,
        Integer bosTokenId,
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<Integer> eosTokenId,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements DecoderConfig {

    public Qwen2Config {
        modelType = "qwen2";
        vocabSize = vocabSize != null ? vocabSize : 151936;
        hiddenSize = hiddenSize != null ? hiddenSize : 4096;
        intermediateSize = intermediateSize != null ? intermediateSize : 22016;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 32;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 32;
        numKeyValueHeads = numKeyValueHeads != null ? numKeyValueHeads : 32;
        hiddenAct = hiddenAct != null ? hiddenAct : "silu";
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 32768;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        rmsNormEps = rmsNormEps != null ? rmsNormEps : 1e-6;
        useCache = useCache != null ? useCache : true;
        tieWordEmbeddings = tieWordEmbeddings != null ? tieWordEmbeddings : false;
        ropeTheta = ropeTheta != null ? ropeTheta : 10000.0;
        useSlidingWindow = useSlidingWindow != null ? useSlidingWindow : false;
        slidingWindow = slidingWindow != null ? slidingWindow : 4096;
        maxWindowLayers = maxWindowLayers != null ? maxWindowLayers : 28;
        attentionDropout = attentionDropout != null ? attentionDropout : 0.0;
        eosTokenId = eosTokenId != null ? List.copyOf(eosTokenId) : List.of();
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (useSlidingWindow) {
            throw new IllegalArgumentException("use_sliding_window=true is not supported (sliding_window "
                    + slidingWindow + ", max_window_layers " + maxWindowLayers + "); set it to false");
        }
        RopeUtils.validate(ropeScaling, RopeUtils.LLAMA_ROPE_TYPES, "Qwen2RotaryEmbedding");
    }

    /** A config with HF's defaults and the given sizes, for tests and new models. */
    public static Qwen2Config of(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                                 int numAttentionHeads, int numKeyValueHeads) {
        return new Qwen2Config(null, null, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    /** HF's {@code head_dim = hidden_size // num_attention_heads} (Qwen2 has no head_dim field in 4.46). */
    @Override
    public Integer headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** This config with the given token ids, tying and RoPE base (for synthetic checkpoints). */
    public Qwen2Config with(Integer bos, List<Integer> eos, boolean tie, double theta, int maxPositions) {
        return new Qwen2Config(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, hiddenAct, maxPositions, initializerRange, rmsNormEps, useCache,
                tie, theta, ropeScaling, useSlidingWindow, slidingWindow, maxWindowLayers, attentionDropout,
                padTokenId, bos, eos, id2label, label2id, problemType, torchDtype);
    }

    @Override
    public Qwen2Config withLabels(Map<Integer, String> labels, String type) {
        return new Qwen2Config(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, hiddenAct, maxPositionEmbeddings, initializerRange, rmsNormEps,
                useCache, tieWordEmbeddings, ropeTheta, ropeScaling, useSlidingWindow, slidingWindow, maxWindowLayers,
                attentionDropout, padTokenId, bosTokenId, eosTokenId, labels, null, type, torchDtype);
    }

    @Override
    public Qwen2Config forSaving(String architecture, String dtype) {
        return new Qwen2Config(modelType, List.of(architecture), vocabSize, hiddenSize, intermediateSize,
                numHiddenLayers, numAttentionHeads, numKeyValueHeads, hiddenAct, maxPositionEmbeddings,
                initializerRange, rmsNormEps, useCache, tieWordEmbeddings, ropeTheta, ropeScaling, useSlidingWindow,
                slidingWindow, maxWindowLayers, attentionDropout, padTokenId, bosTokenId, eosTokenId, id2label, null,
                problemType, dtype);
    }
}
