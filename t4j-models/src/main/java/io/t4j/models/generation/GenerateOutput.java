package io.t4j.models.generation;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * HF's {@code GenerateDecoderOnlyOutput}: {@code sequences} [B, P + N] (the left-padded prompts followed by the new
 * tokens; a row that finished early is filled with pad_token_id, as HF), and, when asked, the processed
 * next-token {@code scores} of every step ({@code scores.get(step)[row]} has V values).
 *
 * @param promptLength  P, the (padded) prompt length
 * @param newTokenCount per row, the tokens it generated (up to and including its eos or stop string)
 */
public record GenerateOutput(long[][] sequences, int promptLength, int[] newTokenCount, FinishReason[] finishReasons,
                             List<float[][]> scores) {

    public int batchSize() {
        return sequences.length;
    }

    /** The tokens row {@code row} generated, without the trailing padding. */
    public long[] newTokens(int row) {
        return Arrays.copyOfRange(sequences[row], promptLength, promptLength + newTokenCount[row]);
    }

    /**
     * The text of row {@code row}: the new tokens only, or, with HF's {@code return_full_text}, prompt (without its
     * left padding, given by {@code promptTokens}) and new tokens decoded together.
     */
    public String text(int row, long[] promptTokens, Function<long[], String> decode, boolean returnFullText) {
        long[] fresh = newTokens(row);
        if (!returnFullText) {
            return decode.apply(fresh);
        }
        long[] all = Arrays.copyOf(promptTokens, promptTokens.length + fresh.length);
        System.arraycopy(fresh, 0, all, promptTokens.length, fresh.length);
        return decode.apply(all);
    }
}
