package io.t4j.trainer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** HF's {@code IntervalStrategy} (trainer_utils.py): when to log, evaluate or save. */
public enum IntervalStrategy {
    NO("no"),
    STEPS("steps"),
    EPOCH("epoch");

    private final String value;

    IntervalStrategy(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static IntervalStrategy of(String name) {
        for (IntervalStrategy s : values()) {
            if (s.value.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a valid IntervalStrategy (expected no, steps or epoch)");
    }
}
