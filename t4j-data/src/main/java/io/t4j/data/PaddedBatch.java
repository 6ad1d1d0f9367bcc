package io.t4j.data;

import io.t4j.models.ModelInputs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HF's collated batch ({@code tokenizer.pad(features)} before {@code return_tensors="pt"}) as row-major
 * {@code [batchSize, length]} Java arrays: what a {@link DataCollator} builds on any thread (the DataLoader's
 * prefetch thread), before {@link #toModelInputs()} makes the tensors on the consumer's thread, inside its
 * PointerScope.
 *
 * @param tokenTypeIds null when the tokenizer returns none
 * @param realTokens   the number of non-pad positions (for padding statistics)
 * @param labels       the batch's label arrays by HF name ({@code labels}, {@code start_positions},
 *                     {@code end_positions}, {@code next_sentence_label}; see {@link ModelInputs#LABEL_NAMES})
 */
public record PaddedBatch(int batchSize, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                          long realTokens, Map<String, NdArray> labels) {
    public PaddedBatch {
        for (String name : labels.keySet()) {
            if (!ModelInputs.LABEL_NAMES.contains(name)) {
                throw new DataException("unknown label name '" + name + "' (known: " + ModelInputs.LABEL_NAMES + ")");
            }
        }
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A batch without labels. */
    public PaddedBatch(int batchSize, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds, long realTokens) {
        this(batchSize, length, inputIds, attentionMask, tokenTypeIds, realTokens, Map.of());
    }

    /** Positions in the batch, pads included. */
    public long paddedTokens() {
        return (long) batchSize * length;
    }

    /** The label array named {@code name}, or null. */
    public NdArray label(String name) {
        return labels.get(name);
    }

    /** This batch with the label array {@code name} set (replacing one of that name). */
    public PaddedBatch withLabel(String name, NdArray value) {
        Map<String, NdArray> all = new LinkedHashMap<>(labels);
        all.put(name, value);
        return new PaddedBatch(batchSize, length, inputIds, attentionMask, tokenTypeIds, realTokens, all);
    }

    /** This batch with other input ids (a masked-LM collator's corrupted ids), labels unchanged. */
    public PaddedBatch withInputIds(int[] newInputIds) {
        return new PaddedBatch(batchSize, length, newInputIds, attentionMask, tokenTypeIds, realTokens, labels);
    }

    /** HF's collated {@code batch}: int64 input tensors [B,T] and each label array as a tensor under its name. */
    public ModelInputs toModelInputs() {
        ModelInputs inputs = ModelInputs.fromArrays(batchSize, length, inputIds, attentionMask, tokenTypeIds);
        for (var e : labels.entrySet()) {
            inputs = inputs.withLabel(e.getKey(), e.getValue().toTensor());
        }
        return inputs;
    }
}
