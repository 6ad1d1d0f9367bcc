package io.t4j.models.deberta_v2;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.t4j.models.Labels;
import io.t4j.models.PretrainedConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code DebertaV2Config} (transformers/models/deberta_v2/configuration_deberta_v2.py, v4.46.1) with HF's field names
 * and defaults, plus the fields the modeling file reads with {@code getattr} and their defaults there
 * ({@code position_buckets} -1, {@code share_att_key} false, {@code norm_rel_ebd} "none", {@code embedding_size} =
 * hidden_size, {@code attention_head_size} = hidden_size / heads, {@code conv_kernel_size} 0, {@code cls_dropout}
 * = hidden_dropout_prob, {@code pooler_hidden_size} = hidden_size).
 *
 * <p>{@code pos_att_type} may be a list or HF's legacy {@code "p2c|c2p"} string; it is normalized to a list.
 * Values other than c2p and p2c, and fields that contradict each other, are rejected naming the field.
 */
public record DebertaV2Config(
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
        Boolean relativeAttention,
        Integer maxRelativePositions,
        Integer padTokenId,
        Boolean positionBiasedInput,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> posAttType,
        Double poolerDropout,
        String poolerHiddenAct,
        Integer poolerHiddenSize,
        Integer positionBuckets,
        Boolean shareAttKey,
        String normRelEbd,
        Integer embeddingSize,
        Integer attentionHeadSize,
        Integer convKernelSize,
        Integer convGroups,
        String convAct,
        Double clsDropout,
        Map<Integer, String> id2label,
        Map<String, Integer> label2id,
        String problemType,
        String torchDtype) implements PretrainedConfig {

    /** The relative-attention terms HF's DisentangledSelfAttention knows. */
    public static final List<String> POS_ATT_TYPES = List.of("c2p", "p2c");

    public DebertaV2Config {
        modelType = "deberta-v2";
        vocabSize = vocabSize != null ? vocabSize : 128100;
        hiddenSize = hiddenSize != null ? hiddenSize : 1536;
        numHiddenLayers = numHiddenLayers != null ? numHiddenLayers : 24;
        numAttentionHeads = numAttentionHeads != null ? numAttentionHeads : 24;
        intermediateSize = intermediateSize != null ? intermediateSize : 6144;
        hiddenAct = hiddenAct != null ? hiddenAct : "gelu";
        hiddenDropoutProb = hiddenDropoutProb != null ? hiddenDropoutProb : 0.1;
        attentionProbsDropoutProb = attentionProbsDropoutProb != null ? attentionProbsDropoutProb : 0.1;
        maxPositionEmbeddings = maxPositionEmbeddings != null ? maxPositionEmbeddings : 512;
        typeVocabSize = typeVocabSize != null ? typeVocabSize : 0;
        initializerRange = initializerRange != null ? initializerRange : 0.02;
        layerNormEps = layerNormEps != null ? layerNormEps : 1e-7;
        relativeAttention = relativeAttention != null ? relativeAttention : false;
        maxRelativePositions = maxRelativePositions != null ? maxRelativePositions : -1;
        padTokenId = padTokenId != null ? padTokenId : 0;
        positionBiasedInput = positionBiasedInput != null ? positionBiasedInput : true;
        posAttType = normalizePosAttType(posAttType);
        poolerDropout = poolerDropout != null ? poolerDropout : 0.0;
        poolerHiddenAct = poolerHiddenAct != null ? poolerHiddenAct : "gelu";
        poolerHiddenSize = poolerHiddenSize != null ? poolerHiddenSize : hiddenSize;
        positionBuckets = positionBuckets != null ? positionBuckets : -1;
        shareAttKey = shareAttKey != null ? shareAttKey : false;
        normRelEbd = normRelEbd != null ? normRelEbd : "none";
        embeddingSize = embeddingSize != null ? embeddingSize : hiddenSize;
        if (numAttentionHeads < 1 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        attentionHeadSize = attentionHeadSize != null ? attentionHeadSize : hiddenSize / numAttentionHeads;
        convKernelSize = convKernelSize != null ? convKernelSize : 0;
        convGroups = convGroups != null ? convGroups : 1;
        convAct = convAct != null ? convAct : "tanh";
        id2label = Labels.normalize(id2label);
        label2id = Labels.label2id(id2label);
        validate(relativeAttention, posAttType, normRelEbd, numAttentionHeads, attentionHeadSize, hiddenSize,
                poolerHiddenSize, convKernelSize, typeVocabSize);
    }

    /** HF's backwards compatibility: {@code "p2c|c2p"} → [p2c, c2p] (lower-cased, trimmed); null → []. */
    private static List<String> normalizePosAttType(List<String> raw) {
        if (raw == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String entry : raw) {
            for (String part : entry.split("\\|")) {
                String t = part.strip().toLowerCase(Locale.ROOT);
                if (!POS_ATT_TYPES.contains(t)) {
                    throw new IllegalArgumentException("pos_att_type: unknown value '" + part + "' in " + raw
                            + " (supported: " + String.join(", ", POS_ATT_TYPES) + ")");
                }
                if (!out.contains(t)) {
                    out.add(t);
                }
            }
        }
        return List.copyOf(out);
    }

    private static void validate(boolean relativeAttention, List<String> posAttType, String normRelEbd, int heads,
                                 int headSize, int hiddenSize, int poolerHiddenSize, int convKernelSize, int typeVocabSize) {
        if (!relativeAttention && !posAttType.isEmpty()) {
            throw new IllegalArgumentException("pos_att_type " + posAttType + " needs relative_attention: true (it is "
                    + "false, so the c2p/p2c terms would be dropped while still scaling the attention scores)");
        }
        for (String part : normRelEbd.toLowerCase(Locale.ROOT).split("\\|")) {
            if (!List.of("none", "layer_norm").contains(part.strip())) {
                throw new IllegalArgumentException("norm_rel_ebd: unknown value '" + part.strip()
                        + "' (supported: none, layer_norm, joined by '|')");
            }
        }
        if (heads * headSize != hiddenSize) {
            throw new IllegalArgumentException("attention_head_size " + headSize + " x num_attention_heads " + heads
                    + " must equal hidden_size " + hiddenSize + " (the attention output dense is hidden_size wide)");
        }
        if (poolerHiddenSize != hiddenSize) {
            throw new IllegalArgumentException("pooler_hidden_size " + poolerHiddenSize + " must equal hidden_size "
                    + hiddenSize + " (the ContextPooler reads the first token's hidden state)");
        }
        if (convKernelSize < 0) {
            throw new IllegalArgumentException("conv_kernel_size must be 0 (no ConvLayer) or positive, got " + convKernelSize);
        }
        if (typeVocabSize < 0) {
            throw new IllegalArgumentException("type_vocab_size must be 0 or more, got " + typeVocabSize);
        }
    }

    /** A config with DeBERTa-v3's shape (relative attention, 256 buckets, shared keys, both terms) and these sizes. */
    public static DebertaV2Config v3(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                                     int intermediateSize, int positionBuckets, int maxPositionEmbeddings) {
        return new DebertaV2Config(null, null, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, null, null, null, maxPositionEmbeddings, null, null, null, true, -1, null, false,
                List.of("p2c", "c2p"), null, null, null, positionBuckets, true, "layer_norm", null, null, null, null,
                null, null, null, null, null, null);
    }

    public int headDim() {
        return attentionHeadSize;
    }

    /** {@code max_relative_positions}, or max_position_embeddings when it is below 1 (as the modeling file does). */
    public int maxRelativePositionsResolved() {
        return maxRelativePositions < 1 ? maxPositionEmbeddings : maxRelativePositions;
    }

    /** {@code pos_ebd_size}: position_buckets when positive, else max_relative_positions (the span S of [-S, S)). */
    public int posEbdSize() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositionsResolved();
    }

    /** Whether {@code norm_rel_ebd} names layer_norm (the encoder's {@code LayerNorm} over rel_embeddings). */
    public boolean normRelEmbeddings() {
        for (String part : normRelEbd.toLowerCase(Locale.ROOT).split("\\|")) {
            if (part.strip().equals("layer_norm")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public DebertaV2Config withLabels(Map<Integer, String> labels, String type) {
        return new DebertaV2Config(modelType, architectures, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings,
                typeVocabSize, initializerRange, layerNormEps, relativeAttention, maxRelativePositions, padTokenId,
                positionBiasedInput, posAttType, poolerDropout, poolerHiddenAct, poolerHiddenSize, positionBuckets,
                shareAttKey, normRelEbd, embeddingSize, attentionHeadSize, convKernelSize, convGroups, convAct,
                clsDropout, labels, null, type, torchDtype);
    }

    @Override
    public DebertaV2Config forSaving(String architecture, String dtype) {
        return new DebertaV2Config(modelType, List.of(architecture), vocabSize, hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, relativeAttention,
                maxRelativePositions, padTokenId, positionBiasedInput, posAttType, poolerDropout, poolerHiddenAct,
                poolerHiddenSize, positionBuckets, shareAttKey, normRelEbd, embeddingSize, attentionHeadSize,
                convKernelSize, convGroups, convAct, clsDropout, id2label, null, problemType, dtype);
    }
}
