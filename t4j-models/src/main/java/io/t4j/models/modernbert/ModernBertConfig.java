package io.t4j.models.modernbert;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code ModernBertConfig} (transformers/models/modernbert/configuration_modernbert.py, the v4.48 tree) with HF's
 * field names and defaults (ModernBERT-base's shape). {@code classifier_pooling} must be cls or mean, as HF checks.
 */
public record ModernBertConfig(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer hiddenSize,
        Integer intermediateSize,
        Integer numHiddenLayers,
        Integer numAttentionHeads,
        String hiddenActivation,
        Integer maxPositionEmbeddings,
        Double initializerRange,
        Double initializerCutoffFactor,
        Double normEps,
        Boolean normBias,
        Integer padTokenId,
        Integer eosTokenId,
        Integer bosTokenId,
        Integer clsTokenId,
        Integer sepTokenId,
        Double globalRopeTheta,
        Boolean attentionBias,
        Double attentionDropout,
        @JsonProperty("global_attn_every_n_layers") Integer globalAttnEveryNLayers,
        Integer localAttention,
        Double localRopeTheta,
        Double embeddingDropout,
        Boolean mlpBias,
        Double mlpDropout,
        Boolean decoderBias,
        String classifierPooling,
        Double classifierDropout,
        Boolean classifierBias,
        String classifierActivation,
        Boolean deterministicFlashAttn,
        Boolean sparsePrediction,
        Integer sparsePredIgnoreIndex,
        Boolean referenceCompile,
        Boolean repadLogitsWithGrad,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    public ModernBertConfig {
        modelType = "modernbert";
        vocabSize = vocabSize != null ? vocabSize : 50368;
        hiddenSize = hiddenSize != null ? hiddenSize : 768;
        intermediateSize = intermediateSize != null ? intermediateSize : 1152;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 22;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 12;
        hiddenActivation = hiddenActivation != null ? hiddenActivation : "gelu";
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 8192;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        initializerCutoffFactor = initializerCutoffFactor != null ? initializerCutoffFactor : 2.0;
        normEps = normEps != null ? normEps : 1e-5;
        normBias = normBias != null ? normBias : false;
        padTokenId = padTokenId != null ? padTokenId : 50283;
        eosTokenId = eosTokenId != null ? eosTokenId : 50282;
        bosTokenId = bosTokenId != null ? bosTokenId : 50281;
        clsTokenId = clsTokenId != null ? clsTokenId : 50281;
        sepTokenId = sepTokenId != null ? sepTokenId : 50282;
        globalRopeTheta = globalRopeTheta != null ? globalRopeTheta : 160000.0;
        attentionBias = attentionBias != null ? attentionBias : false;
        attentionDropout = attentionDropout != null ? attentionDropout : 0.0;
        globalAttnEveryNLayers = globalAttnEveryNLayers != null ? globalAttnEveryNLayers : 3;
        localAttention = localAttention != null ? localAttention : 128;
        localRopeTheta = localRopeTheta != null ? localRopeTheta : 10000.0;
        embeddingDropout = embeddingDropout != null ? embeddingDropout : 0.0;
        mlpBias = mlpBias != null ? mlpBias : false;
        mlpDropout = mlpDropout != null ? mlpDropout : 0.0;
        decoderBias = decoderBias != null ? decoderBias : true;
        classifierPooling = classifierPooling != null ? classifierPooling : "cls";
        classifierDropout = classifierDropout != null ? classifierDropout : 0.0;
        classifierBias = classifierBias != null ? classifierBias : false;
        classifierActivation = classifierActivation != null ? classifierActivation : "gelu";
        deterministicFlashAttn = deterministicFlashAttn != null ? deterministicFlashAttn : false;
        sparsePrediction = sparsePrediction != null ? sparsePrediction : false;
        sparsePredIgnoreIndex = sparsePredIgnoreIndex != null ? sparsePredIgnoreIndex : -100;
        repadLogitsWithGrad = repadLogitsWithGrad != null ? repadLogitsWithGrad : false;
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (!classifierPooling.equals("cls") && !classifierPooling.equals("mean")) {
            throw new IllegalArgumentException("classifier_pooling: invalid value '" + classifierPooling
                    + "' (supported: cls, mean)");
        }
        if (numAttentionHeads < 1 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        if (globalAttnEveryNLayers < 1) {
            throw new IllegalArgumentException("global_attn_every_n_layers must be at least 1, got " + globalAttnEveryNLayers);
        }
        if (localAttention < 0) {
            throw new IllegalArgumentException("local_attention must be 0 or more (the window is |i - j| <= local_attention // 2), got "
                    + localAttention);
        }
    }

    /** A config with ModernBERT-base's defaults and these sizes, for tests and benchmarks. */
    public static ModernBertConfig of(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                                      int intermediateSize) {
        return new ModernBertConfig(null, null, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, null, null, null, null, null, null, 0, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Layer {@code i} attends locally (a sliding window) unless it is a multiple of global_attn_every_n_layers. */
    public boolean isLocalLayer(int layerId) {
        return layerId % globalAttnEveryNLayers != 0;
    }

    @Override
    public ModernBertConfig withLabels(Map<Integer, String> labels, String type) {
        return new ModernBertConfig(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, hiddenActivation, maxPositionEmbeddings, initializerRange, initializerCutoffFactor,
                normEps, normBias, padTokenId, eosTokenId, bosTokenId, clsTokenId, sepTokenId, globalRopeTheta,
                attentionBias, attentionDropout, globalAttnEveryNLayers, localAttention, localRopeTheta,
                embeddingDropout, mlpBias, mlpDropout, decoderBias, classifierPooling, classifierDropout, classifierBias,
                classifierActivation, deterministicFlashAttn, sparsePrediction, sparsePredIgnoreIndex, referenceCompile,
                repadLogitsWithGrad, labels, null, type, torchDtype);
    }

    @Override
    public ModernBertConfig forSaving(String architecture, String dtype) {
        return new ModernBertConfig(modelType, List.of(architecture), vocabSize, hiddenSize, intermediateSize,
                numHiddenLayers, numAttentionHeads, hiddenActivation, maxPositionEmbeddings, initializerRange,
                initializerCutoffFactor, normEps, normBias, padTokenId, eosTokenId, bosTokenId, clsTokenId, sepTokenId,
                globalRopeTheta, attentionBias, attentionDropout, globalAttnEveryNLayers, localAttention, localRopeTheta,
                embeddingDropout, mlpBias, mlpDropout, decoderBias, classifierPooling, classifierDropout, classifierBias,
                classifierActivation, deterministicFlashAttn, sparsePrediction, sparsePredIgnoreIndex, referenceCompile,
                repadLogitsWithGrad, id2label, null, problemType, dtype);
    }
}
