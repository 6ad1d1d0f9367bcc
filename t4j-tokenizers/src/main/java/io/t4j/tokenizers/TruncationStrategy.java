package io.t4j.tokenizers;

import java.util.Locale;

/**
 * HF's {@code TruncationStrategy}: which sequence of a pair loses tokens when {@code truncation} is on. For a single
 * sequence {@link #LONGEST_FIRST} and {@link #ONLY_FIRST} are the same.
 */
public enum TruncationStrategy {
    /** {@code "longest_first"} (HF's {@code truncation=True}): a token at a time from the longer sequence. */
    LONGEST_FIRST,
    /** {@code "only_first"}: only the first sequence of a pair is shortened. */
    ONLY_FIRST,
    /** {@code "only_second"}: only the second sequence of a pair is shortened (question answering's context). */
    ONLY_SECOND;

    /** Parses HF's spelling ({@code "longest_first"}, {@code "only_first"}, {@code "only_second"}, {@code "true"}). */
    public static TruncationStrategy fromHf(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "longest_first", "true" -> LONGEST_FIRST;
            case "only_first" -> ONLY_FIRST;
            case "only_second" -> ONLY_SECOND;
            default -> throw new TokenizerException("unknown truncation strategy '" + value
                    + "' (expected longest_first, only_first or only_second; truncation=False is EncodeOptions.noTruncation())");
        };
    }

    /** HF's spelling, e.g. {@code "only_second"}. */
    public String hfName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
