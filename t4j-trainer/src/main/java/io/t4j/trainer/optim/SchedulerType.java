package io.t4j.trainer.optim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** HF's {@code SchedulerType} (trainer_utils.py), the values of {@code lr_scheduler_type} t4j supports. */
public enum SchedulerType {
    LINEAR("linear"),
    COSINE("cosine"),
    CONSTANT("constant"),
    CONSTANT_WITH_WARMUP("constant_with_warmup");

    private final String value;

    SchedulerType(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static SchedulerType of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (SchedulerType t : values()) {
            if (t.value.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("lr_scheduler_type '" + name + "' is not supported (supported: "
                + Arrays.stream(values()).map(SchedulerType::value).collect(Collectors.joining(", ")) + ")");
    }
}
