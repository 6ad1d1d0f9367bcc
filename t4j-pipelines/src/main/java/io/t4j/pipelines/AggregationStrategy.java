package io.t4j.pipelines;

import java.util.Arrays;
import java.util.Locale;

/**
 * HF's {@code AggregationStrategy} (pipelines/token_classification.py): how the token-classification pipeline fuses
 * tokens into entities.
 * <ul>
 *   <li>{@link #NONE}: one result per token, {@code entity} is the token's label;</li>
 *   <li>{@link #SIMPLE}: consecutive tokens whose labels have the same type (B-X then I-X ...) form one
 *       {@code entity_group}; a B- label always starts a new group, so a word can be split across groups;</li>
 *   <li>{@link #FIRST}, {@link #AVERAGE}, {@link #MAX}: as SIMPLE, but first each word gets one label: its first
 *       token's, the best of its tokens' averaged scores, or that of its token with the highest score.</li>
 * </ul>
 */
public enum AggregationStrategy {
    NONE, SIMPLE, FIRST, AVERAGE, MAX;

    /** HF's name: none, simple, first, average, max. */
    public String hfName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether words are fused before grouping (first, average, max). */
    public boolean aggregatesWords() {
        return this == FIRST || this == AVERAGE || this == MAX;
    }

    /** Parses HF's name (any case). */
    public static AggregationStrategy parse(String name) {
        for (AggregationStrategy s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("aggregation_strategy must be one of "
                + Arrays.stream(values()).map(AggregationStrategy::hfName).toList() + ", got '" + name + "'");
    }
}
