package io.t4j.data;

import java.util.List;

/** An integer column: HF {@code Value('int64')}, or the ids of a {@code ClassLabel}. */
public record LongColumn(long[] values) implements Column {
    @Override
    public int size() {
        return values.length;
    }

    public long get(int row) {
        return values[row];
    }

    @Override
    public LongColumn select(int[] indices) {
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return new LongColumn(out);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Value("int64");
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("int64").add(values.length);
        for (long v : values) {
            fingerprint.add(v);
        }
    }

    static LongColumn concat(List<Column> parts) {
        int n = parts.stream().mapToInt(Column::size).sum();
        long[] out = new long[n];
        int at = 0;
        for (Column p : parts) {
            long[] v = ((LongColumn) p).values;
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return new LongColumn(out);
    }
}
