package io.t4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * A ragged float column (HF {@code Sequence(Value('float32'))}): a multi-label classification target per row, the
 * 0/1 vector of which labels apply ({@code [1, 0, 1, 0]}), stored flat: row {@code r} is
 * {@code flat[offsets[r] .. offsets[r+1])}. The collator turns a batch of equal-length rows into float32 [B,L] labels.
 */
public record FloatListColumn(float[] flat, int[] offsets) implements Column {
    public FloatListColumn {
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != flat.length) {
            throw new IllegalArgumentException("offsets must start at 0 and end at the flat length");
        }
    }

    /** Packs rows into one flat array. */
    public static FloatListColumn of(float[][] rows) {
        int[] offsets = new int[rows.length + 1];
        for (int i = 0; i < rows.length; i++) {
            offsets[i + 1] = offsets[i] + rows[i].length;
        }
        float[] flat = new float[offsets[rows.length]];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, offsets[i], rows[i].length);
        }
        return new FloatListColumn(flat, offsets);
    }

    /**
     * The HF notebook idiom for one 0/1 column per label ({@code labels_matrix[:, idx] = batch[label]}): row r of the
     * result is {@code [columns[0][r], columns[1][r], ...]}. Every value must be 0 or 1.
     */
    public static FloatListColumn multiHot(Dataset dataset, List<String> labelColumns) {
        int n = dataset.numRows();
        int k = labelColumns.size();
        float[] flat = new float[n * k];
        for (int j = 0; j < k; j++) {
            String name = labelColumns.get(j);
            for (int r = 0; r < n; r++) {
                double v = switch (dataset.column(name)) {
                    case LongColumn c -> c.get(r);
                    case DoubleColumn c -> c.get(r);
                    default -> throw new DataException("label column '" + name + "' is " + dataset.features().get(name)
                            + "; a multi-label column must hold 0 or 1");
                };
                if (v != 0 && v != 1) {
                    throw new DataException("label column '" + name + "' row " + r + ": " + v + " is not 0 or 1");
                }
                flat[r * k + j] = (float) v;
            }
        }
        int[] offsets = new int[n + 1];
        for (int r = 0; r <= n; r++) {
            offsets[r] = r * k;
        }
        return new FloatListColumn(flat, offsets);
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    public int length(int row) {
        return offsets[row + 1] - offsets[row];
    }

    /** A copy of one row. */
    public float[] row(int row) {
        return Arrays.copyOfRange(flat, offsets[row], offsets[row + 1]);
    }

    /** Copies row {@code row} into {@code dest} at {@code at}. */
    public void copyRow(int row, float[] dest, int at) {
        System.arraycopy(flat, offsets[row], dest, at, length(row));
    }

    @Override
    public FloatListColumn select(int[] indices) {
        int[] newOffsets = new int[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            newOffsets[i + 1] = newOffsets[i] + length(indices[i]);
        }
        float[] newFlat = new float[newOffsets[indices.length]];
        for (int i = 0; i < indices.length; i++) {
            copyRow(indices[i], newFlat, newOffsets[i]);
        }
        return new FloatListColumn(newFlat, newOffsets);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Sequence(new Feature.Value("float32"));
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("floats").add(offsets.length);
        for (int o : offsets) {
            fingerprint.add(o);
        }
        for (float v : flat) {
            fingerprint.add(Float.floatToIntBits(v));
        }
    }

    static FloatListColumn concat(List<Column> parts) {
        int rows = parts.stream().mapToInt(Column::size).sum();
        int[] offsets = new int[rows + 1];
        int row = 0;
        for (Column p : parts) {
            FloatListColumn f = (FloatListColumn) p;
            for (int i = 0; i < f.size(); i++, row++) {
                offsets[row + 1] = offsets[row] + f.length(i);
            }
        }
        float[] flat = new float[offsets[rows]];
        int at = 0;
        for (Column p : parts) {
            FloatListColumn f = (FloatListColumn) p;
            System.arraycopy(f.flat, 0, flat, at, f.flat.length);
            at += f.flat.length;
        }
        return new FloatListColumn(flat, offsets);
    }
}
