package io.t4j.data;

/**
 * What a tokenizer returns for (question, context) pairs called as run_qa.py calls it ({@code truncation=
 * "only_second"}, {@code max_length}, {@code stride=doc_stride}, {@code return_overflowing_tokens=True},
 * {@code return_offsets_mapping=True}): one row per window, a long context giving several overlapping windows.
 * Plain arrays, so any tokenizer can supply them and tests can write them by hand.
 *
 * @param inputIds {@code [W][T]} token ids of each window (rows may differ in length when not padded)
 * @param attentionMask {@code [W][T]}, or null when no window is padded (all ones)
 * @param tokenTypeIds {@code [W][T]}, or null when the tokenizer returns none (RoBERTa, DistilBERT)
 * @param offsetMapping {@code [W][2T]}: token {@code t} covers characters {@code [offsetMapping[w][2t],
 *     offsetMapping[w][2t+1])} of its own text (the question or the context), as UTF-16 indices into the Java
 *     string; special and padding tokens have (0, 0), as in HF
 * @param sequenceIds {@code [W][T]}: HF's {@code sequence_ids(w)}: 0 for a token of the first text, 1 for the
 *     second, {@link #NONE} for special and padding tokens (HF's None)
 * @param overflowToSampleMapping {@code [W]}: HF's {@code overflow_to_sample_mapping}, the index of the pair
 *     (the example) each window comes from, non-decreasing
 */
public record QaWindows(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[][] offsetMapping,
                        int[][] sequenceIds, int[] overflowToSampleMapping) {
    /** The sequence id of special and padding tokens (HF's None). */
    public static final int NONE = -1;

    public QaWindows {
        int w = inputIds.length;
        if (offsetMapping.length != w || sequenceIds.length != w || overflowToSampleMapping.length != w
                || (attentionMask != null && attentionMask.length != w) || (tokenTypeIds != null && tokenTypeIds.length != w)) {
            throw new DataException("QaWindows: every array needs one row per window (" + w + " input_ids rows)");
        }
        for (int i = 0; i < w; i++) {
            int t = inputIds[i].length;
            if (offsetMapping[i].length != 2 * t || sequenceIds[i].length != t
                    || (attentionMask != null && attentionMask[i].length != t) || (tokenTypeIds != null && tokenTypeIds[i].length != t)) {
                throw new DataException("QaWindows: window " + i + " has " + t + " input_ids but " + offsetMapping[i].length
                        + " offset values (need 2 per token) and " + sequenceIds[i].length + " sequence ids");
            }
            if (i > 0 && overflowToSampleMapping[i] < overflowToSampleMapping[i - 1]) {
                throw new DataException("QaWindows: overflow_to_sample_mapping must not decrease (window " + i + ")");
            }
        }
    }

    /** The number of windows. */
    public int size() {
        return inputIds.length;
    }

    /** The number of tokens of window {@code w}. */
    public int length(int w) {
        return inputIds[w].length;
    }

    public int offsetStart(int w, int t) {
        return offsetMapping[w][2 * t];
    }

    public int offsetEnd(int w, int t) {
        return offsetMapping[w][2 * t + 1];
    }

    public int sequenceId(int w, int t) {
        return sequenceIds[w][t];
    }
}
