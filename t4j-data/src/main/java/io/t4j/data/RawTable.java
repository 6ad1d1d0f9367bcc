package io.t4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * One file as read, before the load options apply: column names and raw columns, plus where each row came from
 * (the line of a text file, the row of a Parquet file) so errors can point at it.
 *
 * @param lines the 1-based line each row starts on, or null for formats without lines (Parquet)
 * @param declared features the file declares (HF's Parquet metadata), possibly empty
 */
record RawTable(Path file, List<String> names, List<RawColumn> columns, int[] lines, Map<String, Feature> declared) {
    RawTable {
        for (int i = 0; i < names.size(); i++) {
            int j = names.subList(0, i).indexOf(names.get(i));
            if (j >= 0) {
                throw new DataException(file + ": column '" + names.get(i) + "' appears twice in the header (columns "
                        + (j + 1) + " and " + (i + 1) + ")");
            }
        }
    }

    /** A raw column: strings from text formats, typed values from JSON and Parquet (with a null mask). */
    sealed interface RawColumn permits RawStrings, RawLongs, RawDoubles, RawFloatLists {
        int size();

        /** The Parquet/JSON type name, for "wrong type" errors. */
        String typeName();
    }

    record RawStrings(String[] values) implements RawColumn {
        public int size() {
            return values.length;
        }

        public String typeName() {
            return "string";
        }
    }

    record RawLongs(long[] values, BitSet nulls, String typeName) implements RawColumn {
        public int size() {
            return values.length;
        }
    }

    record RawDoubles(double[] values, BitSet nulls, String typeName) implements RawColumn {
        public int size() {
            return values.length;
        }
    }

    /** A JSON column whose every value is an array of numbers (a multi-label target), null rows in {@code nulls}. */
    record RawFloatLists(float[][] values, BitSet nulls) implements RawColumn {
        public int size() {
            return values.length;
        }

        public String typeName() {
            return "list<float32>";
        }
    }

    int numRows() {
        return columns.isEmpty() ? 0 : columns.getFirst().size();
    }

    /** "file line 17" or "file row 17": where row {@code row} is. */
    String where(int row) {
        return lines != null ? file + " line " + lines[row] : file + " row " + row;
    }

    int index(String name) {
        return names.indexOf(name);
    }

    RawColumn column(String name) {
        int i = index(name);
        return i < 0 ? null : columns.get(i);
    }

    /** This table with {@code renames} applied ({@code "content" -> "sentence"}); an absent source is skipped. */
    RawTable renamed(Map<String, String> renames) {
        List<String> out = new ArrayList<>(names);
        renames.forEach((from, to) -> {
            int i = out.indexOf(from);
            if (i >= 0) {
                if (out.contains(to)) {
                    throw new DataException(file + ": cannot rename column '" + from + "' to '" + to
                            + "': the file has both (columns: " + String.join(", ", names) + ")");
                }
                out.set(i, to);
            }
        });
        return new RawTable(file, out, columns, lines, declared);
    }

    /** Fails naming the file and listing its columns when {@code name} is not one of them. */
    RawColumn require(String name, String role) {
        RawColumn c = column(name);
        if (c == null) {
            throw new DataException(file + ": no " + role + " column '" + name + "' (columns: " + String.join(", ", names) + ")");
        }
        return c;
    }
}
