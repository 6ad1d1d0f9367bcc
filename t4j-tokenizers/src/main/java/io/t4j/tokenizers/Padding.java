package io.t4j.tokenizers;

import java.util.Locale;

/** HF's {@code PaddingStrategy}: the values of {@code tokenizer(..., padding=...)}. */
public enum Padding {
    /** {@code padding=False}: rows keep their own lengths (a ragged batch). */
    DO_NOT_PAD,
    /** {@code padding=True} / {@code "longest"}: pad to the longest row of the batch. */
    LONGEST,
    /** {@code padding="max_length"}: pad to {@code max_length}, else the tokenizer's {@code model_max_length}. */
    MAX_LENGTH;

    /** Parses HF's spelling ({@code "longest"}, {@code "max_length"}, {@code "do_not_pad"}, {@code true/false}). */
    public static Padding fromHf(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "longest", "true" -> LONGEST;
            case "max_length" -> MAX_LENGTH;
            case "do_not_pad", "false" -> DO_NOT_PAD;
            default -> throw new TokenizerException("unknown padding '" + value
                    + "' (expected longest, max_length or do_not_pad)");
        };
    }
}
