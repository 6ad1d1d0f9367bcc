package io.t4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw tables into typed Datasets under {@link LoadOptions}: required text columns (strings, non-empty),
 * the label column (ClassLabel from names, from the file's HF metadata, or from the sorted distinct strings across
 * all splits; float64 for regression; a {@link FloatListColumn} of 0/1 vectors for multi-label classification), and
 * every other column typed by its values.
 */
final class TableConverter {
    private final LoadOptions options;
    private final LabelKind labelKind;
    private final Feature.ClassLabel classLabel;

    private enum LabelKind { NONE, INTEGER, STRING, FLOAT, MULTI_LABEL }

    private TableConverter(LoadOptions options, LabelKind labelKind, Feature.ClassLabel classLabel) {
        this.options = options;
        this.labelKind = labelKind;
        this.classLabel = classLabel;
    }

    static DatasetDict convert(Map<String, List<RawTable>> raw, LoadOptions options) {
        List<RawTable> all = raw.values().stream().flatMap(List::stream).toList();
        for (RawTable t : all) {
            options.textColumns().forEach(c -> t.require(c, "text"));
            if (options.labelColumn() != null) {
                t.require(options.labelColumn(), "label");
            }
        }
        TableConverter converter = planLabels(all, options);
        Map<String, Dataset> splits = new LinkedHashMap<>();
        raw.forEach((split, tables) -> splits.put(split, converter.dataset(tables)));
        return new DatasetDict(splits);
    }

    private static TableConverter planLabels(List<RawTable> tables, LoadOptions options) {
        String label = options.labelColumn();
        if (label == null) {
            return new TableConverter(options, LabelKind.NONE, null);
        }
        List<RawTable.RawColumn> columns = tables.stream().map(t -> t.column(label)).toList();
        if (columns.stream().anyMatch(c -> c instanceof RawTable.RawFloatLists)) {
            for (int i = 0; i < tables.size(); i++) {
                if (!(columns.get(i) instanceof RawTable.RawFloatLists)) {
                    throw new DataException(tables.get(i).file() + ": label column '" + label + "' has type "
                            + columns.get(i).typeName() + " but other files hold multi-label vectors (arrays of 0/1)");
                }
            }
            return new TableConverter(options, LabelKind.MULTI_LABEL, null);
        }
        if (columns.stream().anyMatch(c -> c instanceof RawTable.RawDoubles)) {
            if (options.labelNames() != null) {
                throw new DataException(tables.getFirst().file() + ": label column '" + label
                        + "' holds floats (a regression target), which cannot have label names");
            }
            return new TableConverter(options, LabelKind.FLOAT, null);
        }
        Feature.ClassLabel given = options.labelNames() == null ? null : new Feature.ClassLabel(options.labelNames());
        checkLabelCells(tables, label, given);
        boolean integers = columns.stream().allMatch(c -> c instanceof RawTable.RawLongs
                || (c instanceof RawTable.RawStrings s && java.util.Arrays.stream(s.values()).allMatch(v -> v == null || Labels.isInteger(v))));
        if (integers) {
            Feature.ClassLabel declared = tables.stream().map(t -> t.declared().get(label))
                    .filter(f -> f instanceof Feature.ClassLabel).map(f -> (Feature.ClassLabel) f).findFirst().orElse(null);
            return new TableConverter(options, LabelKind.INTEGER, given != null ? given : declared);
        }
        if (given != null) {
            return new TableConverter(options, LabelKind.STRING, given);
        }
        List<String> values = new ArrayList<>();
        columns.forEach(c -> java.util.Arrays.stream(((RawTable.RawStrings) c).values()).filter(v -> v != null).forEach(values::add));
        return new TableConverter(options, LabelKind.STRING, Labels.sortedClassLabel(values));
    }

    /**
     * Label cells of text files that cannot be right: an empty cell is a missing label, and when the labels look
     * like integers (class ids) a cell that does not (a stray {@code 0.5}) is an error naming its file and line,
     * rather than turning every label into a string class name (which would add a class and move the ids).
     * Whichever kind is rarer across all files is the stray; a stray value among {@code given} names is fine.
     */
    private static void checkLabelCells(List<RawTable> tables, String label, Feature.ClassLabel given) {
        long integers = 0;
        long others = 0;
        for (RawTable t : tables) {
            if (!(t.column(label) instanceof RawTable.RawStrings s)) {
                continue;
            }
            String[] values = s.values();
            for (int r = 0; r < values.length; r++) {
                if (values[r] == null) {
                    continue;
                }
                if (values[r].isBlank()) {
                    throw new DataException(t.where(r) + " column '" + label + "': missing label (an empty cell)");
                }
                if (Labels.isInteger(values[r])) {
                    integers++;
                } else {
                    others++;
                }
            }
        }
        if (integers == 0 || others == 0) {
            return;
        }
        boolean strayIsInteger = integers < others;
        for (RawTable t : tables) {
            if (!(t.column(label) instanceof RawTable.RawStrings s)) {
                continue;
            }
            String[] values = s.values();
            for (int r = 0; r < values.length; r++) {
                String v = values[r];
                if (v == null || Labels.isInteger(v) != strayIsInteger || (given != null && given.str2int(v) >= 0)) {
                    continue;
                }
                String what = strayIsInteger ? "an integer among " + others + " string labels"
                        : "not an integer, unlike the " + integers + " other labels (integer class ids)";
                throw new DataException(t.where(r) + " column '" + label + "': label '" + v + "' is " + what
                        + (given != null ? " and not one of the ClassLabel names " + given.names()
                        : "; fix the cell, or give the class names (LoadOptions.withLabelNames, t4j's --class-names)"
                        + " to read every label as a name"));
            }
        }
    }

    private Dataset dataset(List<RawTable> tables) {
        RawTable first = tables.getFirst();
        Map<String, List<Column>> parts = new LinkedHashMap<>();
        Map<String, Feature> features = new LinkedHashMap<>();
        for (RawTable t : tables) {
            if (!t.names().equals(first.names())) {
                throw new DataException(t.file() + ": columns " + t.names() + " differ from " + first.file() + "'s " + first.names());
            }
            for (String name : t.names()) {
                Column column = convert(t, name);
                parts.computeIfAbsent(name, k -> new ArrayList<>()).add(column);
                features.putIfAbsent(name, feature(t, name, column));
            }
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        parts.forEach((name, list) -> columns.put(name, list.size() == 1 ? list.getFirst() : Column.concat(list)));
        return Dataset.fromColumns(columns, features);
    }

    private Column convert(RawTable t, String name) {
        if (options.textColumns().contains(name)) {
            return text(t, name);
        }
        if (name.equals(options.labelColumn())) {
            return label(t, name);
        }
        return switch (t.column(name)) {
            case RawTable.RawStrings s when java.util.Arrays.stream(s.values()).allMatch(Labels::isInteger) ->
                    new LongColumn(java.util.Arrays.stream(s.values()).mapToLong(Long::parseLong).toArray());
            case RawTable.RawStrings s -> new StringColumn(s.values());
            case RawTable.RawLongs l -> new LongColumn(l.values());
            case RawTable.RawDoubles d -> new DoubleColumn(d.values());
            case RawTable.RawFloatLists f -> FloatListColumn.of(f.values());
        };
    }

    private Feature feature(RawTable t, String name, Column column) {
        if (name.equals(options.labelColumn()) && classLabel != null) {
            return classLabel;
        }
        if (t.declared().containsKey(name)) {
            return t.declared().get(name);
        }
        return switch (t.column(name)) {
            case RawTable.RawLongs l when column instanceof LongColumn -> new Feature.Value(l.typeName());
            case RawTable.RawDoubles d -> new Feature.Value(d.typeName());
            default -> column.defaultFeature();
        };
    }

    private StringColumn text(RawTable t, String name) {
        if (!(t.column(name) instanceof RawTable.RawStrings strings)) {
            throw new DataException(t.file() + ": text column '" + name + "' has type " + t.column(name).typeName()
                    + ", expected string (columns: " + String.join(", ", t.names()) + ")");
        }
        String[] values = strings.values();
        for (int r = 0; r < values.length; r++) {
            if (values[r] == null || values[r].isBlank()) {
                throw new DataException(t.where(r) + " column '" + name + "': empty text");
            }
        }
        return new StringColumn(values);
    }

    private Column label(RawTable t, String name) {
        RawTable.RawColumn raw = t.column(name);
        int n = raw.size();
        return switch (labelKind) {
            case FLOAT -> {
                RawTable.RawDoubles d = (RawTable.RawDoubles) raw;
                checkNoNulls(t, name, d.nulls());
                yield new DoubleColumn(d.values());
            }
            case INTEGER -> {
                long[] ids = new long[n];
                for (int r = 0; r < n; r++) {
                    ids[r] = integerLabel(t, name, raw, r);
                }
                yield new LongColumn(ids);
            }
            case STRING -> {
                long[] ids = new long[n];
                for (int r = 0; r < n; r++) {
                    ids[r] = stringLabel(t, name, ((RawTable.RawStrings) raw).values()[r], r);
                }
                yield new LongColumn(ids);
            }
            case MULTI_LABEL -> multiLabel(t, name, (RawTable.RawFloatLists) raw);
            case NONE -> throw new IllegalStateException("no label column configured");
        };
    }

    /**
     * Multi-label targets: one 0/1 vector per row, all of one length (the number of label names when given). Soft
     * targets in [0, 1] are accepted, as BCE takes them.
     */
    private FloatListColumn multiLabel(RawTable t, String name, RawTable.RawFloatLists raw) {
        checkNoNulls(t, name, raw.nulls());
        int width = options.labelNames() != null ? options.labelNames().size() : raw.values().length == 0 ? 0 : raw.values()[0].length;
        for (int r = 0; r < raw.values().length; r++) {
            float[] row = raw.values()[r];
            if (row.length != width || width == 0) {
                throw new DataException(t.where(r) + " column '" + name + "': a multi-label target of " + row.length
                        + " values, expected " + (options.labelNames() != null ? width + " (one per label name "
                        + options.labelNames() + ")" : width + " as in the first row"));
            }
            for (float v : row) {
                if (!(v >= 0 && v <= 1)) {
                    throw new DataException(t.where(r) + " column '" + name + "': multi-label target value " + v
                            + " is not in [0, 1]");
                }
            }
        }
        return FloatListColumn.of(raw.values());
    }

    private long integerLabel(RawTable t, String name, RawTable.RawColumn raw, int r) {
        long id;
        if (raw instanceof RawTable.RawLongs l) {
            checkNoNulls(t, name, l.nulls());
            id = l.values()[r];
        } else {
            String v = ((RawTable.RawStrings) raw).values()[r];
            if (v == null) {
                throw new DataException(t.where(r) + " column '" + name + "': missing label");
            }
            id = Long.parseLong(v);
        }
        if (classLabel != null && (id < 0 || id >= classLabel.numClasses())) {
            throw new DataException(t.where(r) + " column '" + name + "': label id " + id + " is out of range for ClassLabel "
                    + classLabel.names() + " (ids 0.." + (classLabel.numClasses() - 1) + ")");
        }
        return id;
    }

    private long stringLabel(RawTable t, String name, String value, int r) {
        int id = value == null ? -1 : classLabel.str2int(value);
        if (id < 0) {
            throw new DataException(t.where(r) + " column '" + name + "': label '" + value
                    + "' is not one of the ClassLabel names " + classLabel.names());
        }
        return id;
    }

    private static void checkNoNulls(RawTable t, String name, java.util.BitSet nulls) {
        if (!nulls.isEmpty()) {
            throw new DataException(t.where(nulls.nextSetBit(0)) + " column '" + name + "': missing label");
        }
    }
}
