package io.t4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * A ragged string column (HF {@code Sequence(Value('string'))}: a sentence's words, CoNLL's {@code tokens}) stored
 * flat: row {@code r} is {@code flat[offsets[r] .. offsets[r+1])}.
 */
public record StringListColumn(String[] flat, int[] offsets) implements Column {
    public StringListColumn {
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != flat.length) {
            throw new IllegalArgumentException("offsets must start at 0 and end at the flat length");
        }
    }

    /** Packs rows into one flat array. */
    public static StringListColumn of(List<String[]> rows) {
        int[] offsets = new int[rows.size() + 1];
        for (int i = 0; i < rows.size(); i++) {
            offsets[i + 1] = offsets[i] + rows.get(i).length;
        }
        String[] flat = new String[offsets[rows.size()]];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, offsets[i], rows.get(i).length);
        }
        return new StringListColumn(flat, offsets);
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    public int length(int row) {
        return offsets[row + 1] - offsets[row];
    }

    public String get(int row, int position) {
        return flat[offsets[row] + position];
    }

    /** Row {@code row} as an unmodifiable list view (for tokenizer calls). */
    public List<String> row(int row) {
        return Arrays.asList(flat).subList(offsets[row], offsets[row + 1]);
    }

    @Override
    public StringListColumn select(int[] indices) {
        int[] newOffsets = new int[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            newOffsets[i + 1] = newOffsets[i] + length(indices[i]);
        }
        String[] newFlat = new String[newOffsets[indices.length]];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(flat, offsets[indices[i]], newFlat, newOffsets[i], length(indices[i]));
        }
        return new StringListColumn(newFlat, newOffsets);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Sequence(new Feature.Value("string"));
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("strings").add(offsets.length);
        for (int o : offsets) {
            fingerprint.add(o);
        }
        for (String v : flat) {
            fingerprint.add(v == null ? "\u0000null" : v);
        }
    }

    static StringListColumn concat(List<Column> parts) {
        int rows = parts.stream().mapToInt(Column::size).sum();
        int[] offsets = new int[rows + 1];
        int row = 0;
        for (Column p : parts) {
            StringListColumn s = (StringListColumn) p;
            for (int i = 0; i < s.size(); i++, row++) {
                offsets[row + 1] = offsets[row] + s.length(i);
            }
        }
        String[] flat = new String[offsets[rows]];
        int at = 0;
        for (Column p : parts) {
            StringListColumn s = (StringListColumn) p;
            System.arraycopy(s.flat, 0, flat, at, s.flat.length);
            at += s.flat.length;
        }
        return new StringListColumn(flat, offsets);
    }
}
