package io.t4j.models.phi3;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.t4j.models.Labels;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.models.decoder.RopeScaling;
import java.util.List;
import java.util.Map;

/**
 * {@code Phi3Config} (transformers/models/phi3/configuration_phi3.py, v4.46.1) with HF's field names and defaults.
 * rope_scaling is null or LongRoPE ({@code {"type": "longrope", "short_factor": [...], "long_factor": [...]}} with
 * head_dim/2 factors each), validated as HF's {@code _rope_scaling_validation}.
 */
public record Phi3Config(
        String modelType,
        List<String> architectures,
        Integer vocabSize,
        Integer hiddenSize,
        Integer intermediateSize,
        Integer numHiddenLayers,
        Integer numAttentionHeads,
        Integer numKeyValueHeads,
        Double residPdrop,
        Double embdPdrop,
        Double attentionDropout,
        String hiddenAct,
        Integer maxPositionEmbeddings,
        Integer originalMaxPositionEmbeddings,
        Double initializerRange,
        Double rmsNormEps,
        Boolean useCache,
        Boolean tieWordEmbeddings,
        Double ropeTheta,
        RopeScaling ropeScaling,
        Integer bosTokenId,
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<Integer> eosTokenId,
        Integer padTokenId,
        Integer slidingWindow,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements DecoderConfig {

    public Phi3Config {
        modelType = "phi3";
        vocabSize = vocabSize != null ? vocabSize : 32064;
        hiddenSize = hiddenSize != null ? hiddenSize : 3072;
        intermediateSize = intermediateSize != null ? intermediateSize : 8192;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 32;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 32;
        numKeyValueHeads = numKeyValueHeads != null ? numKeyValueHeads : numAttentionHeads;
        residPdrop = residPdrop != null ? residPdrop : 0.0;
        embdPdrop = embdPdrop != null ? embdPdrop : 0.0;
        attentionDropout = attentionDropout != null ? attentionDropout : 0.0;
        hiddenAct = hiddenAct != null ? hiddenAct : "silu";
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 4096;
        originalMaxPositionEmbeddings = originalMaxPositionEmbeddings != null ? originalMaxPositionEmbeddings : 4096;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        rmsNormEps = rmsNormEps != null ? rmsNormEps : 1e-5;
        useCache = useCache != null ? useCache : true;
        tieWordEmbeddings = tieWordEmbeddings != null ? tieWordEmbeddings : false;
        ropeTheta = ropeTheta != null ? ropeTheta : 10000.0;
        bosTokenId = bosTokenId != null ? bosTokenId : 1;
        eosTokenId = eosTokenId != null ? List.copyOf(eosTokenId) : List.of(32000);
        padTokenId = padTokenId != null ? padTokenId : 32000;
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
        validateRopeScaling(ropeScaling, hiddenSize / numAttentionHeads);
    }

    /** HF's {@code _rope_scaling_validation} (4.46): only "longrope", with head_dim/2 short and long factors. */
    private static void validateRopeScaling(RopeScaling s, int headDim) {
        if (s == null) {
            return;
        }
        String type = s.ropeTypeName();
        if (!type.equals("longrope")) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported by Phi3 "
                    + "(supported: longrope, or no rope_scaling)");
        }
        for (var entry : Map.of("short_factor", s.shortFactor() == null ? List.<Double>of() : s.shortFactor(),
                "long_factor", s.longFactor() == null ? List.<Double>of() : s.longFactor()).entrySet()) {
            if (entry.getValue().size() != headDim / 2) {
                throw new IllegalArgumentException("rope_scaling." + entry.getKey() + " must have head_dim / 2 = "
                        + headDim / 2 + " values, got " + entry.getValue().size());
            }
        }
    }

    @Override
    public Integer headDim() {
        return hiddenSize / numAttentionHeads;
    }

    @Override
    public Phi3Config withLabels(Map<Integer, String> labels, String type) {
        return new Phi3Config(modelType, architectures, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, residPdrop, embdPdrop, attentionDropout, hiddenAct,
                maxPositionEmbeddings, originalMaxPositionEmbeddings, initializerRange, rmsNormEps, useCache,
                tieWordEmbeddings, ropeTheta, ropeScaling, bosTokenId, eosTokenId, padTokenId, slidingWindow, labels,
                null, type, torchDtype);
    }

    @Override
    public Phi3Config forSaving(String architecture, String dtype) {
        return new Phi3Config(modelType, List.of(architecture), vocabSize, hiddenSize, intermediateSize,
                numHiddenLayers, numAttentionHeads, numKeyValueHeads, residPdrop, embdPdrop, attentionDropout,
                hiddenAct, maxPositionEmbeddings, originalMaxPositionEmbeddings, initializerRange, rmsNormEps, useCache,
                tieWordEmbeddings, ropeTheta, ropeScaling, bosTokenId, eosTokenId, padTokenId, slidingWindow, id2label,
                null, problemType, dtype);
    }
}
