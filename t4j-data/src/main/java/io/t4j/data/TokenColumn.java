package io.t4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * A ragged int column (HF {@code Sequence(Value('int32'))}: {@code input_ids}, {@code token_type_ids},
 * {@code attention_mask}, token-level {@code labels}; or, with a {@code Sequence(ClassLabel)} feature, the label ids
 * of CoNLL's {@code ner_tags}) stored flat: row {@code r} is {@code flat[offsets[r] .. offsets[r+1])}.
 *
 * <p>{@code flat == null} marks a column whose every value is 1 (an unpadded {@code attention_mask}): it shares
 * the offsets of its {@code input_ids} and costs no memory per token.
 */
public record TokenColumn(int[] flat, int[] offsets) implements Column {
    public TokenColumn {
        if (offsets.length == 0 || offsets[0] != 0 || (flat != null && offsets[offsets.length - 1] != flat.length)) {
            throw new IllegalArgumentException("offsets must start at 0 and end at the flat length");
        }
    }

    /** Packs rows into one flat array. */
    public static TokenColumn of(int[][] rows) {
        int[] offsets = new int[rows.length + 1];
        for (int i = 0; i < rows.length; i++) {
            offsets[i + 1] = offsets[i] + rows[i].length;
        }
        int[] flat = new int[offsets[rows.length]];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, offsets[i], rows[i].length);
        }
        return new TokenColumn(flat, offsets);
    }

    /** A column of ones shaped like {@code like} (an attention mask without padding). */
    public static TokenColumn onesLike(TokenColumn like) {
        return new TokenColumn(null, like.offsets);
    }

    public boolean isAllOnes() {
        return flat == null;
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    public int length(int row) {
        return offsets[row + 1] - offsets[row];
    }

    public int get(int row, int position) {
        return flat == null ? 1 : flat[offsets[row] + position];
    }

    /** A copy of one row. */
    public int[] row(int row) {
        if (flat == null) {
            int[] ones = new int[length(row)];
            Arrays.fill(ones, 1);
            return ones;
        }
        return Arrays.copyOfRange(flat, offsets[row], offsets[row + 1]);
    }

    /** Copies row {@code row} into {@code dest} at {@code at}. */
    public void copyRow(int row, int[] dest, int at) {
        if (flat == null) {
            Arrays.fill(dest, at, at + length(row), 1);
        } else {
            System.arraycopy(flat, offsets[row], dest, at, length(row));
        }
    }

    /** Every row's length, for length-grouped sampling. */
    public int[] lengths() {
        int[] lengths = new int[size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = length(i);
        }
        return lengths;
    }

    @Override
    public TokenColumn select(int[] indices) {
        int[] newOffsets = new int[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            newOffsets[i + 1] = newOffsets[i] + length(indices[i]);
        }
        if (flat == null) {
            return new TokenColumn(null, newOffsets);
        }
        int[] newFlat = new int[newOffsets[indices.length]];
        for (int i = 0; i < indices.length; i++) {
            copyRow(indices[i], newFlat, newOffsets[i]);
        }
        return new TokenColumn(newFlat, newOffsets);
    }

    @Override
    public Feature defaultFeature() {
        return new Feature.Sequence(new Feature.Value("int32"));
    }

    @Override
    public void hashInto(Fingerprint fingerprint) {
        fingerprint.add("tokens").add(flat == null ? "ones" : "ints").add(offsets.length);
        for (int o : offsets) {
            fingerprint.add(o);
        }
        if (flat != null) {
            for (int v : flat) {
                fingerprint.add(v);
            }
        }
    }

    static TokenColumn concat(List<Column> parts) {
        int rows = parts.stream().mapToInt(Column::size).sum();
        boolean ones = parts.stream().allMatch(p -> ((TokenColumn) p).flat == null);
        int[] offsets = new int[rows + 1];
        int row = 0;
        for (Column p : parts) {
            TokenColumn t = (TokenColumn) p;
            for (int i = 0; i < t.size(); i++, row++) {
                offsets[row + 1] = offsets[row] + t.length(i);
            }
        }
        if (ones) {
            return new TokenColumn(null, offsets);
        }
        int[] flat = new int[offsets[rows]];
        row = 0;
        for (Column p : parts) {
            TokenColumn t = (TokenColumn) p;
            for (int i = 0; i < t.size(); i++, row++) {
                t.copyRow(i, flat, offsets[row]);
            }
        }
        return new TokenColumn(flat, offsets);
    }
}
