package io.t4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A text column (HF {@code Value('string')}). */
public record StringColumn(String[] values) implements Column {
    @Override
    public int size() {
        return values.length;
    }

    public String get(int row) {
        return values[row];
    }

    /** The values as an unmodifiable list view, for tokenizer calls. */
    public List<String> asList() {
        return Arrays.asList(values);
    }

    @Override
    public StringColumn select(int[] indices) {
        String[] out = new String[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return new StringColumn(out);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Value("string");
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("string").add(values.length);
        for (String v : values) {
            fingerprint.add(v == null ? "\u0000null" : v);
        }
    }

    static StringColumn concat(List<Column> parts) {
        List<String> all = new ArrayList<>();
        parts.forEach(p -> all.addAll(Arrays.asList(((StringColumn) p).values)));
        return new StringColumn(all.toArray(String[]::new));
    }
}
