package io.t4j.pipelines;

import java.util.Locale;

/** How {@code t4j embed} turns token vectors into one vector per text. */
public enum Pooling {
    /** {@code last_hidden_state[:, 0]} (the [CLS] token; what bge models use). */
    CLS,
    /** The attention-mask-weighted mean of {@code last_hidden_state} (what sentence-transformers' MiniLM uses). */
    MEAN,
    /** The model's {@code pooler_output} (tanh(dense([CLS])) for BERT). */
    POOLER;

    public static Pooling parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling must be cls, mean or pooler, got '" + name + "'");
        }
    }
}
