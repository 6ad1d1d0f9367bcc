package io.t4j.cli;

import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How labelled text files are read: columns, renames, label names and the tokenization length. */
public final class DataOptions {
    @Option(names = "--text-column", defaultValue = "sentence", description = "The text column (default: ${DEFAULT-VALUE}).")
    public String textColumn;

    @Option(names = "--label-column", defaultValue = "label", description = "The label column (default: ${DEFAULT-VALUE}).")
    public String labelColumn;

    @Option(names = "--rename", paramLabel = "FROM=TO",
            description = "Read column FROM as TO in every file, e.g. --rename content=sentence for SST-2's dev.tsv.")
    public Map<String, String> renames = Map.of();

    @Option(names = "--class-names", split = ",", paramLabel = "NAME",
            description = "Class names in id order (string labels must be among them; integer labels get these names).")
    public List<String> labelNames;

    @Option(names = "--max-length", defaultValue = "128",
            description = "Truncate texts to this many tokens, in training and evaluation alike (HF run_glue's "
                    + "max_seq_length; default: ${DEFAULT-VALUE}).")
    public int maxLength;

    /** The label column's name once loaded: HF's collators read {@code label}/{@code labels}. */
    public static final String LABEL = "label";

    /** Reads {@code --text-column} and {@code --label-column} (renamed to {@code label}), plus the renames. */
    public LoadOptions loadOptions() {
        LoadOptions o = LoadOptions.textClassification(textColumn, LABEL);
        if (!labelColumn.equals(LABEL)) {
            o = o.withRename(labelColumn, LABEL);
        }
        for (var e : renames.entrySet()) {
            o = o.withRename(e.getKey(), e.getValue());
        }
        return labelNames == null ? o : o.withLabelNames(labelNames.toArray(String[]::new));
    }

    /**
     * Loads {@code file} (a path or glob) with its labels as a ClassLabel and tokenizes its text column. Labels are
     * named by {@code --class-names}, else by {@code names} (the training set's, so splits agree), else by the
     * data: sorted distinct strings, or for integer labels 0..n-1 their numbers (as HF's run_classification does).
     */
    public Dataset loadTokenized(String file, PreTrainedTokenizer tokenizer, List<String> names) {
        return load(file, names).tokenize(tokenizer, textColumn, EncodeOptions.defaults().withMaxLength(maxLength));
    }

    /** As {@link #loadTokenized} without the tokenization: texts and ClassLabel ids (what a pipeline takes). */
    public Dataset load(String file, List<String> names) {
        LoadOptions options = loadOptions();
        if (labelNames == null && names != null) {
            options = options.withLabelNames(names.toArray(String[]::new));
        }
        Dataset ds = LoadDataset.fromFiles(file, options);
        if (!(ds.features().get(LABEL) instanceof Feature.ClassLabel)) {
            if (!(ds.column(LABEL) instanceof io.t4j.data.LongColumn)) {
                throw new io.t4j.data.DataException(file + ": label column '" + labelColumn + "' holds "
                        + ds.features().get(LABEL) + " values (a regression target); classification needs integer "
                        + "class ids or class names");
            }
            Feature.ClassLabel ids = integerLabels(ds, file);
            try {
                ds = ds.castToClassLabel(LABEL, ids);
            } catch (io.t4j.data.DataException e) {
                // the loader names the file and line of an id out of range: load again with the names for that message
                LoadDataset.fromFiles(file, options.withLabelNames(ids.names().toArray(String[]::new)));
                throw e;
            }
        }
        return ds;
    }

    private Feature.ClassLabel integerLabels(Dataset ds, String file) {
        long max = java.util.Arrays.stream(ds.longs(LABEL).values()).max().orElse(-1);
        List<String> numbers = java.util.stream.LongStream.rangeClosed(0, max).mapToObj(Long::toString).toList();
        if (numbers.isEmpty()) {
            throw new io.t4j.data.DataException(file + ": no labels in column '" + labelColumn + "'");
        }
        return new Feature.ClassLabel(numbers);
    }
}
