package io.t4j.models.bert;

import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code BertConfig} (transformers/models/bert/configuration_bert.py) with HF's field names and defaults.
 * Only {@code position_embedding_type="absolute"} is supported; others are rejected at construction.
 */
public record BertConfig(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer hiddenSize,
        Integer numHiddenLayers,
        Integer numAttentionHeads,
        Integer intermediateSize,
        String hiddenAct,
        Double hiddenDropoutProb,
        Double attentionProbsDropoutProb,
        Integer maxPositionEmbeddings,
        Integer typeVocabSize,
        Double initializerRange,
        Double layerNormEps,
        Integer padTokenId,
        String positionEmbeddingType,
        Double classifierDropout,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    public BertConfig {
        modelType = "bert";
        vocabSize = vocabSize != null ? vocabSize : 30522;
        hiddenSize = hiddenSize != null ? hiddenSize : 768;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 12;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 12;
        intermediateSize = intermediateSize != null ? intermediateSize : 3072;
        hiddenAct = hiddenAct != null ? hiddenAct : "gelu";
        hiddenDropoutProb = hiddenDropoutProb != null ? hiddenDropoutProb : 0.1;
        attentionProbsDropoutProb = attentionProbsDropoutProb != null ? attentionProbsDropoutProb : 0.1;
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 512;
        typeVocabSize = typeVocabSize != null ? typeVocabSize : 2;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        layerNormEps = layerNormEps != null ? layerNormEps : 1e-12;
        padTokenId = padTokenId != null ? padTokenId : 0;
        positionEmbeddingType = positionEmbeddingType != null ? positionEmbeddingType : "absolute";
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (!positionEmbeddingType.equals("absolute")) {
            throw new IllegalArgumentException("position_embedding_type '" + positionEmbeddingType
                    + "' is not supported (supported: absolute)");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
    }

    /** A config with HF's defaults and the given sizes, for tests and new models. */
    public static BertConfig of(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                                int intermediateSize) {
        return new BertConfig(null, null, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    @Override
    public BertConfig withLabels(Map<Integer, String> labels, String type) {
        return new BertConfig(modelType, architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType, classifierDropout,
                labels, null, type, torchDtype);
    }

    @Override
    public BertConfig forSaving(String architecture, String dtype) {
        return new BertConfig(modelType, List.of(architecture), vocabSize, hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType,
                classifierDropout, id2label, null, problemType, dtype);
    }
}
