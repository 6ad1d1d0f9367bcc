package io.t4j.tokenizers;

import static io.t4j.tokenizers.TinyTokenizers.bpeId;
import static io.t4j.tokenizers.TinyTokenizers.wordPieceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Word ids, offsets, sequence ids, special-token masks, overflowing windows with a stride, truncation strategies and
 * pre-tokenized input, on tokenizers written by {@link TinyTokenizers}. Expected values follow from WordPiece's
 * greedy longest-match (e.g. "playing" = play ##ing) and HF's documented conventions: None for special tokens,
 * (0, 0) spans for them, offsets into each sequence's own text.
 */
class EncodingFeaturesTest {
    static final String SENTENCE = "John is playing in New York.";
    static final String QUESTION = "who lives in new york";
    static final Integer N = null;
    @TempDir static Path shared;
    @TempDir Path dir;
    static PreTrainedTokenizer bert;

    @BeforeAll
    static void load() {
        bert = AutoTokenizer.fromPretrained(TinyTokenizers.writeWordPiece(shared.resolve("wp"), 512, ""));
    }

    @AfterAll
    static void close() {
        bert.close();
    }

    static EncodeOptions everything() {
        return EncodeOptions.defaults().withReturnWordIds(true).withReturnSequenceIds(true)
                .withReturnOffsetsMapping(true).withReturnSpecialTokensMask(true);
    }

    static int[] ids(String... tokens) {
        return Arrays.stream(tokens).mapToInt(t -> switch (t) {
            case "[CLS]" -> 2;
            case "[SEP]" -> 3;
            case "[UNK]" -> 1;
            case "[PAD]" -> 0;
            default -> wordPieceId(t);
        }).toArray();
    }

    /** The text each token of {@code row} covers ("" for special tokens). */
    static List<String> spans(BatchEncoding enc, int row, String text) {
        return spans(enc, row, text, 0, enc.inputIds()[row].length);
    }

    /** As {@link #spans(BatchEncoding, int, String)} for tokens {@code from..to-1} (one sequence of a pair). */
    static List<String> spans(BatchEncoding enc, int row, String text, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int t = from; t < to; t++) {
            int s = enc.offsetStarts()[row][t];
            int e = enc.offsetEnds()[row][t];
            out.add(s == 0 && e == 0 ? "" : text.substring(s, e));
        }
        return out;
    }

    @Test
    void defaultsReturnOnlyIdsMaskAndTypes() {
        BatchEncoding enc = bert.encode(List.of(SENTENCE), EncodeOptions.defaults());
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "john", "is", "play", "##ing", "in", "new", "york", ".", "[SEP]"));
        assertThat(enc.specialTokensMask()).isNull();
        assertThat(enc.wordIds()).isNull();
        assertThat(enc.sequenceIds()).isNull();
        assertThat(enc.offsetStarts()).isNull();
        assertThat(enc.overflowToSampleMapping()).isNull();
        assertThatThrownBy(() -> enc.wordIds(0)).hasMessageContaining("withReturnWordIds(true)");
        assertThat(bert.numSpecialTokensToAdd(false)).isEqualTo(2);
        assertThat(bert.numSpecialTokensToAdd(true)).isEqualTo(3);
    }

    @Test
    void singleTextWordIdsOffsetsSequenceIdsAndSpecialMask() {
        BatchEncoding enc = bert.encode(List.of(SENTENCE), everything());
        assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, 2, 2, 3, 4, 5, 6, N);
        assertThat(enc.sequenceIds(0)).containsExactly(N, 0, 0, 0, 0, 0, 0, 0, 0, N);
        assertThat(enc.specialTokensMask()[0]).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(enc.offsetMapping(0)).isDeepEqualTo(new int[][] {{0, 0}, {0, 4}, {5, 7},
                {8, 12}, {12, 15}, {16, 18}, {19, 22}, {23, 27},
                {27, 28}, {0, 0}});
        assertThat(spans(enc, 0, SENTENCE)).containsExactly("", "John", "is", "play", "ing", "in", "New", "York", ".", "");
    }

    @Test
    void paddingGivesNoneWordsEmptySpansAndSpecialMask() {
        BatchEncoding enc = bert.encode(List.of("new york", SENTENCE), everything().withPadding(Padding.LONGEST));
        assertThat(enc.inputIds()[0]).containsExactly(2, wordPieceId("new"), wordPieceId("york"), 3, 0, 0, 0, 0, 0, 0);
        assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, N, N, N, N, N, N, N);
        assertThat(enc.sequenceIds(0)).containsExactly(N, 0, 0, N, N, N, N, N, N, N);
        assertThat(enc.specialTokensMask()[0]).containsExactly(1, 0, 0, 1, 1, 1, 1, 1, 1, 1);
        assertThat(enc.offsetEnds()[0]).containsExactly(0, 3, 8, 0, 0, 0, 0, 0, 0, 0);
        assertThat(enc.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void pairsHaveSequenceIdsAndOffsetsIntoTheirOwnText() {
        BatchEncoding enc = bert.encodePairs(List.of(QUESTION), List.of(SENTENCE), everything());
        assertThat(enc.sequenceIds(0)).containsExactly(N, 0, 0, 0, 0, 0, N, 1, 1, 1, 1, 1, 1, 1, 1, N);
        assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, 2, 3, 4, N, 0, 1, 2, 2, 3, 4, 5, 6, N);
        assertThat(enc.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        List<String> spans = spans(enc, 0, QUESTION, 0, 7);
        assertThat(spans).containsExactly("", "who", "lives", "in", "new", "york", "");
        assertThat(spans(enc, 0, SENTENCE, 7, 16)).containsExactly("John", "is", "play", "ing", "in", "New", "York", ".", "");
    }

    @Test
    void overflowingWindowsOfASingleTextOverlapByTheStride() {
        String text = "the cat sat on the mat a dog sat on"; // 10 tokens
        BatchEncoding enc = bert.encode(List.of(text, "big city"), everything().withMaxLength(6).withStride(2)
                .withReturnOverflowingTokens(true));
        assertThat(enc.size()).isEqualTo(5);
        assertThat(enc.overflowToSampleMapping()).containsExactly(0, 0, 0, 0, 1);
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "the", "cat", "sat", "on", "[SEP]"));
        assertThat(enc.inputIds()[1]).containsExactly(ids("[CLS]", "sat", "on", "the", "mat", "[SEP]"));
        assertThat(enc.inputIds()[2]).containsExactly(ids("[CLS]", "the", "mat", "a", "dog", "[SEP]"));
        assertThat(enc.inputIds()[3]).containsExactly(ids("[CLS]", "a", "dog", "sat", "on", "[SEP]"));
        assertThat(enc.inputIds()[4]).containsExactly(ids("[CLS]", "big", "city", "[SEP]"));
        assertThat(enc.wordIds(3)).containsExactly(N, 6, 7, 8, 9, N);
        assertThat(spans(enc, 2, text)).containsExactly("", "the", "mat", "a", "dog", "");
        assertThat(enc.specialTokensMask()[3]).containsExactly(1, 0, 0, 0, 0, 1);

        // without return_overflowing_tokens only the first window comes back, whatever the stride
        BatchEncoding first = bert.encode(List.of(text), EncodeOptions.defaults().withMaxLength(6).withStride(2));
        assertThat(first.size()).isEqualTo(1);
        assertThat(first.inputIds()[0]).containsExactly(enc.inputIds()[0]);
    }

    @Test
    void onlySecondWindowsKeepTheQuestionInEveryWindowAsQuestionAnsweringNeeds() {
        EncodeOptions qa = everything().withTruncation(TruncationStrategy.ONLY_SECOND).withMaxLength(12).withStride(2)
                .withReturnOverflowingTokens(true).withPadding(Padding.MAX_LENGTH);
        BatchEncoding enc = bert.encodePairs(List.of(QUESTION, QUESTION), List.of(SENTENCE, "a big city"), qa);
        // 12 = 3 specials + 5 question tokens + 4 context tokens; the 8 context tokens give 3 windows, stride 2
        assertThat(enc.overflowToSampleMapping()).containsExactly(0, 0, 0, 1);
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "who", "lives", "in", "new", "york", "[SEP]",
                "john", "is", "play", "##ing", "[SEP]"));
        assertThat(enc.sequenceIds(0)).containsExactly(N, 0, 0, 0, 0, 0, N, 1, 1, 1, 1, N);
        assertThat(spans(enc, 0, SENTENCE, 7, 12)).containsExactly("John", "is", "play", "ing", "");
        assertThat(spans(enc, 1, SENTENCE, 7, 12)).containsExactly("play", "ing", "in", "New", "");
        assertThat(spans(enc, 2, SENTENCE, 7, 12)).containsExactly("in", "New", "York", ".", "");
        assertThat(enc.wordIds(1).subList(7, 11)).containsExactly(2, 2, 3, 4);
        for (int w = 0; w < 3; w++) {
            assertThat(spans(enc, w, QUESTION, 1, 6)).containsExactly("who", "lives", "in", "new", "york");
        }
        assertThat(enc.inputIds()[3]).containsExactly(ids("[CLS]", "who", "lives", "in", "new", "york", "[SEP]",
                "a", "big", "city", "[SEP]", "[PAD]"));
        assertThat(enc.sequenceIds(3)).containsExactly(N, 0, 0, 0, 0, 0, N, 1, 1, 1, N, N);
        assertThat(enc.attentionMask()[3]).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);
    }

    @Test
    void onlyFirstShortensTheFirstSequence() {
        BatchEncoding enc = bert.encodePairs(List.of(SENTENCE), List.of("big city"),
                EncodeOptions.defaults().withTruncation(TruncationStrategy.ONLY_FIRST).withMaxLength(8));
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "john", "is", "play", "[SEP]", "big", "city", "[SEP]"));
    }

    @Test
    void truncationThatRustCannotDoIsAClearErrorNotACrash() {
        EncodeOptions qa = EncodeOptions.defaults().withTruncation(TruncationStrategy.ONLY_SECOND).withMaxLength(12)
                .withReturnOverflowingTokens(true);
        String longQuestion = QUESTION + " " + QUESTION; // 10 tokens: no room left for the context
        assertThatThrownBy(() -> bert.encodePairs(List.of(QUESTION, longQuestion), List.of(SENTENCE, SENTENCE), qa))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("pair 1: the first sequence has 10 tokens, which leaves no room for the second");
        // a long question is fine when the context fits anyway (nothing to truncate)
        assertThat(bert.encodePairs(List.of(QUESTION + " new"), List.of("a"), qa).size()).isEqualTo(1);
        assertThatThrownBy(() -> bert.encodePairs(List.of(QUESTION), List.of(SENTENCE), qa.withStride(4)))
                .hasMessageContaining("pair 0: stride 4 is not smaller than the 4 tokens left for the second sequence");
        assertThatThrownBy(() -> bert.encode(List.of(SENTENCE), qa.withStride(0)))
                .hasMessageContaining("only_second needs text pairs");
        assertThatThrownBy(() -> bert.encode(List.of(SENTENCE), EncodeOptions.defaults().withMaxLength(6).withStride(4)
                .withReturnOverflowingTokens(true)))
                .hasMessageContaining("stride 4 must be smaller than max_length 6 less the 2 special tokens (4)");
        assertThatThrownBy(() -> bert.encodePairs(List.of(QUESTION), List.of(SENTENCE), EncodeOptions.defaults()
                .withMaxLength(10).withReturnOverflowingTokens(true)))
                .hasMessageContaining("Not possible to return overflowing tokens for pair of sequences with the `longest_first`");
        assertThatThrownBy(() -> bert.encode(List.of(SENTENCE), EncodeOptions.defaults().withMaxLength(2)))
                .hasMessageContaining("max_length 2 leaves no room for tokens");
        // the tokenizer still works after the refusals
        assertThat(bert.encode(List.of("big city"), EncodeOptions.defaults()).inputIds()[0]).containsExactly(ids("[CLS]", "big", "city", "[SEP]"));
    }

    @Test
    void preTokenizedWordsGiveWordIdsAndOffsetsWithinEachWord() {
        List<List<String>> words = List.of(List.of("John", "playing", "unbelievable"), List.of("New", "York"),
                List.of("a", "", "dog"));
        BatchEncoding enc = bert.encodeWords(words, everything());
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "john", "play", "##ing", "un", "##believ", "##able", "[SEP]"));
        assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, 1, 2, 2, 2, N);
        assertThat(enc.offsetMapping(0)).isDeepEqualTo(new int[][] {{0, 0}, {0, 4}, {0, 4},
                {4, 7}, {0, 2}, {2, 8}, {8, 12}, {0, 0}});
        assertThat(enc.wordIds(1)).containsExactly(N, 0, 1, N);
        assertThat(enc.wordIds(2)).containsExactly(N, 0, 2, N); // the empty word has no token
        assertThat(enc.sequenceIds(2)).containsExactly(N, 0, 0, N);
        assertThat(enc.tokenTypeIds()[0]).containsOnly(0);
    }

    @Test
    void largePreTokenizedBatchesGiveTheSameRowsAsOneByOne() {
        List<String> vocabulary = List.of("John", "playing", "unbelievable", "in", "New", "York", "a", "dog", "");
        List<List<String>> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300; i++) { // past the parallel threshold
            List<String> row = new ArrayList<>();
            for (int k = 0; k < 1 + random.nextInt(12); k++) {
                row.add(vocabulary.get(random.nextInt(vocabulary.size())));
            }
            rows.add(row);
        }
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(10).withReturnWordIds(true).withReturnOverflowingTokens(true);
        BatchEncoding batch = bert.encodeWords(rows, options);
        int w = 0;
        for (int i = 0; i < rows.size(); i++) {
            BatchEncoding one = bert.encodeWords(List.of(rows.get(i)), options);
            for (int k = 0; k < one.size(); k++, w++) {
                assertThat(batch.overflowToSampleMapping()[w]).isEqualTo(i);
                assertThat(batch.inputIds()[w]).containsExactly(one.inputIds()[k]);
                assertThat(batch.wordIds()[w]).containsExactly(one.wordIds()[k]);
            }
        }
        assertThat(w).isEqualTo(batch.size());
    }

    @Test
    void preTokenizedWordsTruncateAndOverflow() {
        List<List<String>> words = List.of(List.of("the", "cat", "sat", "on", "the", "mat"));
        BatchEncoding enc = bert.encodeWords(words, EncodeOptions.defaults().withMaxLength(5).withReturnWordIds(true)
                .withReturnOverflowingTokens(true));
        assertThat(enc.overflowToSampleMapping()).containsExactly(0, 0);
        assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, 2, N);
        assertThat(enc.wordIds(1)).containsExactly(N, 3, 4, 5, N);
    }

    @Test
    void offsetsAreJavaCharIndicesAfterAnEmoji() {
        String text = "hello \uD83D\uDE00 world"; // an emoji is one code point, two Java chars
        BatchEncoding enc = bert.encode(List.of(text), everything());
        assertThat(enc.inputIds()[0]).containsExactly(ids("[CLS]", "hello", "[UNK]", "world", "[SEP]"));
        assertThat(spans(enc, 0, text)).containsExactly("", "hello", "\uD83D\uDE00", "world", "");

        BatchEncoding pair = bert.encodePairs(List.of("big city"), List.of(text), everything());
        assertThat(spans(pair, 0, text, 4, 7)).containsExactly("hello", "\uD83D\uDE00", "world");
        assertThat(spans(pair, 0, "big city", 1, 3)).containsExactly("big", "city");

        BatchEncoding words = bert.encodeWords(List.of(List.of("\uD83D\uDE00", "world")), everything());
        assertThat(words.offsetMapping(0)[1]).containsExactly(0, 2);
    }

    @Test
    void leftTruncationKeepsTheEndAndItsWindowsRunBackwards() {
        try (PreTrainedTokenizer left = AutoTokenizer.fromPretrained(
                TinyTokenizers.writeWordPiece(dir.resolve("left"), 5, "\"truncation_side\": \"left\""))) {
            assertThat(left.truncationSide()).isEqualTo(Side.LEFT);
            assertThat(left.encode(List.of("the cat sat on the mat"), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(ids("[CLS]", "on", "the", "mat", "[SEP]"));
            BatchEncoding windows = left.encode(List.of("the cat sat on the mat"), EncodeOptions.defaults().withStride(1)
                    .withReturnOverflowingTokens(true));
            assertThat(windows.inputIds()).isDeepEqualTo(new int[][] {ids("[CLS]", "on", "the", "mat", "[SEP]"),
                    ids("[CLS]", "cat", "sat", "on", "[SEP]"), ids("[CLS]", "the", "cat", "[SEP]")});
        }
    }

    @Test
    void byteLevelBpeNeedsAddPrefixSpaceForWords() throws IOException {
        Path folder = TinyTokenizers.writeByteLevelBpe(dir.resolve("bpe"), "");
        try (PreTrainedTokenizer plain = AutoTokenizer.fromPretrained(folder)) {
            assertThat(plain.encode(List.of("hello world"), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(0, bpeId("hello"), bpeId("Ġworld"), 2);
            assertThatThrownBy(() -> plain.encodeWords(List.of(List.of("hello", "world")), EncodeOptions.defaults()))
                    .isInstanceOf(TokenizerException.class)
                    .hasMessageContaining("You need to instantiate RobertaTokenizerFast with add_prefix_space=True")
                    .hasMessageContaining("withAddPrefixSpace(true)");
            assertThat(plain.numSpecialTokensToAdd(false)).isEqualTo(2);
            assertThat(plain.numSpecialTokensToAdd(true)).isEqualTo(4);
        }
        try (PreTrainedTokenizer prefixed = AutoTokenizer.fromPretrained(folder, TokenizerOptions.defaults().withAddPrefixSpace(true))) {
            BatchEncoding enc = prefixed.encodeWords(List.of(List.of("hello", "world")), everything());
            assertThat(enc.inputIds()[0]).containsExactly(0, bpeId("Ġhello"), bpeId("Ġworld"), 2);
            assertThat(enc.wordIds(0)).containsExactly(N, 0, 1, N);
            assertThat(enc.offsetMapping(0)).isDeepEqualTo(new int[][] {{0, 0}, {0, 5}, {0, 5}, {0, 0}});
            assertThat(prefixed.encode(List.of("hello world"), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(0, bpeId("Ġhello"), bpeId("Ġworld"), 2);
            Path saved = dir.resolve("saved");
            prefixed.savePretrained(saved);
            assertThat(Files.readString(saved.resolve("tokenizer_config.json"))).contains("\"add_prefix_space\" : true");
        }
        try (PreTrainedTokenizer reloaded = AutoTokenizer.fromPretrained(dir.resolve("saved"))) {
            assertThat(reloaded.addPrefixSpace()).isTrue();
            assertThat(reloaded.encodeWords(List.of(List.of("hello")), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(0, bpeId("Ġhello"), 2);
        }
        Path configured = TinyTokenizers.writeByteLevelBpe(dir.resolve("configured"), "\"add_prefix_space\": true");
        try (PreTrainedTokenizer fromConfig = AutoTokenizer.fromPretrained(configured)) {
            assertThat(fromConfig.encodeWords(List.of(List.of("world", "hello")), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(0, bpeId("Ġworld"), bpeId("Ġhello"), 2);
        }
    }
}
