package io.t4j.models;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** HF's label bookkeeping: default {@code LABEL_i} names and label2id derived from id2label. */
public final class Labels {
    private Labels() {}

    /** {@code {0: "LABEL_0", ..., n-1: "LABEL_{n-1}"}}, HF's default for {@code num_labels=n}. */
    public static Map<Integer, String> defaultId2label(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("num_labels must be at least 1, got " + n);
        }
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(i, "LABEL_" + i);
        }
        return m;
    }

    /** id2label checked (ids 0..n-1) and sorted by id; null → HF's default of 2 labels. */
    public static Map<Integer, String> normalize(Map<Integer, String> id2label) {
        if (id2label == null || id2label.isEmpty()) {
            return defaultId2label(2);
        }
        Map<Integer, String> sorted = new LinkedHashMap<>(new TreeMap<>(id2label));
        int expected = 0;
        for (int id : sorted.keySet()) {
            if (id != expected++) {
                throw new IllegalArgumentException("id2label must use ids 0.." + (sorted.size() - 1) + ", got " + sorted.keySet());
            }
        }
        return sorted;
    }

    public static Map<String, Integer> label2id(Map<Integer, String> id2label) {
        Map<String, Integer> m = new LinkedHashMap<>();
        id2label.forEach((id, name) -> m.put(name, id));
        return m;
    }
}
