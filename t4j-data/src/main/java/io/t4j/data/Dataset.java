package io.t4j.data;

import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * HF datasets' {@code Dataset} ({@code arrow_dataset.py}): named, typed, immutable columns with the same number of
 * rows. Every operation returns a new Dataset (columns are shared where unchanged) with a new fingerprint.
 */
public final class Dataset {
    /** Rows per tokenizer call in {@link #tokenize}. */
    static final int ENCODE_CHUNK = 16_384;
    private final Features features;
    private final Map<String, Column> columns;
    private final int numRows;
    private final String fingerprint;
    private final List<String> format;

    Dataset(Features features, Map<String, Column> columns, String fingerprint, List<String> format) {
        this.features = features;
        this.columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        this.numRows = columns.isEmpty() ? 0 : columns.values().iterator().next().size();
        this.fingerprint = fingerprint;
        this.format = format;
        for (var e : columns.entrySet()) {
            if (e.getValue().size() != numRows) {
                throw new DataException("column '" + e.getKey() + "' has " + e.getValue().size() + " rows, expected " + numRows);
            }
        }
    }

    /** HF's {@code Dataset.from_dict}: columns with their features (a missing feature takes the column's default). */
    public static Dataset fromColumns(Map<String, Column> columns, Map<String, Feature> features) {
        Map<String, Feature> all = new LinkedHashMap<>();
        columns.forEach((name, column) -> all.put(name, features.getOrDefault(name, column.defaultFeature())));
        Fingerprint fp = new Fingerprint().add("from_columns");
        columns.forEach((name, column) -> {
            fp.add(name).add(all.get(name).toString());
            column.hashInto(fp);
        });
        return new Dataset(new Features(all), columns, fp.shortHex(), null);
    }

    public Features features() {
        return features;
    }

    /** HF's {@code column_names}. */
    public List<String> columnNames() {
        return List.copyOf(columns.keySet());
    }

    /** HF's {@code num_rows}. */
    public int numRows() {
        return numRows;
    }

    /** HF's {@code _fingerprint}: a hash of the data and of the operations that made it. */
    public String fingerprint() {
        return fingerprint;
    }

    public Column column(String name) {
        Column c = columns.get(name);
        if (c == null) {
            throw new DataException("no column '" + name + "' (columns: " + String.join(", ", columns.keySet()) + ")");
        }
        return c;
    }

    public boolean hasColumn(String name) {
        return columns.containsKey(name);
    }

    public StringColumn strings(String name) {
        return as(name, StringColumn.class);
    }

    public LongColumn longs(String name) {
        return as(name, LongColumn.class);
    }

    public DoubleColumn doubles(String name) {
        return as(name, DoubleColumn.class);
    }

    public TokenColumn tokens(String name) {
        return as(name, TokenColumn.class);
    }

    /** A list-of-strings column ({@code Sequence(Value('string'))}, e.g. CoNLL's {@code tokens}). */
    public StringListColumn stringLists(String name) {
        return as(name, StringListColumn.class);
    }

    /** The ClassLabel of a column, or null when the column is not a ClassLabel. */
    public FloatListColumn floatLists(String name) {
        return as(name, FloatListColumn.class);
    }

    public Feature.ClassLabel classLabel(String name) {
        column(name);
        return features.get(name) instanceof Feature.ClassLabel c ? c : null;
    }

    /** HF's {@code select(indices)}: rows in the given order (indices may repeat). */
    public Dataset select(int... indices) {
        for (int i : indices) {
            if (i < 0 || i >= numRows) {
                throw new DataException("index " + i + " is out of range for a dataset of " + numRows + " rows");
            }
        }
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((name, column) -> out.put(name, column.select(indices)));
        Fingerprint fp = new Fingerprint().add(fingerprint).add("select").add(indices.length);
        for (int i : indices) {
            fp.add(i);
        }
        return new Dataset(features, out, fp.shortHex(), format);
    }

    /** HF's {@code select(range(start, end))}. */
    public Dataset selectRange(int start, int end) {
        return select(IntStream.range(start, end).toArray());
    }

    /** HF's {@code take(n)}: the first {@code n} rows. */
    public Dataset take(int n) {
        return selectRange(0, Math.min(n, numRows));
    }

    /** HF's {@code shuffle(seed=...)}: a permutation from {@link Seeded}, the same on every machine. */
    public Dataset shuffle(long seed) {
        return select(Seeded.permutation(numRows, seed));
    }

    /** HF's {@code filter(function)}: the rows for which {@code keep} is true. */
    public Dataset filter(Predicate<Row> keep) {
        int[] kept = IntStream.range(0, numRows).filter(i -> keep.test(new Row(this, i))).toArray();
        return select(kept);
    }

    /**
     * HF's {@code map(function, batched=True, batch_size=...)}: {@code function} gets a slice of at most
     * {@code batchSize} rows and returns new or replaced columns for those rows. Slices run in parallel on all
     * cores (HF's {@code num_proc}); results keep row order. A Java lambda cannot be hashed, so the result gets a
     * random fingerprint, as HF gives functions it cannot hash.
     */
    public Dataset map(int batchSize, Function<Dataset, Map<String, Column>> function) {
        int chunks = (numRows + batchSize - 1) / batchSize;
        List<Map<String, Column>> results = IntStream.range(0, chunks).parallel()
                .mapToObj(c -> function.apply(selectRange(c * batchSize, Math.min(numRows, (c + 1) * batchSize))))
                .toList();
        Map<String, Column> added = new LinkedHashMap<>();
        if (!results.isEmpty()) {
            for (String name : results.getFirst().keySet()) {
                added.put(name, Column.concat(results.stream().map(r -> columnOf(r, name)).toList()));
            }
        }
        return withColumns(added, new Fingerprint().add(fingerprint).add("map").add(UUID.randomUUID().toString()).shortHex());
    }

    /**
     * The HF idiom {@code dataset.map(lambda b: tokenizer(b[textColumn], **options), batched=True)}: adds
     * {@code input_ids}, {@code attention_mask} and (when the tokenizer returns them) {@code token_type_ids} as
     * compact {@link TokenColumn}s. Results are cached on disk by a fingerprint of this dataset, the tokenizer files
     * and the options ({@link TokenizationCache}), so a second run does not re-tokenize.
     */
    public Dataset tokenize(PreTrainedTokenizer tokenizer, String textColumn, EncodeOptions options) {
        return tokenize(tokenizer, textColumn, null, options);
    }

    /** As {@link #tokenize(PreTrainedTokenizer, String, EncodeOptions)} for sentence pairs (MRPC, MNLI style). */
    public Dataset tokenize(PreTrainedTokenizer tokenizer, String textColumn, String textPairColumn, EncodeOptions options) {
        if (options.returnOverflowingTokens()) {
            throw new DataException("tokenize keeps one row per example, so it cannot return overflowing windows; "
                    + "encode with the tokenizer (EncodeOptions.withReturnOverflowingTokens) and build the rows from "
                    + "BatchEncoding.overflowToSampleMapping()");
        }
        strings(textColumn);
        if (textPairColumn != null) {
            strings(textPairColumn);
        }
        String key = TokenizationCache.key(this, tokenizer, textColumn, textPairColumn, options);
        Map<String, Column> tokenized = TokenizationCache.load(key, numRows);
        if (tokenized == null) {
            tokenized = encode(tokenizer, textColumn, textPairColumn, options);
            TokenizationCache.save(key, tokenized);
        }
        return withColumns(tokenized, key.substring(0, 16));
    }

    /** HF's {@code rename_column}. */
    public Dataset renameColumn(String original, String newName) {
        column(original);
        if (columns.containsKey(newName)) {
            throw new DataException("cannot rename '" + original + "' to '" + newName + "': the column exists");
        }
        Map<String, Column> out = new LinkedHashMap<>();
        Map<String, Feature> feats = new LinkedHashMap<>();
        columns.forEach((name, c) -> {
            String target = name.equals(original) ? newName : name;
            out.put(target, c);
            feats.put(target, features.get(name));
        });
        List<String> newFormat = format == null ? null : format.stream().map(f -> f.equals(original) ? newName : f).toList();
        return new Dataset(new Features(feats), out, derived("rename_column", original, newName), newFormat);
    }

    /** HF's {@code remove_columns}. */
    public Dataset removeColumns(String... names) {
        for (String n : names) {
            column(n);
        }
        List<String> removed = List.of(names);
        return keep(columnNames().stream().filter(n -> !removed.contains(n)).toList(), "remove_columns");
    }

    /** HF's {@code select_columns}. */
    public Dataset selectColumns(String... names) {
        for (String n : names) {
            column(n);
        }
        return keep(List.of(names), "select_columns");
    }

    /**
     * HF's {@code with_format("torch", columns=[...])}: the columns a {@link DataCollatorWithPadding} reads from
     * this dataset; the others stay available to {@link #column}.
     */
    public Dataset withFormat(String... formatColumns) {
        for (String n : formatColumns) {
            column(n);
        }
        return new Dataset(features, columns, derived("with_format", formatColumns), List.of(formatColumns));
    }

    /** The columns selected by {@link #withFormat}, or all columns. */
    public List<String> formatColumns() {
        return format == null ? columnNames() : format;
    }

    /**
     * HF's {@code class_encode_column}: a string column becomes a ClassLabel with its sorted distinct values
     * (integers in a string column sort numerically).
     */
    public Dataset classEncodeColumn(String name) {
        String[] values = strings(name).values();
        Feature.ClassLabel label = Labels.sortedClassLabel(List.of(values));
        long[] ids = new long[values.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = label.str2int(values[i]);
        }
        Map<String, Column> out = new LinkedHashMap<>(columns);
        out.put(name, new LongColumn(ids));
        Map<String, Feature> feats = new LinkedHashMap<>(features.byName());
        feats.put(name, label);
        return new Dataset(new Features(feats), out, derived("class_encode_column", name), format);
    }

    /**
     * HF's {@code cast_column(name, ClassLabel(names=...))} for an integer column: the ids stay, the column gains
     * label names. Every id must be in {@code [0, names.size())}; the error names the first row that is not.
     */
    public Dataset castToClassLabel(String name, Feature.ClassLabel label) {
        long[] ids = longs(name).values();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= label.names().size()) {
                throw new DataException("column '" + name + "' row " + i + ": label id " + ids[i]
                        + " is out of range for ClassLabel " + label.names());
            }
        }
        Map<String, Feature> feats = new LinkedHashMap<>(features.byName());
        feats.put(name, label);
        return new Dataset(new Features(feats), columns, derived("cast_column", name, label.names().toString()), format);
    }

    /**
     * HF's {@code train_test_split(test_size=..., seed=..., stratify_by_column=...)}: {@code testSize} is a fraction
     * in (0, 1) (the test split gets {@code ceil(testSize * n)} rows, as HF) or a row count when >= 1. With a
     * stratify column (a ClassLabel or integer column) each class keeps its share in both splits.
     */
    public DatasetDict trainTestSplit(double testSize, long seed, String stratifyByColumn) {
        int nTest = testSize < 1 ? (int) Math.ceil(testSize * numRows) : (int) testSize;
        if (testSize <= 0 || nTest >= numRows || nTest == 0) {
            throw new DataException("test_size " + testSize + " leaves no rows in one split of a dataset of " + numRows + " rows");
        }
        int[][] split = stratifyByColumn == null ? Splits.random(numRows, nTest, seed)
                : Splits.stratified(longs(stratifyByColumn).values(), nTest, seed);
        Map<String, Dataset> out = new LinkedHashMap<>();
        out.put("train", select(split[0]));
        out.put("test", select(split[1]));
        return new DatasetDict(out);
    }

    /** As {@link #trainTestSplit(double, long, String)} without stratification. */
    public DatasetDict trainTestSplit(double testSize, long seed) {
        return trainTestSplit(testSize, seed, null);
    }

    /** HF's {@code repr(dataset)}. */
    @Override
    public String toString() {
        return repr("");
    }

    String repr(String indent) {
        StringBuilder names = new StringBuilder();
        for (String n : columns.keySet()) {
            names.append(names.isEmpty() ? "" : ", ").append('\'').append(n).append('\'');
        }
        return "Dataset({\n" + indent + "    features: [" + names + "],\n" + indent + "    num_rows: " + numRows + "\n" + indent + "})";
    }

    /**
     * Batch-encodes in chunks of {@link #ENCODE_CHUNK} rows (HF's Rust tokenizer parallelises each chunk across
     * cores; chunking bounds the native memory one call holds) and packs the results into TokenColumns.
     */
    private Map<String, Column> encode(PreTrainedTokenizer tokenizer, String textColumn, String pairColumn, EncodeOptions options) {
        List<String> texts = strings(textColumn).asList();
        List<String> pairs = pairColumn == null ? null : strings(pairColumn).asList();
        List<Column> ids = new ArrayList<>();
        List<Column> types = new ArrayList<>();
        List<Column> masks = new ArrayList<>();
        for (int start = 0; start < numRows; start += ENCODE_CHUNK) {
            int end = Math.min(numRows, start + ENCODE_CHUNK);
            BatchEncoding enc = pairs == null ? tokenizer.encode(texts.subList(start, end), options)
                    : tokenizer.encodePairs(texts.subList(start, end), pairs.subList(start, end), options);
            TokenColumn chunkIds = TokenColumn.of(enc.inputIds());
            ids.add(chunkIds);
            if (enc.tokenTypeIds() != null) {
                types.add(TokenColumn.of(enc.tokenTypeIds()));
            }
            boolean padded = options.padding() != io.t4j.tokenizers.Padding.DO_NOT_PAD;
            masks.add(padded ? TokenColumn.of(enc.attentionMask()) : TokenColumn.onesLike(chunkIds));
        }
        Map<String, Column> out = new LinkedHashMap<>();
        out.put("input_ids", Column.concat(ids));
        if (!types.isEmpty()) {
            out.put("token_type_ids", Column.concat(types));
        }
        out.put("attention_mask", Column.concat(masks));
        return out;
    }

    /** This dataset with {@code added} columns (new or replacing), fingerprinted by {@code operation}. */
    Dataset withAddedColumns(Map<String, Column> added, String operation) {
        return withColumns(added, derived(operation));
    }

    private Dataset withColumns(Map<String, Column> added, String newFingerprint) {
        Map<String, Column> out = new LinkedHashMap<>(columns);
        Map<String, Feature> feats = new LinkedHashMap<>(features.byName());
        added.forEach((name, c) -> {
            out.put(name, c);
            feats.put(name, c.defaultFeature());
        });
        return new Dataset(new Features(feats), out, newFingerprint, format);
    }

    private Dataset keep(List<String> names, String op) {
        Map<String, Column> out = new LinkedHashMap<>();
        Map<String, Feature> feats = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, columns.get(n));
            feats.put(n, features.get(n));
        }
        List<String> newFormat = format == null ? null : format.stream().filter(names::contains).toList();
        return new Dataset(new Features(feats), out, derived(op, names.toArray(String[]::new)), newFormat);
    }

    private String derived(String op, String... args) {
        Fingerprint fp = new Fingerprint().add(fingerprint).add(op);
        for (String a : args) {
            fp.add(a);
        }
        return fp.shortHex();
    }

    private <C extends Column> C as(String name, Class<C> type) {
        Column c = column(name);
        if (!type.isInstance(c)) {
            throw new DataException("column '" + name + "' is " + features.get(name) + ", not a " + type.getSimpleName());
        }
        return type.cast(c);
    }

    private static Column columnOf(Map<String, Column> result, String name) {
        Column c = result.get(name);
        if (c == null) {
            throw new DataException("map function returned no column '" + name + "' for one batch (it did for the first)");
        }
        return c;
    }

    /** One row, for {@link #filter}: typed getters by column name. */
    public record Row(Dataset dataset, int index) {
        public String string(String column) {
            return dataset.strings(column).get(index);
        }

        public long longValue(String column) {
            return dataset.longs(column).get(index);
        }

        public double doubleValue(String column) {
            return dataset.doubles(column).get(index);
        }

        public int[] tokens(String column) {
            return dataset.tokens(column).row(index);
        }
    }
}
