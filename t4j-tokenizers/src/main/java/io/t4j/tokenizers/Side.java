package io.t4j.tokenizers;

import java.util.Locale;

/** HF's {@code padding_side} / {@code truncation_side} values. */
public enum Side {
    LEFT,
    RIGHT;

    /** Parses {@code "left"}/{@code "right"} (any case); {@code where} names the file and key for the error. */
    public static Side parse(String value, String where) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "left" -> LEFT;
            case "right" -> RIGHT;
            default -> throw new TokenizerException(where + ": unknown value '" + value + "' (expected left or right)");
        };
    }

    /** HF's spelling, {@code "left"} or {@code "right"}. */
    public String hfName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
