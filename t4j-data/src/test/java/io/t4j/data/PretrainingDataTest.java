package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw text into pre-training examples: text files, group_texts, line by line with truncation, NSP pairs. */
class PretrainingDataTest {
    @TempDir static Path dir;
    static PreTrainedTokenizer bge;
    static final int CLS = 101;
    static final int SEP = 102;

    @BeforeAll
    static void setUp() {
        System.setProperty("t4j.cache.dir", dir.resolve("cache").toString());
        bge = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer());
    }

    @AfterAll
    static void tearDown() {
        bge.close();
        System.clearProperty("t4j.cache.dir");
    }

    static final String[] WORDS = ("the film is a charming and often affecting journey through a world of cliches "
            + "that never quite works but its actors are wonderful and the music is great").split(" ");

    /** A sentence of {@code n} words from a fixed word list, varied by {@code k}. */
    static String sentence(int n, int k) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[(i * 7 + k * 3) % WORDS.length]);
        }
        return sb.toString();
    }

    @Test
    void textFilesGiveOneRowPerNonBlankLine() {
        Path file = Fixtures.write(dir.resolve("raw.txt"), "first line\r\n\r\n  second line  \rthird\n\n");
        Dataset ds = LoadDataset.fromTextFiles(file.toString());
        assertThat(ds.columnNames()).containsExactly("text");
        assertThat(ds.strings("text").asList()).containsExactly("first line", "second line", "third");
        Path blank = Fixtures.write(dir.resolve("blank.txt"), "\n  \n");
        assertThatThrownBy(() -> LoadDataset.fromTextFiles(blank.toString()))
                .isInstanceOf(DataException.class).hasMessage(blank + ": the file is empty (only whitespace)");
    }

    @Test
    void groupTextsConcatenatesEveryLineAndCutsFullBlocks() {
        String[] lines = new String[40];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = sentence(3 + i % 9, i);
        }
        lines[5] = sentence(60, 5); // longer than a block: it continues into the next one
        Dataset texts = Dataset.fromColumns(Map.of("text", new StringColumn(lines)), Map.of());
        var prepared = LanguageModelingData.groupTexts(texts, "text", bge, 16);
        Dataset blocks = prepared.dataset();
        int[] stream = texts.tokenize(bge, "text", EncodeOptions.noTruncation()).tokens("input_ids").flat();
        assertThat(prepared.tokens()).isEqualTo(stream.length);
        assertThat(blocks.numRows()).isEqualTo(stream.length / 16);
        assertThat(prepared.longLines()).isEqualTo(1);
        for (int b = 0; b < blocks.numRows(); b++) {
            assertThat(blocks.tokens("input_ids").row(b)).containsExactly(Arrays.copyOfRange(stream, b * 16, b * 16 + 16));
            assertThat(blocks.tokens("attention_mask").row(b)).containsOnly(1).hasSize(16);
            assertThat(blocks.tokens("token_type_ids").row(b)).containsOnly(0).hasSize(16);
        }
        assertThat(Arrays.stream(stream).filter(t -> t == CLS).count()).as("each line keeps its [CLS] and [SEP]").isEqualTo(40);
        assertThatThrownBy(() -> LanguageModelingData.groupTexts(texts, "text", bge, 500))
                .isInstanceOf(DataException.class).hasMessageContaining("fewer than one block of 500");
    }

    @Test
    void lineByLineTruncatesLongLinesAndCountsThem() {
        Dataset texts = Dataset.fromColumns(Map.of("text", new StringColumn(new String[] {
                sentence(5, 1), sentence(50, 2), sentence(12, 3), sentence(40, 4)})), Map.of());
        var prepared = LanguageModelingData.lineByLine(texts, "text", bge, 16);
        assertThat(prepared.lines()).isEqualTo(4);
        assertThat(prepared.longLines()).as("lines over 16 tokens").isEqualTo(2);
        TokenColumn ids = prepared.dataset().tokens("input_ids");
        assertThat(ids.lengths()).containsExactly(7, 16, 14, 16);
        for (int r = 0; r < 4; r++) {
            int[] row = ids.row(r);
            assertThat(row[0]).isEqualTo(CLS);
            assertThat(row[row.length - 1]).as("truncation keeps the closing [SEP]").isEqualTo(SEP);
        }
        assertThat(prepared.dataset().columnNames()).containsExactly("input_ids", "token_type_ids", "attention_mask");
        assertThatThrownBy(() -> LanguageModelingData.lineByLine(texts, "text", bge, 1000))
                .hasMessageContaining("max_seq_length 1000 is longer than the model's maximum length 512");
    }

    static List<List<String>> corpus(int documents, int linesPerDocument, long seed) {
        Seeded rng = new Seeded(seed);
        List<List<String>> docs = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            List<String> doc = new ArrayList<>();
            for (int l = 0; l < linesPerDocument; l++) {
                doc.add(sentence(4 + rng.nextInt(8), rng.nextInt(1000)));
            }
            docs.add(doc);
        }
        return docs;
    }

    @Test
    void nextSentencePairsAreBalancedAndShapedLikeBert() {
        var result = TextDatasetForNextSentencePrediction.create(corpus(300, 12, 1), bge, 64, 9);
        Dataset ds = result.dataset();
        int n = ds.numRows();
        long[] labels = ds.longs("next_sentence_label").values();
        assertThat(result.isNext() + result.randomNext()).isEqualTo(n);
        assertThat(Arrays.stream(labels).filter(l -> l == 1).count()).isEqualTo(result.randomNext());
        // the coin-flipped pairs (chunks of two or more lines) are 50/50; one-line chunks always get a random B (HF)
        int flipped = n - result.forcedRandom();
        int flippedRandom = result.randomNext() - result.forcedRandom();
        double se = Math.sqrt(0.25 / flipped);
        System.out.printf("NSP: %d pairs from %d documents: %d is-next, %d random (%d of them one-line chunks); "
                + "coin-flipped random share %.4f (3 SE = %.4f)%n", n, result.documents(), result.isNext(),
                result.randomNext(), result.forcedRandom(), flippedRandom / (double) flipped, 3 * se);
        assertThat(flipped).isGreaterThan(500);
        assertThat(flippedRandom / (double) flipped).isCloseTo(0.5, org.assertj.core.data.Offset.offset(3 * se));
        assertThat(result.randomNext() / (double) n).as("overall share of random B").isBetween(0.45, 0.65);
        for (int r = 0; r < n; r++) {
            int[] ids = ds.tokens("input_ids").row(r);
            int[] types = ds.tokens("token_type_ids").row(r);
            assertThat(ids.length).isLessThanOrEqualTo(64);
            assertThat(ids[0]).isEqualTo(CLS);
            assertThat(ids[ids.length - 1]).isEqualTo(SEP);
            int firstSep = Arrays.stream(ids).boxed().toList().indexOf(SEP);
            assertThat(firstSep).isBetween(2, ids.length - 3); // A and B are both non-empty
            for (int j = 0; j < ids.length; j++) {
                assertThat(types[j]).as("token_type_ids: 0 on [CLS] A [SEP], 1 on B [SEP]").isEqualTo(j <= firstSep ? 0 : 1);
            }
        }
        // the same corpus and seed give the same pairs
        var again = TextDatasetForNextSentencePrediction.create(corpus(300, 12, 1), bge, 64, 9);
        assertThat(again.dataset().tokens("input_ids").flat()).isEqualTo(ds.tokens("input_ids").flat());
        assertThat(again.dataset().longs("next_sentence_label").values()).isEqualTo(labels);
    }

    @Test
    void isNextPairsContinueTheirDocumentAndRandomOnesComeFromAnother() {
        List<List<String>> docs = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            List<String> doc = new ArrayList<>();
            for (int l = 0; l < 6; l++) {
                doc.add("w" + d + " line" + l); // every line names its document
            }
            docs.add(doc);
        }
        var result = TextDatasetForNextSentencePrediction.create(docs, bge, 40, 0.0, 0.5, 4);
        Dataset ds = result.dataset();
        for (int r = 0; r < ds.numRows(); r++) {
            String text = bge.decode(ds.tokens("input_ids").row(r), true);
            String[] parts = bge.decode(ds.tokens("input_ids").row(r), false).replace("[CLS]", "").split("\\[SEP\\]");
            String docA = parts[0].trim().split(" ")[0];
            String docB = parts[1].trim().split(" ")[0];
            if (ds.longs("next_sentence_label").get(r) == 0) {
                assertThat(docB).as("is-next pair " + text).isEqualTo(docA);
            } else {
                assertThat(docB).as("random pair " + text).isNotEqualTo(docA);
            }
        }
    }

    @Test
    void longLinesAreTruncatedAndCountedAndOneDocumentIsRefused() {
        List<List<String>> docs = corpus(10, 5, 2);
        docs.get(3).set(2, sentence(200, 7)); // a line longer than the whole block
        var result = TextDatasetForNextSentencePrediction.create(docs, bge, 32, 5);
        assertThat(result.longLines()).isEqualTo(1);
        assertThat(result.truncatedPairs()).isPositive();
        for (int r = 0; r < result.dataset().numRows(); r++) {
            assertThat(result.dataset().tokens("input_ids").length(r)).isLessThanOrEqualTo(32);
        }

        Path one = Fixtures.write(dir.resolve("one-doc.txt"), "only one document\nwith two lines\n\n\n");
        assertThatThrownBy(() -> TextDatasetForNextSentencePrediction.readDocuments(one))
                .isInstanceOf(DataException.class)
                .hasMessage(one + ": next-sentence prediction needs at least two documents (a random second sentence "
                        + "comes from another document) but found 1; separate documents with a blank line");
        Path two = Fixtures.write(dir.resolve("two-docs.txt"), "doc one line one\ndoc one line two\n\n\ndoc two line one\n");
        assertThat(TextDatasetForNextSentencePrediction.readDocuments(two))
                .containsExactly(List.of("doc one line one", "doc one line two"), List.of("doc two line one"));
    }
}
