package io.t4j.data;

import java.util.List;

/** A floating-point column: HF {@code Value('float64')} (regression labels, scores). */
public record DoubleColumn(double[] values) implements Column {
    @Override
    public int size() {
        return values.length;
    }

    public double get(int row) {
        return values[row];
    }

    @Override
    public DoubleColumn select(int[] indices) {
        double[] out = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return new DoubleColumn(out);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Value("float64");
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("float64").add(values.length);
        for (double v : values) {
            fingerprint.add(Double.doubleToLongBits(v));
        }
    }

    static DoubleColumn concat(List<Column> parts) {
        int n = parts.stream().mapToInt(Column::size).sum();
        double[] out = new double[n];
        int at = 0;
        for (Column p : parts) {
            double[] v = ((DoubleColumn) p).values;
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return new DoubleColumn(out);
    }
}
