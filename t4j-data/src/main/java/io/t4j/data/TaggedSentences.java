package io.t4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sentences of a token-classification file as read (CoNLL or JSON Lines), before their tags become label ids:
 * the words, the tags as strings or as ids, and the line each sentence starts on, so label errors can name the
 * file, line and value. {@link #toDataset} makes the HF-style {@link Dataset}.
 *
 * @param tagColumn the name of the tag column ({@code ner_tags})
 * @param tags the tags as strings, or null when the file gives ids
 * @param tagIds the tags as label ids (JSON Lines with integers), or null
 * @param lines the 1-based line each sentence starts on
 * @param linePerToken true for CoNLL (token {@code k} of a sentence is on line {@code lines[s] + k})
 */
public record TaggedSentences(Path file, String tagColumn, List<String[]> tokens, List<String[]> tags,
                              List<int[]> tagIds, int[] lines, boolean linePerToken) {
    public TaggedSentences {
        tokens = List.copyOf(tokens);
        tags = tags == null ? null : List.copyOf(tags);
        tagIds = tagIds == null ? null : List.copyOf(tagIds);
        if ((tags == null) == (tagIds == null)) {
            throw new IllegalArgumentException("tags come as strings or as ids, exactly one of them");
        }
        if (lines.length != tokens.size() || (tags != null ? tags.size() : tagIds.size()) != tokens.size()) {
            throw new IllegalArgumentException("one line number and one tag list per sentence");
        }
    }

    /** The number of sentences. */
    public int size() {
        return tokens.size();
    }

    /** The number of words in all sentences. */
    public long words() {
        return tokens.stream().mapToLong(t -> t.length).sum();
    }

    /** True when the tags are label ids (JSON Lines with integers), which need label names from elsewhere. */
    public boolean hasTagIds() {
        return tagIds != null;
    }

    /** "file line 17": where sentence {@code sentence} starts. */
    public String where(int sentence) {
        return file + " line " + lines[sentence];
    }

    /** Where token {@code token} of sentence {@code sentence} is. */
    public String where(int sentence, int token) {
        return linePerToken ? file + " line " + (lines[sentence] + token) : where(sentence) + " (word " + token + ")";
    }

    /** The distinct tags, sorted as HF's run_ner {@code get_label_list} sorts them (string order). */
    public TreeSet<String> distinctTags() {
        if (tags == null) {
            throw new DataException(file + ": " + tagColumn + " holds label ids, not names; give the label names "
                    + "(a labels.txt file, one per line)");
        }
        TreeSet<String> set = new TreeSet<>();
        tags.forEach(t -> set.addAll(List.of(t)));
        return set;
    }

    /**
     * HF's dataset for this file: {@code tokens} ({@code Sequence(Value('string'))}) and the tag column as label ids
     * ({@code Sequence(ClassLabel(names=labels))}). A tag that is not a label name, or an id out of range, fails
     * naming the file, line and value.
     */
    public Dataset toDataset(Feature.ClassLabel labels) {
        List<int[]> ids = new ArrayList<>(size());
        for (int s = 0; s < size(); s++) {
            ids.add(tags != null ? namesToIds(s, labels) : checkIds(s, labels));
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put(TokenClassificationData.TOKENS, StringListColumn.of(tokens));
        columns.put(tagColumn, TokenColumn.of(ids.toArray(int[][]::new)));
        return Dataset.fromColumns(columns, Map.of(tagColumn, new Feature.Sequence(labels)));
    }

    private int[] namesToIds(int s, Feature.ClassLabel labels) {
        String[] row = tags.get(s);
        int[] out = new int[row.length];
        for (int k = 0; k < row.length; k++) {
            out[k] = labels.str2int(row[k]);
            if (out[k] < 0) {
                throw new DataException(where(s, k) + ": tag '" + row[k] + "' (word '" + tokens.get(s)[k]
                        + "') is not in the label list " + labels.names());
            }
        }
        return out;
    }

    private int[] checkIds(int s, Feature.ClassLabel labels) {
        int[] row = tagIds.get(s);
        for (int k = 0; k < row.length; k++) {
            if (row[k] < 0 || row[k] >= labels.numClasses()) {
                throw new DataException(where(s, k) + ": " + tagColumn + " label id " + row[k] + " (word '"
                        + tokens.get(s)[k] + "') is out of range for the " + labels.numClasses() + " labels "
                        + labels.names() + " (ids 0.." + (labels.numClasses() - 1) + ")");
            }
        }
        return row.clone();
    }
}
