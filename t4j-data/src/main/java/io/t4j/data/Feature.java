package io.t4j.data;

import java.util.List;

/** One column's type, as HF datasets' feature types ({@code Value}, {@code ClassLabel}, {@code Sequence}). */
public sealed interface Feature permits Feature.Value, Feature.ClassLabel, Feature.Sequence {

    /** HF's {@code Value(dtype)}: {@code "string"}, {@code "int64"}, {@code "float64"}, {@code "int32"}. */
    record Value(String dtype) implements Feature {
        @Override
        public String toString() {
            return "Value('" + dtype + "')";
        }
    }

    /**
     * HF's {@code ClassLabel(names=[...])}: integer labels 0..n-1 with names. {@link #str2int} and {@link #int2str}
     * as in HF.
     */
    record ClassLabel(List<String> names) implements Feature {
        public ClassLabel {
            names = List.copyOf(names);
            if (names.stream().distinct().count() != names.size()) {
                throw new DataException("ClassLabel names must be distinct, got " + names);
            }
        }

        public int numClasses() {
            return names.size();
        }

        /** The id of {@code name}, or -1 when it is not a class name. */
        public int str2int(String name) {
            return names.indexOf(name);
        }

        public String int2str(int id) {
            if (id < 0 || id >= names.size()) {
                throw new DataException("label id " + id + " is out of range for ClassLabel " + names);
            }
            return names.get(id);
        }

        @Override
        public String toString() {
            return "ClassLabel(names=[" + String.join(", ", names.stream().map(n -> "'" + n + "'").toList()) + "])";
        }
    }

    /**
     * HF's {@code Sequence(feature)}: a variable-length list per row, e.g. {@code input_ids}
     * ({@code Sequence(Value('int32'))}), CoNLL's {@code tokens} ({@code Sequence(Value('string'))}) or
     * {@code ner_tags} ({@code Sequence(ClassLabel(names=[...]))}).
     */
    record Sequence(Feature feature) implements Feature {
        @Override
        public String toString() {
            return "Sequence(feature=" + feature + ")";
        }
    }
}
