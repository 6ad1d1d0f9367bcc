package io.t4j.data;

import java.util.List;

/**
 * How {@link TokenClassificationData#readConll} reads a CoNLL file: one token per line, whitespace-separated
 * columns with the token first, a blank line between sentences, {@code -DOCSTART-} lines skipped.
 *
 * @param columnNames the names of the columns, token column first; null names them by count as HF's datasets do:
 *     2 columns {@code tokens ner_tags} (WNUT), 3 {@code tokens pos_tags ner_tags} (CoNLL-2002), 4
 *     {@code tokens pos_tags chunk_tags ner_tags} (CoNLL-2003), otherwise {@code tokens column_1 ... ner_tags}
 * @param tagColumn the name of the tag column to read (when {@code tagColumnIndex} is negative)
 * @param tagColumnIndex the 0-based index of the tag column to read, or -1 to go by {@code tagColumn}
 */
public record ConllOptions(List<String> columnNames, String tagColumn, int tagColumnIndex) {
    /** HF's conll2003 column names. */
    public static final List<String> CONLL2003_COLUMNS = List.of("tokens", "pos_tags", "chunk_tags", "ner_tags");

    public ConllOptions {
        columnNames = columnNames == null ? null : List.copyOf(columnNames);
        if (tagColumnIndex < 0 && (tagColumn == null || tagColumn.isBlank())) {
            throw new DataException("a CoNLL tag column needs a name or an index");
        }
        if (tagColumnIndex == 0) {
            throw new DataException("CoNLL column 0 holds the tokens; the tag column is 1 or more");
        }
    }

    /** The last column, named {@code ner_tags} (CoNLL-2003's NER tags). */
    public static ConllOptions defaults() {
        return tagColumn("ner_tags");
    }

    /** The tag column by name ({@code pos_tags}, {@code chunk_tags}, {@code ner_tags}, or one of {@code columnNames}). */
    public static ConllOptions tagColumn(String name) {
        return new ConllOptions(null, name, -1);
    }

    /** The tag column by 0-based index (3 is CoNLL-2003's NER column). */
    public static ConllOptions tagColumn(int index) {
        return new ConllOptions(null, null, index);
    }

    /** These column names instead of the names by count. */
    public ConllOptions withColumnNames(List<String> names) {
        return new ConllOptions(names, tagColumn, tagColumnIndex);
    }

    /** The names of a file with {@code count} columns. */
    List<String> namesFor(int count) {
        if (columnNames != null) {
            return columnNames;
        }
        return switch (count) {
            case 2 -> List.of("tokens", "ner_tags");
            case 3 -> List.of("tokens", "pos_tags", "ner_tags");
            case 4 -> CONLL2003_COLUMNS;
            default -> {
                List<String> names = new java.util.ArrayList<>(List.of("tokens"));
                for (int i = 1; i < count - 1; i++) {
                    names.add("column_" + i);
                }
                names.add("ner_tags");
                yield List.copyOf(names);
            }
        };
    }
}
