package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoNLL and JSON Lines NER files, label lists, and run_ner's tokenize_and_align_labels on the bge-small tokenizer
 * fixture (HF's BertTokenizerFast ids: "secretions" is secret ##ions, 3595 8496).
 */
class TokenClassificationDataTest {
    static final int IGNORE = TokenClassificationData.IGNORE_INDEX;
    static final Feature.ClassLabel CONLL = new Feature.ClassLabel(
            List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"));
    static final String CONLL_TEXT = "-DOCSTART- -X- -X- O\r\n"
            + "\r\n"
            + "EU NNP B-NP B-ORG\r\n"
            + "rejects VBZ B-VP O\r\n"
            + "German JJ B-NP B-MISC \r\n"
            + "call NN I-NP O\r\n"
            + "\r\n"
            + "Peter NNP B-NP B-PER\r\n"
            + "Blackburn NNP I-NP I-PER\r\n"
            + "\r\n"
            + "\r\n"
            + "-DOCSTART- -X- -X- O\r\n"
            + "BRUSSELS\tNNP\tB-NP\tB-LOC\r\n";
    @TempDir Path dir;
    static PreTrainedTokenizer bge;

    @BeforeAll
    static void load() {
        bge = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer());
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void readsConllSentencesSkippingDocstartAndBlankLines() {
        Path file = Fixtures.write(dir.resolve("train.txt"), CONLL_TEXT);
        TaggedSentences s = TokenClassificationData.readConll(file, ConllOptions.defaults());
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.tagColumn()).isEqualTo("ner_tags");
        assertThat(s.tokens().get(0)).containsExactly("EU", "rejects", "German", "call");
        assertThat(s.tags().get(0)).containsExactly("B-ORG", "O", "B-MISC", "O");
        assertThat(s.tokens().get(1)).containsExactly("Peter", "Blackburn");
        assertThat(s.tokens().get(2)).containsExactly("BRUSSELS"); // tab-separated, after a -DOCSTART- with no blank line
        assertThat(s.lines()).containsExactly(3, 8, 13);
        assertThat(s.where(0, 2)).endsWith("train.txt line 5");
        assertThat(s.words()).isEqualTo(7);

        TaggedSentences pos = TokenClassificationData.readConll(file, ConllOptions.tagColumn("pos_tags"));
        assertThat(pos.tags().get(0)).containsExactly("NNP", "VBZ", "JJ", "NN");
        TaggedSentences chunks = TokenClassificationData.readConll(file, ConllOptions.tagColumn(2));
        assertThat(chunks.tagColumn()).isEqualTo("chunk_tags");
        assertThat(chunks.tags().get(1)).containsExactly("B-NP", "I-NP");
        TaggedSentences named = TokenClassificationData.readConll(file,
                ConllOptions.tagColumn("ner").withColumnNames(List.of("word", "pos", "chunk", "ner")));
        assertThat(named.tags().get(2)).containsExactly("B-LOC");

        Path two = Fixtures.write(dir.resolve("wnut.conll"), "@paulwalk\tO\nIt\tO\n\nEmpire\tB-location\n");
        TaggedSentences wnut = TokenClassificationData.readConll(two, ConllOptions.defaults());
        assertThat(wnut.tags().get(1)).containsExactly("B-location");
        assertThat(TokenClassificationData.read(two, ConllOptions.defaults()).size()).isEqualTo(2);
    }

    @Test
    void badConllFilesFailNamingFileLineAndValue() {
        Path short3 = Fixtures.write(dir.resolve("bad.txt"), "EU NNP B-NP B-ORG\nrejects VBZ O\n");
        assertThatThrownBy(() -> TokenClassificationData.readConll(short3, ConllOptions.defaults()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad.txt line 2: expected 4 columns (as on line 1), found 3: 'rejects VBZ O'");
        Path empty = Fixtures.write(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> TokenClassificationData.readConll(empty, ConllOptions.defaults()))
                .hasMessageContaining("empty.txt: the file is empty");
        Path docOnly = Fixtures.write(dir.resolve("doc.txt"), "-DOCSTART- -X- -X- O\n\n");
        assertThatThrownBy(() -> TokenClassificationData.readConll(docOnly, ConllOptions.defaults()))
                .hasMessageContaining("doc.txt: no sentences");
        Path file = Fixtures.write(dir.resolve("train.txt"), CONLL_TEXT);
        assertThatThrownBy(() -> TokenClassificationData.readConll(file, ConllOptions.tagColumn("labels")))
                .hasMessageContaining("no tag column 'labels' in a file of 4 columns [tokens, pos_tags, chunk_tags, ner_tags]");
        assertThatThrownBy(() -> TokenClassificationData.readConll(file, ConllOptions.tagColumn(4)))
                .hasMessageContaining("no tag column at index 4");
        assertThatThrownBy(() -> ConllOptions.tagColumn(0)).hasMessageContaining("column 0 holds the tokens");
        Path one = Fixtures.write(dir.resolve("one.txt"), "EU\n");
        assertThatThrownBy(() -> TokenClassificationData.readConll(one, ConllOptions.defaults()))
                .hasMessageContaining("one.txt line 1: a CoNLL line needs a token and a tag column");
    }

    @Test
    void readsJsonLinesWithIdsOrStrings() {
        Path ids = Fixtures.write(dir.resolve("train.jsonl"),
                "{\"id\": \"0\", \"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [3, 0]}\n\n{\"tokens\": [\"Peter\"], \"ner_tags\": [1]}\n");
        TaggedSentences s = TokenClassificationData.readJsonl(ids, "tokens", "ner_tags");
        assertThat(s.hasTagIds()).isTrue();
        assertThat(s.tagIds().get(0)).containsExactly(3, 0);
        assertThat(s.lines()).containsExactly(1, 3);
        Dataset d = s.toDataset(CONLL);
        assertThat(d.tokens("ner_tags").row(1)).containsExactly(1);
        assertThat(TokenClassificationData.read(ids, ConllOptions.defaults()).size()).isEqualTo(2);
        assertThatThrownBy(() -> TokenClassificationData.labelListFromData(s))
                .hasMessageContaining("holds label ids, not names");

        Path names = Fixtures.write(dir.resolve("names.jsonl"), "{\"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [\"B-ORG\", \"O\"]}\n");
        TaggedSentences n = TokenClassificationData.readJsonl(names, "tokens", "ner_tags");
        assertThat(n.tags().get(0)).containsExactly("B-ORG", "O");
        assertThat(n.toDataset(CONLL).tokens("ner_tags").row(0)).containsExactly(3, 0);
    }

    @Test
    void badJsonLinesFailNamingLineAndField() {
        Path lengths = Fixtures.write(dir.resolve("a.jsonl"), "{\"tokens\": [\"EU\"], \"ner_tags\": [3]}\n{\"tokens\": [\"EU\", \"x\"], \"ner_tags\": [3]}\n");
        assertThatThrownBy(() -> TokenClassificationData.readJsonl(lengths, "tokens", "ner_tags"))
                .hasMessageContaining("a.jsonl line 2: 2 tokens but 1 ner_tags");
        Path mixed = Fixtures.write(dir.resolve("b.jsonl"), "{\"tokens\": [\"EU\"], \"ner_tags\": [3]}\n{\"tokens\": [\"EU\"], \"ner_tags\": [\"O\"]}\n");
        assertThatThrownBy(() -> TokenClassificationData.readJsonl(mixed, "tokens", "ner_tags"))
                .hasMessageContaining("b.jsonl line 2: ner_tags are strings but on line 1 they are label ids");
        Path missing = Fixtures.write(dir.resolve("c.jsonl"), "{\"words\": [\"EU\"], \"ner_tags\": [3]}\n");
        assertThatThrownBy(() -> TokenClassificationData.readJsonl(missing, "tokens", "ner_tags"))
                .hasMessageContaining("c.jsonl line 1: no 'tokens' list (keys: words, ner_tags)");
        Path empty = Fixtures.write(dir.resolve("d.jsonl"), "{\"tokens\": [], \"ner_tags\": []}\n");
        assertThatThrownBy(() -> TokenClassificationData.readJsonl(empty, "tokens", "ner_tags"))
                .hasMessageContaining("d.jsonl line 1: 'tokens' is empty");
        Path number = Fixtures.write(dir.resolve("e.jsonl"), "{\"tokens\": [\"EU\", 7], \"ner_tags\": [3, 0]}\n");
        assertThatThrownBy(() -> TokenClassificationData.readJsonl(number, "tokens", "ner_tags"))
                .hasMessageContaining("e.jsonl line 1: tokens[1] is 7, expected a string");
    }

    @Test
    void labelListsFromAFileOrFromTheData() {
        Path labels = Fixtures.write(dir.resolve("labels.txt"), "O\nB-PER\nI-PER\n\nB-ORG\nI-ORG\n");
        assertThat(TokenClassificationData.readLabelList(labels).names()).containsExactly("O", "B-PER", "I-PER", "B-ORG", "I-ORG");
        Path twice = Fixtures.write(dir.resolve("twice.txt"), "O\nB-PER\nO\n");
        assertThatThrownBy(() -> TokenClassificationData.readLabelList(twice))
                .hasMessageContaining("twice.txt line 3: label 'O' is already on line 1");
        Path none = Fixtures.write(dir.resolve("none.txt"), "\n\n \n");
        assertThatThrownBy(() -> TokenClassificationData.readLabelList(none)).hasMessageContaining("none.txt: the file is empty");

        TaggedSentences train = TokenClassificationData.readConll(Fixtures.write(dir.resolve("train.txt"), CONLL_TEXT),
                ConllOptions.defaults());
        // HF run_ner's get_label_list: sorted unique tags
        assertThat(TokenClassificationData.labelListFromData(train).names())
                .containsExactly("B-LOC", "B-MISC", "B-ORG", "B-PER", "I-PER", "O");
    }

    @Test
    void tagsOutsideTheLabelListFailNamingFileLineAndValue() {
        TaggedSentences train = TokenClassificationData.readConll(Fixtures.write(dir.resolve("train.txt"), CONLL_TEXT),
                ConllOptions.defaults());
        Feature.ClassLabel noMisc = new Feature.ClassLabel(List.of("O", "B-PER", "I-PER", "B-ORG", "B-LOC"));
        assertThatThrownBy(() -> train.toDataset(noMisc)).isInstanceOf(DataException.class)
                .hasMessageContaining("train.txt line 5: tag 'B-MISC' (word 'German') is not in the label list");
        Path ids = Fixtures.write(dir.resolve("ids.jsonl"), "{\"tokens\": [\"EU\"], \"ner_tags\": [3]}\n{\"tokens\": [\"EU\", \"x\"], \"ner_tags\": [0, 9]}\n");
        TaggedSentences s = TokenClassificationData.readJsonl(ids, "tokens", "ner_tags");
        assertThatThrownBy(() -> s.toDataset(CONLL))
                .hasMessageContaining("ids.jsonl line 2 (word 1): ner_tags label id 9 (word 'x') is out of range for the 9 labels");
    }

    @Test
    void sentencesBecomeADatasetOfWordListsAndClassLabelSequences() {
        TaggedSentences train = TokenClassificationData.readConll(Fixtures.write(dir.resolve("train.txt"), CONLL_TEXT),
                ConllOptions.defaults());
        Dataset d = train.toDataset(CONLL);
        assertThat(d.columnNames()).containsExactly("tokens", "ner_tags");
        assertThat(d.features().toString()).isEqualTo("{'tokens': Sequence(feature=Value('string')), 'ner_tags': "
                + "Sequence(feature=ClassLabel(names=['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC']))}");
        assertThat(d.tokens("ner_tags").row(0)).containsExactly(3, 0, 7, 0);
        assertThat(TokenClassificationData.labelFeature(d, "ner_tags")).isEqualTo(CONLL);
        assertThatThrownBy(() -> TokenClassificationData.labelFeature(d, "tokens")).hasMessageContaining("not a Sequence(ClassLabel)");

        Dataset picked = d.select(2, 0);
        assertThat(picked.stringLists("tokens").row(0)).containsExactly("BRUSSELS");
        assertThat(picked.stringLists("tokens").row(1)).containsExactly("EU", "rejects", "German", "call");
        assertThat(picked.tokens("ner_tags").row(1)).containsExactly(3, 0, 7, 0);
        assertThat(picked.fingerprint()).isNotEqualTo(d.fingerprint());
        Column both = Column.concat(List.of(d.column("tokens"), picked.column("tokens")));
        assertThat(((StringListColumn) both).row(4)).containsExactly("EU", "rejects", "German", "call");
        assertThat(d.shuffle(1).numRows()).isEqualTo(3);
    }

    static Dataset sentences(List<List<String>> words, List<int[]> tags) {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("tokens", StringListColumn.of(words.stream().map(w -> w.toArray(String[]::new)).toList()));
        columns.put("ner_tags", TokenColumn.of(tags.toArray(int[][]::new)));
        return Dataset.fromColumns(columns, Map.of("ner_tags", new Feature.Sequence(CONLL)));
    }

    @Test
    void firstSubTokenGetsTheWordsLabelTheOthersMinus100() {
        Dataset d = sentences(List.of(List.of("hide", "new", "secretions"), List.of("EU", "rejects")),
                List.of(new int[] {0, 7, 8}, new int[] {3, 0}));
        AlignedDataset aligned = TokenClassificationData.tokenizeAndAlignLabels(d, bge, AlignOptions.defaults());
        Dataset out = aligned.dataset();
        assertThat(out.columnNames()).containsExactly("tokens", "ner_tags", "input_ids", "token_type_ids", "attention_mask", "labels");
        assertThat(out.tokens("input_ids").row(0)).containsExactly(101, 5342, 2047, 3595, 8496, 102);
        assertThat(out.tokens("labels").row(0)).containsExactly(IGNORE, 0, 7, 8, IGNORE, IGNORE);
        assertThat(out.tokens("attention_mask").row(0)).containsOnly(1).hasSize(6);
        assertThat(out.tokens("token_type_ids").row(0)).containsOnly(0).hasSize(6);
        assertThat(aligned.report()).isEqualTo(new AlignmentReport(2, 5, 0, 0, 0, 512));

        // label_all_tokens: the other sub-tokens get the label too, B- turned into I- (b_to_i_label)
        Dataset b = sentences(List.of(List.of("hide", "secretions")), List.of(new int[] {0, 7}));
        Dataset all = TokenClassificationData.tokenizeAndAlignLabels(b, bge, AlignOptions.defaults().withLabelAllTokens(true)).dataset();
        assertThat(all.tokens("labels").row(0)).containsExactly(IGNORE, 0, 7, 8, IGNORE);
        Dataset i = sentences(List.of(List.of("secretions")), List.of(new int[] {8}));
        assertThat(TokenClassificationData.tokenizeAndAlignLabels(i, bge, AlignOptions.defaults().withLabelAllTokens(true))
                .dataset().tokens("labels").row(0)).containsExactly(IGNORE, 8, 8, IGNORE);
        assertThat(TokenClassificationData.bToILabel(CONLL.names())).containsExactly(0, 2, 2, 4, 4, 6, 6, 8, 8);
        assertThat(TokenClassificationData.bToILabel(List.of("O", "B-X", "I-Y"))).containsExactly(0, 1, 2);
    }

    @Test
    void truncationIsCountedAndReportedNeverSilent() {
        // hide new secret ##ions from the parental units: 8 tokens for 7 words
        Dataset d = sentences(List.of(List.of("hide", "new", "secretions", "from", "the", "parental", "units"), List.of("EU")),
                List.of(new int[] {0, 0, 7, 0, 0, 5, 6}, new int[] {3}));
        AlignedDataset six = TokenClassificationData.tokenizeAndAlignLabels(d, bge, AlignOptions.defaults().withMaxSeqLength(6));
        assertThat(six.dataset().tokens("input_ids").row(0)).containsExactly(101, 5342, 2047, 3595, 8496, 102);
        assertThat(six.dataset().tokens("labels").row(0)).containsExactly(IGNORE, 0, 0, 7, IGNORE, IGNORE);
        assertThat(six.report()).isEqualTo(new AlignmentReport(2, 8, 1, 4, 0, 6));
        assertThat(six.report().summary()).isEqualTo("2 sentences, 8 words: 1 sentence was truncated to 6 tokens, cutting 4 words (their labels are not trained or evaluated)");
        // cut inside a word: "secretions" keeps its first sub-token and its label, so only 4 words are lost
        AlignedDataset five = TokenClassificationData.tokenizeAndAlignLabels(d, bge, AlignOptions.defaults().withMaxSeqLength(5));
        assertThat(five.dataset().tokens("labels").row(0)).containsExactly(IGNORE, 0, 0, 7, IGNORE);
        assertThat(five.report().truncatedWords()).isEqualTo(4);
        assertThat(five.dataset().numRows()).isEqualTo(2);

        AlignedDataset padded = TokenClassificationData.tokenizeAndAlignLabels(d, bge,
                AlignOptions.defaults().withMaxSeqLength(6).withPadToMaxLength(true));
        assertThat(padded.dataset().tokens("input_ids").row(1)).containsExactly(101, 7327, 102, 0, 0, 0);
        assertThat(padded.dataset().tokens("attention_mask").row(1)).containsExactly(1, 1, 1, 0, 0, 0);
        assertThat(padded.dataset().tokens("labels").row(1)).containsExactly(IGNORE, 3, IGNORE, IGNORE, IGNORE, IGNORE);
    }

    @Test
    void collatorPadsLabelsWithMinus100OnThePaddingSide() throws java.io.IOException {
        Dataset d = sentences(List.of(List.of("hide", "new", "secretions"), List.of("EU")), List.of(new int[] {0, 7, 8}, new int[] {3}));
        Dataset aligned = TokenClassificationData.tokenizeAndAlignLabels(d, bge, AlignOptions.defaults()).dataset();
        DataCollatorForTokenClassification collator = new DataCollatorForTokenClassification(bge);
        collator.check(aligned);
        PaddedBatch batch = collator.pad(aligned, new int[] {1, 0});
        assertThat(batch.length()).isEqualTo(6);
        assertThat(batch.inputIds()).containsExactly(101, 7327, 102, 0, 0, 0, 101, 5342, 2047, 3595, 8496, 102);
        assertThat(batch.label("labels").toInts()).containsExactly(IGNORE, 3, IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, 0, 7, 8, IGNORE, IGNORE);
        assertThat(batch.label("labels").shape()).containsExactly(2, 6);

        Path leftDir = dir.resolve("left");
        java.nio.file.Files.createDirectories(leftDir);
        for (String f : new String[] {"tokenizer.json", "special_tokens_map.json"}) {
            java.nio.file.Files.copy(Fixtures.bgeTokenizer().resolve(f), leftDir.resolve(f));
        }
        java.nio.file.Files.writeString(leftDir.resolve("tokenizer_config.json"), java.nio.file.Files.readString(
                Fixtures.bgeTokenizer().resolve("tokenizer_config.json")).replaceFirst("\\{", "{\"padding_side\": \"left\","));
        try (PreTrainedTokenizer left = AutoTokenizer.fromPretrained(leftDir)) {
            PaddedBatch leftBatch = new DataCollatorForTokenClassification(left, io.t4j.tokenizers.Padding.LONGEST, null, 4, -100)
                    .pad(aligned, new int[] {1});
            assertThat(leftBatch.inputIds()).containsExactly(0, 101, 7327, 102);
            assertThat(leftBatch.label("labels").toInts()).containsExactly(IGNORE, IGNORE, 3, IGNORE);
        }
        Dataset unlabelled = aligned.removeColumns("labels");
        assertThat(collator.pad(unlabelled, new int[] {0}).label("labels")).isNull();
        Dataset wrong = aligned.removeColumns("labels").withFormat("input_ids", "ner_tags");
        assertThat(collator.pad(wrong, new int[] {0}).label("labels")).isNull();
    }

    @Test
    void aSentenceWithoutTokensIsAnErrorAndWordsWithoutTokensAreCounted() {
        Dataset lost = sentences(List.of(List.of("EU", "\u200b", "rejects")), List.of(new int[] {3, 0, 0}));
        AlignedDataset aligned = TokenClassificationData.tokenizeAndAlignLabels(lost, bge, AlignOptions.defaults());
        assertThat(aligned.report().wordsWithoutTokens()).isEqualTo(1);
        assertThat(aligned.dataset().tokens("labels").row(0)).containsExactly(IGNORE, 3, 0, IGNORE);

        Dataset nothing = sentences(List.of(List.of("EU"), List.of("\u200b", "")), List.of(new int[] {3}, new int[] {0, 0}));
        assertThatThrownBy(() -> TokenClassificationData.tokenizeAndAlignLabels(nothing, bge, AlignOptions.defaults(),
                row -> "valid.txt line " + (10 + row)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("valid.txt line 11: the sentence [\u200b, ] has no tokens for the tokenizer");
        Dataset mismatched = sentences(List.of(List.of("EU", "rejects")), List.of(new int[] {3}));
        assertThatThrownBy(() -> TokenClassificationData.tokenizeAndAlignLabels(mismatched, bge, AlignOptions.defaults()))
                .hasMessageContaining("row 0: 2 words but 1 labels in 'ner_tags'");
    }
}
