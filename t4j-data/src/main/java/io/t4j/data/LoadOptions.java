package io.t4j.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link LoadDataset} keeps from the files: the text column(s) and the label column by name (the arguments
 * a classification notebook passes around HF's {@code load_dataset}), with renames applied first so files that
 * name a column differently ({@code sentence} in train.tsv, {@code content} in dev.tsv) load as one name.
 *
 * @param textColumns required string columns; every value must be non-empty
 * @param labelColumn the label column, or null for unlabelled data
 * @param labelNames ClassLabel names (string labels must be one of them; integer labels must be in range), or
 *     null: string labels then get their sorted distinct values, integer labels stay {@code Value('int64')}
 *     unless the file declares a ClassLabel (HF Parquet metadata)
 * @param renames column renames applied to every file before anything else ({@code "content" -> "sentence"})
 * @param format the file format, or {@link Format#AUTO} to go by extension
 */
public record LoadOptions(List<String> textColumns, String labelColumn, List<String> labelNames,
                          Map<String, String> renames, Format format) {

    /** The file formats {@link LoadDataset} reads, like HF's packaged builders ({@code csv}, {@code json}, {@code parquet}). */
    public enum Format {
        AUTO, CSV, TSV, JSON, PARQUET;

        /** By extension: .csv; .tsv/.tab; .jsonl/.json/.ndjson; .parquet. */
        static Format of(java.nio.file.Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            } else if (name.endsWith(".tsv") || name.endsWith(".tab")) {
                return TSV;
            } else if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
                return JSON;
            } else if (name.endsWith(".parquet")) {
                return PARQUET;
            }
            throw new DataException(file + ": unknown file type (expected .csv, .tsv, .jsonl, .json or .parquet; "
                    + "or give LoadOptions a format)");
        }
    }

    public LoadOptions {
        textColumns = List.copyOf(textColumns);
        labelNames = labelNames == null ? null : List.copyOf(labelNames);
        renames = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(renames));
        if (format == null) {
            throw new DataException("format must be one of " + java.util.Arrays.toString(Format.values()) + ", got null");
        }
    }

    /** Text columns only (unlabelled data, or labels handled later). */
    public static LoadOptions text(String... textColumns) {
        return new LoadOptions(List.of(textColumns), null, null, Map.of(), Format.AUTO);
    }

    /** A single-sentence classification dataset: {@code textColumn} and {@code labelColumn}. */
    public static LoadOptions textClassification(String textColumn, String labelColumn) {
        return new LoadOptions(List.of(textColumn), labelColumn, null, Map.of(), Format.AUTO);
    }

    public LoadOptions withLabel(String column) {
        return new LoadOptions(textColumns, column, labelNames, renames, format);
    }

    public LoadOptions withLabelNames(String... names) {
        return new LoadOptions(textColumns, labelColumn, List.of(names), renames, format);
    }

    /** Adds a rename applied to every file: a column {@code from} is read as {@code to}. */
    public LoadOptions withRename(String from, String to) {
        Map<String, String> all = new LinkedHashMap<>(renames);
        all.put(from, to);
        return new LoadOptions(textColumns, labelColumn, labelNames, all, format);
    }

    public LoadOptions withFormat(Format value) {
        return new LoadOptions(textColumns, labelColumn, labelNames, renames, value);
    }
}
