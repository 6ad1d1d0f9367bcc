package io.t4j.models.electra;

import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.bert.BertConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code ElectraConfig} (transformers/models/electra/configuration_electra.py, v4.46.1) with HF's field names and
 * defaults (ELECTRA-small's discriminator sizes: embedding 128, hidden 256, 4 heads). {@code embedding_size} is the
 * width of the embeddings; when it differs from {@code hidden_size} the model projects them with
 * {@code embeddings_project}. The {@code summary_*} fields belong to HF's multiple-choice head and are kept so a saved
 * config round-trips.
 */
public record ElectraConfig(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer embeddingSize,
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
        String summaryType,
        Boolean summaryUseProj,
        String summaryActivation,
        Double summaryLastDropout,
        Integer padTokenId,
        String positionEmbeddingType,
        Double classifierDropout,
        Boolean tieWordEmbeddings,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    public ElectraConfig {
        modelType = "electra";
        vocabSize = vocabSize != null ? vocabSize : 30522;
        embeddingSize = embeddingSize != null ? embeddingSize : 128;
        hiddenSize = hiddenSize != null ? hiddenSize : 256;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 12;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 4;
        intermediateSize = intermediateSize != null ? intermediateSize : 1024;
        hiddenAct = hiddenAct != null ? hiddenAct : "gelu";
        hiddenDropoutProb = hiddenDropoutProb != null ? hiddenDropoutProb : 0.1;
        attentionProbsDropoutProb = attentionProbsDropoutProb != null ? attentionProbsDropoutProb : 0.1;
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 512;
        typeVocabSize = typeVocabSize != null ? typeVocabSize : 2;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        layerNormEps = layerNormEps != null ? layerNormEps : 1e-12;
        summaryType = summaryType != null ? summaryType : "first";
        summaryUseProj = summaryUseProj != null ? summaryUseProj : true;
        summaryActivation = summaryActivation != null ? summaryActivation : "gelu";
        summaryLastDropout = summaryLastDropout != null ? summaryLastDropout : 0.1;
        padTokenId = padTokenId != null ? padTokenId : 0;
        positionEmbeddingType = positionEmbeddingType != null ? positionEmbeddingType : "absolute";
        tieWordEmbeddings = tieWordEmbeddings != null ? tieWordEmbeddings : true;
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embedding_size must be at least 1, got " + embeddingSize);
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is outside the vocabulary (vocab_size "
                    + vocabSize + ")");
        }
        // validates the shared fields; with the parameters, as the record's fields are assigned only after this body
        new BertConfig("bert", architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType, classifierDropout,
                id2label, null, problemType, torchDtype);
    }

    /**
     * The encoder's fields as a {@link BertConfig}: HF's ELECTRA encoder layers are copies of BERT's ("Copied from
     * transformers.models.bert.modeling_bert.BertLayer with Bert->Electra"), so t4j runs them with BERT's classes.
     */
    public BertConfig asBertConfig() {
        return new BertConfig("bert", architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, padTokenId, positionEmbeddingType, classifierDropout,
                id2label, null, problemType, torchDtype);
    }

    /** Whether the embeddings are narrower or wider than the encoder, so {@code embeddings_project} maps them. */
    public boolean projectsEmbeddings() {
        return !embeddingSize.equals(hiddenSize);
    }

    /** A config with HF's defaults and the given sizes, for tests and new models. */
    public static ElectraConfig of(int vocabSize, int embeddingSize, int hiddenSize, int numHiddenLayers,
                                   int numAttentionHeads, int intermediateSize) {
        return new ElectraConfig(null, null, vocabSize, embeddingSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    @Override
    public ElectraConfig withLabels(Map<Integer, String> labels, String type) {
        return new ElectraConfig(modelType, architectures, vocabSize, embeddingSize, hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, summaryType, summaryUseProj,
                summaryActivation, summaryLastDropout, padTokenId, positionEmbeddingType, classifierDropout,
                tieWordEmbeddings, labels, null, type, torchDtype);
    }

    @Override
    public ElectraConfig forSaving(String architecture, String dtype) {
        return new ElectraConfig(modelType, List.of(architecture), vocabSize, embeddingSize, hiddenSize,
                numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps,
                summaryType, summaryUseProj, summaryActivation, summaryLastDropout, padTokenId, positionEmbeddingType,
                classifierDropout, tieWordEmbeddings, id2label, null, problemType, dtype);
    }
}
