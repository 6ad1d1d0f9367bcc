package io.t4j.cli;

import io.t4j.data.ConllOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How tagged files (CoNLL columns or JSON Lines) are read for token classification, as run_ner.py's arguments. */
public final class TokenDataOptions {
    @Option(names = {"--tag-column", "--label-column-name"}, defaultValue = "ner_tags", paramLabel = "NAME|INDEX",
            description = {"The tag column: a name (CoNLL-2003's columns are tokens pos_tags chunk_tags ner_tags; a "
                    + "2-column file is tokens ner_tags) or a 0-based index (3 is CoNLL-2003's NER column); the key "
                    + "of the tags in JSON Lines (default: ${DEFAULT-VALUE})."})
    public String tagColumn;

    @Option(names = "--column-names", split = ",", paramLabel = "NAME",
            description = "Names of a CoNLL file's columns, token column first (default: by column count, as HF's datasets).")
    public List<String> columnNames;

    @Option(names = "--labels-file", paramLabel = "FILE",
            description = "Label names in id order, one per line (HF's labels.txt); default: the model's labels when it "
                    + "has a token-classification head, else the training data's tags sorted (run_ner's get_label_list).")
    public Path labelsFile;

    /** The CoNLL reading options: the tag column by index when it is a number, else by name. */
    public ConllOptions conllOptions() {
        ConllOptions o = tagColumn.chars().allMatch(Character::isDigit) && !tagColumn.isEmpty()
                ? ConllOptions.tagColumn(Integer.parseInt(tagColumn)) : ConllOptions.tagColumn(tagColumn);
        return columnNames == null ? o : o.withColumnNames(columnNames);
    }

}
