package io.t4j.models.llama;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.t4j.models.Labels;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.models.decoder.RopeScaling;
import io.t4j.models.decoder.RopeUtils;
import java.util.List;
import java.util.Map;

/**
 * {@code LlamaConfig} (transformers/models/llama/configuration_llama.py, v4.46.1) with HF's field names and
 * defaults. {@code head_dim} defaults to hidden_size / num_attention_heads and {@code num_key_value_heads} to
 * num_attention_heads. Supported rope_scaling types: default, linear, dynamic, llama3; any other is rejected when
 * the config is read.
 */
public record LlamaConfig(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer hiddenSize,
        Integer intermediateSize,
        Integer numHiddenLayers,
        Integer numAttentionHeads,
        Integer numKeyValueHeads,
        Integer headDim,
        String hiddenAct,
        Integer maxPositionEmbeddings,
        Double initializerRange,
        Double rmsNormEps,
        Boolean useCache,
        Integer padTokenId,
        Integer bosTokenId,
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<Integer> eosTokenId,
        Integer pretrainingTp,
        Boolean tieWordEmbeddings,
        Double ropeTheta,
        RopeScaling ropeScaling,
        Boolean attentionBias,
        Double attentionDropout,
        Boolean mlpBias,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements DecoderConfig {

    public LlamaConfig {
        modelType = "llama";
        vocabSize = vocabSize != null ? vocabSize : 32000;
        hiddenSize = hiddenSize != null ? hiddenSize : 4096;
        intermediateSize = intermediateSize != null ? intermediateSize : 11008;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 32;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 32;
        numKeyValueHeads = numKeyValueHeads != null ? numKeyValueHeads : numAttentionHeads;
        headDim = headDim != null ? headDim : hiddenSize / numAttentionHeads;
        hiddenAct = hiddenAct != null ? hiddenAct : "silu";
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 2048;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        rmsNormEps = rmsNormEps != null ? rmsNormEps : 1e-6;
        useCache = useCache != null ? useCache : true;
        bosTokenId = bosTokenId != null ? bosTokenId : 1;
        eosTokenId = eosTokenId != null ? List.copyOf(eosTokenId) : List.of(2);
        pretrainingTp = pretrainingTp != null ? pretrainingTp : 1;
        tieWordEmbeddings = tieWordEmbeddings != null ? tieWordEmbeddings : false;
        ropeTheta = ropeTheta != null ? ropeTheta : 10000.0;
        attentionBias = attentionBias != null ? attentionBias : false;
        attentionDropout = attentionDropout != null ? attentionDropout : 0.0;
        mlpBias = mlpBias != null ? mlpBias : false;
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        RopeUtils.validate(ropeScaling, RopeUtils.LLAMA_ROPE_TYPES, "LlamaRotaryEmbedding");
    }

    /** A config with HF's defaults and the given sizes, for tests and new models. */
    public static LlamaConfig of(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                                 int numAttentionHeads, int numKeyValueHeads) {
        return new LlamaConfig(null, null, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** This config with another rope_scaling (validated). */
    public LlamaConfig withRopeScaling(RopeScaling scaling) {
        return new LlamaConfig(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, hiddenAct, maxPositionEmbeddings, initializerRange,
                rmsNormEps, useCache, padTokenId, bosTokenId, eosTokenId, pretrainingTp, tieWordEmbeddings, ropeTheta,
                scaling, attentionBias, attentionDropout, mlpBias, id2label, label2id, problemType, torchDtype);
    }

    /** This config with tie_word_embeddings set. */
    public LlamaConfig withTieWordEmbeddings(boolean tie) {
        return new LlamaConfig(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, hiddenAct, maxPositionEmbeddings, initializerRange,
                rmsNormEps, useCache, padTokenId, bosTokenId, eosTokenId, pretrainingTp, tie, ropeTheta,
                ropeScaling, attentionBias, attentionDropout, mlpBias, id2label, label2id, problemType, torchDtype);
    }

    @Override
    public LlamaConfig withLabels(Map<Integer, String> labels, String type) {
        return new LlamaConfig(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, hiddenAct, maxPositionEmbeddings, initializerRange,
                rmsNormEps, useCache, padTokenId, bosTokenId, eosTokenId, pretrainingTp, tieWordEmbeddings, ropeTheta,
                ropeScaling, attentionBias, attentionDropout, mlpBias, labels, null, type, torchDtype);
    }

    @Override
    public LlamaConfig forSaving(String architecture, String dtype) {
        return new LlamaConfig(modelType, List.of(architecture), vocabSize, hiddenSize, intermediateSize,
                numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim, hiddenAct, maxPositionEmbeddings,
                initializerRange, rmsNormEps, useCache, padTokenId, bosTokenId, eosTokenId, pretrainingTp,
                tieWordEmbeddings, ropeTheta, ropeScaling, attentionBias, attentionDropout, mlpBias, id2label, null,
                problemType, dtype);
    }
}
