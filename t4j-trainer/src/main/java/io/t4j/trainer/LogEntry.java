package io.t4j.trainer;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of HF's {@code log_history}: the logged values plus the {@code step} they were logged at. */
public final class LogEntry {
    private final Map<String, Double> values = new LinkedHashMap<>();
    private int step;

    LogEntry() {}

    LogEntry(Map<String, Double> values, int step) {
        this.values.putAll(values);
        this.step = step;
    }

    @JsonIgnore
    public Map<String, Double> values() {
        return Collections.unmodifiableMap(values);
    }

    @JsonIgnore
    public int step() {
        return step;
    }

    /** The value logged under {@code key}, or null. */
    public Double get(String key) {
        return values.get(key);
    }

    @JsonAnyGetter
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put("step", step);
        return m;
    }

    @JsonAnySetter
    void set(String key, Object value) {
        if (key.equals("step")) {
            step = ((Number) value).intValue();
        } else if (value instanceof Number n) {
            values.put(key, n.doubleValue());
        }
    }

    @Override
    public String toString() {
        return json().toString();
    }
}
