package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input fails at load with the file, line (or row) and column in the message. */
class BadInputTest {
    static final LoadOptions SST2 = LoadOptions.textClassification("sentence", "label");
    @TempDir Path dir;

    @Test
    void missingFile() {
        assertThatThrownBy(() -> LoadDataset.fromFiles(dir.resolve("nope.tsv").toString(), SST2))
                .isInstanceOf(DataException.class).hasMessage(dir.resolve("nope.tsv") + ": no such file");
        assertThatThrownBy(() -> LoadDataset.fromFiles(dir + "/*.parquet", SST2)).hasMessageContaining("no files match");
    }

    @Test
    void emptyFile() {
        Path empty = Fixtures.write(dir.resolve("empty.csv"), "");
        assertThatThrownBy(() -> LoadDataset.fromFiles(empty.toString(), SST2)).hasMessage(empty + ": the file is empty");
        Path headerOnly = Fixtures.write(dir.resolve("header.csv"), "sentence,label\r\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(headerOnly.toString(), SST2))
                .hasMessageContaining(headerOnly + ": no data rows after the header");
    }

    @Test
    void missingTextOrLabelColumnListsTheColumns() {
        Path dev = Fixtures.sst2Dev(dir);
        assertThatThrownBy(() -> LoadDataset.fromFiles(dev.toString(), SST2))
                .hasMessage(dev + ": no text column 'sentence' (columns: label, content)");
        assertThatThrownBy(() -> LoadDataset.fromFiles(dev.toString(), LoadOptions.textClassification("content", "stars")))
                .hasMessage(dev + ": no label column 'stars' (columns: label, content)");
    }

    @Test
    void unclosedQuoteNamesTheLineWhereItOpened() {
        Path csv = Fixtures.write(dir.resolve("bad.csv"), "sentence,label\nfine,1\n\"never closed,0\nmore,1\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(csv.toString(), SST2))
                .hasMessage(csv + " line 3 column 1: unclosed quote (the quoted field runs to the end of the file)");
    }

    @Test
    void wrongNumberOfFieldsNamesTheLine() {
        Path csv = Fixtures.write(dir.resolve("ragged.csv"), "sentence,label\nfine,1\ntoo,many,fields\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(csv.toString(), SST2))
                .hasMessage(csv + " line 3: 3 fields, but the header has 2 (sentence, label)");
    }

    @Test
    void labelNotInClassLabelNames() {
        Path csv = Fixtures.write(dir.resolve("labels.csv"), "sentence,label\ngood,positive\nmeh,neutral\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(csv.toString(), SST2.withLabelNames("negative", "positive")))
                .hasMessage(csv + " line 3 column 'label': label 'neutral' is not one of the ClassLabel names [negative, positive]");
    }

    @Test
    void labelIdOutOfRange() {
        Path tsv = Fixtures.write(dir.resolve("ids.tsv"), "label\tsentence\n1\tgood\n2\tbad\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2.withLabelNames("negative", "positive")))
                .hasMessage(tsv + " line 3 column 'label': label id 2 is out of range for ClassLabel [negative, positive] (ids 0..1)");
    }

    /** 40 integer labels and one stray cell: the stray is an error at its line, never a third string class. */
    @Test
    void aStrayCellAmongIntegerLabelsIsAnErrorAtItsLine() {
        for (String stray : new String[] {"", "0.5", "pos"}) {
            StringBuilder rows = new StringBuilder("sentence\tlabel\n");
            for (int i = 0; i < 40; i++) {
                rows.append("text ").append(i).append('\t').append(i % 2).append('\n');
            }
            rows.append("the stray\t").append(stray).append('\n').append("after it\t1\n");
            Path tsv = Fixtures.write(dir.resolve("stray.tsv"), rows.toString());
            String expected = stray.isEmpty() ? tsv + " line 42 column 'label': missing label (an empty cell)"
                    : tsv + " line 42 column 'label': label '" + stray + "' is not an integer, unlike the 41 other labels";
            assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2)).as(stray)
                    .isInstanceOf(DataException.class).hasMessageStartingWith(expected);
            // with names given (what t4j eval passes: the model's labels) the same line is blamed, not line 2
            assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2.withLabelNames("negative", "positive")))
                    .as(stray).hasMessageStartingWith(expected);
        }
        Path csv = Fixtures.write(dir.resolve("mostly-names.csv"), "sentence,label\na,pos\nb,neg\nc,pos\nd,1\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(csv.toString(), SST2))
                .hasMessageStartingWith(csv + " line 5 column 'label': label '1' is an integer among 3 string labels");
        Path named = Fixtures.write(dir.resolve("named.csv"), "sentence,label\na,1\nb,2\nc,none\n");
        assertThat(LoadDataset.fromFiles(named.toString(), SST2.withLabelNames("1", "2", "none")).classLabel("label").names())
                .as("a stray value that is a given name is a class").containsExactly("1", "2", "none");
    }

    @Test
    void aDuplicateHeaderColumnIsNamed() {
        Path tsv = Fixtures.write(dir.resolve("dup.tsv"), "sentence\tsentence\tlabel\na\tb\t1\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2))
                .hasMessage(tsv + ": column 'sentence' appears twice in the header (columns 1 and 2)");
    }

    @Test
    void emptyText() {
        Path tsv = Fixtures.write(dir.resolve("empty-text.tsv"), "label\tsentence\r\n1\tgood\r\n0\t \r\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2))
                .hasMessage(tsv + " line 3 column 'sentence': empty text");
        Path jsonl = Fixtures.write(dir.resolve("null-text.jsonl"), "{\"sentence\": \"ok\", \"label\": 1}\n{\"sentence\": null, \"label\": 0}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(jsonl.toString(), SST2))
                .hasMessage(jsonl + " line 2 column 'sentence': empty text");
    }

    @Test
    void nonUtf8Bytes() {
        byte[] latin1 = "label\tsentence\n1\tgood\n0\tcaf\u00e9 is bad\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path tsv = Fixtures.write(dir.resolve("latin1.tsv"), latin1);
        assertThatThrownBy(() -> LoadDataset.fromFiles(tsv.toString(), SST2))
                .hasMessage(tsv + " line 3 column 6 (byte offset 27): not UTF-8 (byte 0xE9); convert the file to UTF-8");
    }

    @Test
    void parquetWithTheWrongSchema() {
        Path wrong = Fixtures.resource("parquet/wrong-schema.parquet");
        assertThatThrownBy(() -> LoadDataset.fromFiles(wrong.toString(), SST2))
                .hasMessage(wrong + ": text column 'sentence' has type int64, expected string (columns: idx, sentence, label)");
        Path notParquet = Fixtures.write(dir.resolve("fake.parquet"), "this is not parquet");
        assertThatThrownBy(() -> LoadDataset.fromFiles(notParquet.toString(), SST2))
                .hasMessageContaining(notParquet + ": not a readable Parquet file");
    }

    @Test
    void malformedJsonLine() {
        Path jsonl = Fixtures.write(dir.resolve("bad.jsonl"), "{\"sentence\": \"ok\", \"label\": 1}\n{\"sentence\": \"oops\" \"label\": 0}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(jsonl.toString(), SST2))
                .hasMessageContaining(jsonl + " line 2 column").hasMessageContaining("not valid JSON");
    }

    @Test
    void splitsMustAgreeOnColumns() {
        Path a = Fixtures.write(dir.resolve("a.csv"), "sentence,label\nx,1\n");
        Path b = Fixtures.write(dir.resolve("b.csv"), "sentence,label,extra\ny,0,z\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(Map.of("train", dir + "/*.csv"), SST2))
                .hasMessageContaining(b + ": columns [sentence, label, extra] differ from " + a);
    }

    @Test
    void unknownHubDatasetAndUnknownFormat() {
        HfCache cache = new HfCache(dir);
        assertThatThrownBy(() -> LoadDataset.fromHub("nobody/nothing", "default", SST2, cache))
                .hasMessageContaining("dataset 'nobody/nothing' is not in the HF cache " + dir);
        Path xml = Fixtures.write(dir.resolve("data.xml"), "<x/>");
        assertThatThrownBy(() -> LoadDataset.fromFiles(xml.toString(), SST2)).hasMessageContaining(xml + ": unknown file type");
    }
}
