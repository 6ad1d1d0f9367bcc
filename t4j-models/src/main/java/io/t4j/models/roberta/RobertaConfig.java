package io.t4j.models.roberta;

import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.bert.BertConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code RobertaConfig} (transformers/models/roberta/configuration_roberta.py): BERT's fields with RoBERTa's
 * defaults (vocab 50265, pad 1, bos 0, eos 2).
 */
public record RobertaConfig(
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
        Integer bosTokenId,
        Integer eosTokenId,
        String positionEmbeddingType,
        Double classifierDropout,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    public RobertaConfig {
        modelType = "roberta";
        vocabSize = vocabSize != null ? vocabSize : 50265;
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
        padTokenId = padTokenId != null ? padTokenId : 1;
        bosTokenId = bosTokenId != null ? bosTokenId : 0;
        eosTokenId = eosTokenId != null ? eosTokenId : 2;
        positionEmbeddingType = positionEmbeddingType != null ? positionEmbeddingType : "absolute";
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        // validates the shared fields; with the parameters, as the record's fields are assigned only after this body
        new BertConfig("bert", architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType, classifierDropout,
                id2label, null, problemType, torchDtype);
    }

    /**
     * The same fields as a {@link BertConfig}: HF's RoBERTa encoder layers are verbatim copies of BERT's
     * ("Copied from transformers.models.bert.modeling_bert"), so t4j runs them with BERT's classes.
     */
    public BertConfig asBertConfig() {
        return new BertConfig("bert", architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType, classifierDropout,
                id2label, null, problemType, torchDtype);
    }

    /** A config with RoBERTa's defaults and the given sizes, for tests and new models. */
    public static RobertaConfig of(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                                   int intermediateSize) {
        return new RobertaConfig(null, null, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    @Override
    public RobertaConfig withLabels(Map<Integer, String> labels, String type) {
        return new RobertaConfig(modelType, architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, bosTokenId, eosTokenId,
                positionEmbeddingType, classifierDropout, labels, null, type, torchDtype);
    }

    @Override
    public RobertaConfig forSaving(String architecture, String dtype) {
        return new RobertaConfig(modelType, List.of(architecture), vocabSize, hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId, bosTokenId,
                eosTokenId, positionEmbeddingType, classifierDropout, id2label, null, problemType, dtype);
    }
}
