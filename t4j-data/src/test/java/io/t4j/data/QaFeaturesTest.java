package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** run_qa's feature labels, on windows written by hand and on windows cut by a whitespace test tokenizer. */
class QaFeaturesTest {
    // offsets: alpha 0-5, beta 6-10, gamma 11-16, delta 17-22, epsilon 23-30, zeta 31-35
    static final String CONTEXT = "alpha beta gamma delta epsilon zeta";
    static final int CLS = 101;
    static final int SEP = 102;
    static final int N = QaWindows.NONE;

    /**
     * The three windows HF cuts from "what?" / CONTEXT with max_length 7 (room for 3 context tokens) and stride 1:
     * context tokens [0, 3), [2, 5), [4, 6); the last padded to 7.
     */
    static QaWindows threeWindows() {
        int[][] ids = {
                {CLS, 1, SEP, 10, 11, 12, SEP},
                {CLS, 1, SEP, 12, 13, 14, SEP},
                {CLS, 1, SEP, 14, 15, SEP, 0}};
        int[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0}};
        int[][] types = {{0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 0}};
        int[][] offsets = {
                {0, 0, 0, 5, 0, 0, 0, 5, 6, 10, 11, 16, 0, 0},
                {0, 0, 0, 5, 0, 0, 11, 16, 17, 22, 23, 30, 0, 0},
                {0, 0, 0, 5, 0, 0, 23, 30, 31, 35, 0, 0, 0, 0}};
        int[][] seq = {{N, 0, N, 1, 1, 1, N}, {N, 0, N, 1, 1, 1, N}, {N, 0, N, 1, 1, N, N}};
        return new QaWindows(ids, mask, types, offsets, seq, new int[] {0, 0, 0});
    }

    static SquadExample example(String answer) {
        return SquadExample.of("q", CONTEXT, "what?", new SquadAnswer(answer, CONTEXT.indexOf(answer)));
    }

    private static long[][] labels(SquadExample e, QaWindows windows) {
        Dataset d = QaFeatures.trainFeatures(List.of(e), windows, true, CLS, null);
        return new long[][] {d.longs("start_positions").values(), d.longs("end_positions").values()};
    }

    @Test
    void answerInsideOneWindowIsLabelledThereAndClsElsewhere() {
        long[][] l = labels(example("delta epsilon"), threeWindows());
        assertThat(l[0]).containsExactly(0, 4, 0); // window 0 ends at gamma, window 2 starts at epsilon: CLS
        assertThat(l[1]).containsExactly(0, 5, 0);
    }

    @Test
    void answerPartOfATokenTakesTheWholeToken() {
        long[][] l = labels(example("amm"), threeWindows()); // inside gamma (11-16)
        assertThat(l[0]).containsExactly(5, 3, 0);
        assertThat(l[1]).containsExactly(5, 3, 0);
    }

    @Test
    void answerInTheLastContextTokenStopsAtTheContext() {
        // run_qa's forward walk would run through [SEP] and the pad (offsets (0, 0)) to position 6
        long[][] l = labels(example("zeta"), threeWindows());
        assertThat(l[0]).containsExactly(0, 0, 4);
        assertThat(l[1]).containsExactly(0, 0, 4);
    }

    @Test
    void impossibleQuestionGetsTheClsIndex() {
        SquadExample impossible = new SquadExample("q", "", CONTEXT, "what?", List.of(), List.of(), null);
        long[][] l = labels(impossible, threeWindows());
        assertThat(l[0]).containsExactly(0, 0, 0);
        assertThat(l[1]).containsExactly(0, 0, 0);
        assertThat(QaFeatures.clsIndex(new int[] {0, 0, CLS, 5}, CLS, 1)).isEqualTo(2); // left padding
        assertThat(QaFeatures.clsIndex(new int[] {0, 1, 5}, CLS, 1)).isEqualTo(1); // no CLS: the BOS token
        assertThat(QaFeatures.clsIndex(new int[] {7, 8}, CLS, 1)).isZero();
        assertThat(QaFeatures.clsIndex(new int[] {7, 8}, null, null)).isZero();
    }

    @Test
    void contextFirstWhenTheTokenizerPadsOnTheLeft() {
        // [CLS] gamma delta epsilon [SEP] what? [SEP]: the context is sequence 0, and question offsets (0-5) that
        // are below the answer's start do not count as context
        int[][] ids = {{CLS, 12, 13, 14, SEP, 1, SEP}};
        int[][] offsets = {{0, 0, 11, 16, 17, 22, 23, 30, 0, 0, 0, 5, 0, 0}};
        int[][] seq = {{N, 0, 0, 0, N, 1, N}};
        QaWindows w = new QaWindows(ids, null, null, offsets, seq, new int[] {0});
        Dataset d = QaFeatures.trainFeatures(List.of(example("epsilon")), w, false, CLS, null);
        assertThat(d.longs("start_positions").values()).containsExactly(3);
        assertThat(d.longs("end_positions").values()).containsExactly(3);
        assertThat(d.columnNames()).containsExactly("input_ids", "attention_mask", "start_positions", "end_positions");
        assertThat(d.tokens("attention_mask").isAllOnes()).isTrue();
        Dataset v = QaFeatures.validationFeatures(List.of(example("epsilon")), w, false);
        assertThat(v.tokens("offset_mapping").row(0)).containsExactly(-1, -1, 11, 16, 17, 22, 23, 30, -1, -1, -1, -1, -1, -1);
    }

    @Test
    void validationFeaturesKeepExampleIdAndContextOffsetsOnly() {
        Dataset v = QaFeatures.validationFeatures(List.of(example("delta")), threeWindows(), true);
        assertThat(v.columnNames()).containsExactly("input_ids", "token_type_ids", "attention_mask", "offset_mapping", "example_id");
        assertThat(v.strings("example_id").values()).containsExactly("q", "q", "q");
        assertThat(v.tokens("offset_mapping").row(1)).containsExactly(-1, -1, -1, -1, -1, -1, 11, 16, 17, 22, 23, 30, -1, -1);
        assertThat(v.tokens("offset_mapping").row(2)).containsExactly(-1, -1, -1, -1, -1, -1, 23, 30, 31, 35, -1, -1, -1, -1);
        assertThat(v.tokens("attention_mask").row(2)).containsExactly(1, 1, 1, 1, 1, 1, 0);
    }

    @Test
    void theTestTokenizerCutsTheSameWindowsAsWrittenByHand() {
        QaWindows cut = new WhitespaceQaTokenizer(true).encodeWithOverflow(List.of("what?"), List.of(CONTEXT), true, 7, 1, true);
        QaWindows hand = threeWindows();
        assertThat(cut.size()).isEqualTo(3);
        for (int w = 0; w < 3; w++) {
            assertThat(cut.offsetMapping()[w]).isEqualTo(hand.offsetMapping()[w]);
            assertThat(cut.sequenceIds()[w]).isEqualTo(hand.sequenceIds()[w]);
            assertThat(cut.attentionMask()[w]).isEqualTo(hand.attentionMask()[w]);
            assertThat(cut.tokenTypeIds()[w]).isEqualTo(hand.tokenTypeIds()[w]);
        }
    }

    @Test
    void prepareStripsQuestionsAndLabelsEveryWindowOfEveryExample() {
        List<SquadExample> examples = new ArrayList<>();
        // more examples than one tokenizer call takes, so the chunks are joined
        for (int i = 0; i < QaFeatures.CHUNK + 5; i++) {
            String answer = i % 2 == 0 ? "delta" : "zeta";
            examples.add(new SquadExample("q" + i, "t", CONTEXT, "  \u00a0what?", List.of(new SquadAnswer(answer, CONTEXT.indexOf(answer))), List.of(), null));
        }
        assertThat(QaFeatures.questions(examples).getFirst()).isEqualTo("what?");
        var options = new QaFeatureOptions(7, 1, true);
        Dataset train = QaFeatures.prepareTrainFeatures(examples, new WhitespaceQaTokenizer(true), options);
        assertThat(train.numRows()).isEqualTo(3 * examples.size());
        int last = train.numRows() - 3; // the last example (even index: "delta")
        long[] starts = train.longs("start_positions").values();
        assertThat(java.util.Arrays.copyOfRange(starts, 0, 6)).containsExactly(0, 4, 0, 0, 0, 4); // delta, then zeta
        assertThat(java.util.Arrays.copyOfRange(starts, last, last + 3)).containsExactly(0, 4, 0);
        assertThat(train.tokens("input_ids").row(last)).hasSize(7).startsWith(CLS);
        Dataset validation = QaFeatures.prepareValidationFeatures(examples, new WhitespaceQaTokenizer(true), options);
        assertThat(validation.strings("example_id").get(validation.numRows() - 1)).isEqualTo("q" + (examples.size() - 1));
        assertThat(validation.numRows()).isEqualTo(train.numRows());
    }

    @Test
    void questionLongerThanMaxSeqLengthOrStrideTooLargeNameTheQuestionAndValues() {
        SquadExample e = new SquadExample("56be4db0", "t", CONTEXT, "a b c d e", List.of(new SquadAnswer("beta", 6)), List.of(), "train.json");
        var tokenizer = new WhitespaceQaTokenizer(true);
        assertThatThrownBy(() -> QaFeatures.prepareTrainFeatures(List.of(e), tokenizer, new QaFeatureOptions(8, 0, false)))
                .isInstanceOf(DataException.class)
                .hasMessage("train.json, question 56be4db0: the question has 5 tokens, which with 3 special tokens leaves no room for "
                        + "the context in max_seq_length 8 (shorten the question or raise max_seq_length)");
        assertThatThrownBy(() -> QaFeatures.prepareValidationFeatures(List.of(e), tokenizer, new QaFeatureOptions(12, 4, false)))
                .hasMessage("train.json, question 56be4db0: doc_stride 4 is not smaller than the room left for the context, 4 tokens "
                        + "(max_seq_length 12 - 5 question tokens - 3 special tokens); lower doc_stride or raise max_seq_length");
        assertThat(QaFeatures.prepareTrainFeatures(List.of(e), tokenizer, new QaFeatureOptions(12, 3, false)).numRows())
                .isEqualTo(3); // room 4, stride 3: windows start every token
    }

    @Test
    void windowsThatDoNotFitTheExamplesAreErrors() {
        assertThatThrownBy(() -> QaFeatures.trainFeatures(List.of(example("beta"), example("zeta")), threeWindows(), true, CLS, null))
                .hasMessage("question q: the tokenizer returned no window for this example");
        assertThatThrownBy(() -> new QaWindows(new int[][] {{1, 2}}, null, null, new int[][] {{0, 0}}, new int[][] {{N, N}}, new int[] {0}))
                .hasMessageContaining("window 0 has 2 input_ids but 2 offset values (need 2 per token)");
    }
}
