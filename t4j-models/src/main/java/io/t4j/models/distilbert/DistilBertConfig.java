package io.t4j.models.distilbert;

import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import java.util.List;
import java.util.Map;

/** {@code DistilBertConfig} (transformers/models/distilbert/configuration_distilbert.py) with HF's names and defaults. */
public record DistilBertConfig(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer maxPositionEmbeddings,
        Boolean sinusoidalPosEmbds,
        Integer nLayers,
        Integer nHeads,
        Integer dim,
        Integer hiddenDim,
        Double dropout,
        Double attentionDropout,
        String activation,
        Double initializerRange,
        Double qaDropout,
        Double seqClassifDropout,
        Integer padTokenId,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    public DistilBertConfig {
        modelType = "distilbert";
        vocabSize = vocabSize != null ? vocabSize : 30522;
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 512;
        sinusoidalPosEmbds = sinusoidalPosEmbds != null ? sinusoidalPosEmbds : false;
        nLayers = nLayers != null ? nLayers : 6;
        nHeads = nHeads != null ? nHeads : 12;
        dim = dim != null ? dim : 768;
        hiddenDim = hiddenDim != null ? hiddenDim : 3072;
        dropout = dropout != null ? dropout : 0.1;
        attentionDropout = attentionDropout != null ? attentionDropout : 0.1;
        activation = activation != null ? activation : "gelu";
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        qaDropout = qaDropout != null ? qaDropout : 0.1;
        seqClassifDropout = seqClassifDropout != null ? seqClassifDropout : 0.2;
        padTokenId = padTokenId != null ? padTokenId : 0;
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        if (dim % nHeads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of n_heads " + nHeads);
        }
    }

    public int headDim() {
        return dim / nHeads;
    }

    /** HF's fixed LayerNorm epsilon for DistilBERT. */
    public double layerNormEps() {
        return 1e-12;
    }

    public static DistilBertConfig of(int vocabSize, int dim, int nLayers, int nHeads, int hiddenDim) {
        return new DistilBertConfig(null, null, vocabSize, null, null, nLayers, nHeads, dim, hiddenDim, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    @Override
    public DistilBertConfig withLabels(Map<Integer, String> labels, String type) {
        return new DistilBertConfig(modelType, architectures, vocabSize, maxPositionEmbeddings, sinusoidalPosEmbds,
                nLayers, nHeads, dim, hiddenDim, dropout, attentionDropout, activation, initializerRange, qaDropout,
                seqClassifDropout, padTokenId, labels, null, type, torchDtype);
    }

    @Override
    public DistilBertConfig forSaving(String architecture, String dtype) {
        return new DistilBertConfig(modelType, List.of(architecture), vocabSize, maxPositionEmbeddings,
                sinusoidalPosEmbds, nLayers, nHeads, dim, hiddenDim, dropout, attentionDropout, activation,
                initializerRange, qaDropout, seqClassifDropout, padTokenId, id2label, null, problemType, dtype);
    }
}
