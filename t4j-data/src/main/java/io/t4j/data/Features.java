package io.t4j.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HF datasets' {@code Features}: the ordered column name to {@link Feature} map of a {@link Dataset}. */
public record Features(Map<String, Feature> byName) {
    public Features {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public Feature get(String column) {
        return byName.get(column);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        byName.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append('\'').append(k).append("': ").append(v));
        return s.append('}').toString();
    }
}
