package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The question-answering pipeline: span scores worked out by hand on hand-written windows and logits (HF's
 * {@code select_starts_ends}), word alignment, merging, top_k never short (HF's issue #38984), and end to end on the
 * tiny bert-qa fixture with a word-level tokenizer (vocab w5..w127, max length 64): windows of long contexts in one
 * forward, batches equal to one-by-one calls, bad input named.
 */
class QuestionAnsweringPipelineTest {
    @TempDir static Path tmp;
    static QuestionAnsweringPipeline pipe;
    static final int N = BatchEncoding.NONE;
    static final float M = -50f; // a logit outside the context: masked anyway

    @BeforeAll
    static void load() {
        pipe = Pipeline.questionAnswering(TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), tmp.resolve("bert-qa")));
    }

    @AfterAll
    static void close() {
        pipe.close();
    }

    /** "[CLS] w9 [SEP] w5 w6 w7 [SEP]" over the context "w5 w6 w7" (offsets 0-2, 3-5, 6-8). */
    static BatchEncoding oneWindow(int[] wordIds) {
        int[][] ids = {{2, 9, 3, 5, 6, 7, 3}};
        int[][] mask = {{1, 1, 1, 1, 1, 1, 1}};
        int[][] types = {{0, 0, 0, 1, 1, 1, 1}};
        int[][] seq = {{N, 0, N, 1, 1, 1, N}};
        int[][] starts = {{0, 0, 0, 0, 3, 6, 0}};
        int[][] ends = {{0, 0, 0, 2, 5, 8, 0}};
        return new BatchEncoding(ids, mask, types, null, wordIds == null ? null : new int[][] {wordIds}, seq, starts, ends,
                new int[] {0});
    }

    static List<QuestionAnsweringResult> postprocess(String context, BatchEncoding enc, float[][] start, float[][] end,
                                                     QuestionAnsweringOptions options) {
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            var windows = new QuestionAnsweringPipeline.Windows(null, enc, enc.overflowToSampleMapping(), true);
            return pipe.postprocess(List.of(new QuestionAnsweringInput("w9", context)), windows,
                    new QuestionAnsweringPipeline.Logits(start, end), options).getFirst();
        }
    }

    static final float LN2 = (float) Math.log(2);
    static final float LN4 = (float) Math.log(4);

    @Test
    void spanScoresAreProductsOfMaskedSoftmaxesWorkedOutByHand() {
        // start: CLS 1, w5 4, w6 2, w7 1 (of 8); end: CLS 1, w5 1, w6 2, w7 4 (of 8); the question token and SEPs are
        // masked whatever their logits
        float[][] start = {{0, 9, 9, LN4, LN2, 0, 9}};
        float[][] end = {{0, 9, 9, 0, LN2, LN4, 9}};
        var opts = QuestionAnsweringOptions.defaults().withTopK(10);
        List<QuestionAnsweringResult> all = postprocess("w5 w6 w7", oneWindow(null), start, end, opts);
        // spans: w5..w7 4*4/64, w5..w6 4*2, w6..w7 2*4, w5 4*1, w6 2*2, w7 1*4 (equal up to the float logits' rounding)
        assertThat(scores(all)).containsOnlyKeys("w5 w6 w7", "w5 w6", "w6 w7", "w5", "w6", "w7");
        assertThat(scores(all).get("w5 w6 w7")).isCloseTo(16 / 64.0, within(1e-6));
        assertThat(scores(all).get("w5 w6")).isCloseTo(8 / 64.0, within(1e-6));
        assertThat(scores(all).get("w6 w7")).isCloseTo(8 / 64.0, within(1e-6));
        for (String one : List.of("w5", "w6", "w7")) {
            assertThat(scores(all).get(one)).isCloseTo(4 / 64.0, within(1e-6));
        }
        assertThat(all).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        assertThat(all.getFirst().answer()).isEqualTo("w5 w6 w7");
        assertThat(all.getFirst()).extracting(QuestionAnsweringResult::start, QuestionAnsweringResult::end).containsExactly(0, 8);
        assertThat(all.get(2)).extracting(QuestionAnsweringResult::start, QuestionAnsweringResult::end).containsExactly(3, 8);

        // max_answer_len 2 drops the 3-token span; handle_impossible_answer adds "" scored CLS*CLS = 1/64
        List<QuestionAnsweringResult> short2 = postprocess("w5 w6 w7", oneWindow(null), start, end,
                opts.withMaxAnswerLen(2).withHandleImpossibleAnswer(true));
        assertThat(scores(short2)).containsOnlyKeys("w5 w6", "w6 w7", "w5", "w6", "w7", "");
        assertThat(short2.getLast().answer()).isEmpty();
        assertThat(short2.getLast().score()).isCloseTo(1 / 64.0, within(1e-9));
        assertThat(short2.getLast()).extracting(QuestionAnsweringResult::start, QuestionAnsweringResult::end).containsExactly(0, 0);
        assertThat(postprocess("w5 w6 w7", oneWindow(null), start, end, QuestionAnsweringOptions.defaults()))
                .extracting(QuestionAnsweringResult::answer).containsExactly("w5 w6 w7");
    }

    @Test
    void alignToWordsWidensSpansToWholeWordsAndMergesWhatCollapses() {
        // "w5 w6 w7" read as two words: "w5 w6" (word 0, tokens 3 and 4) and "w7" (word 1)
        int[] words = {N, 0, N, 0, 0, 1, N};
        float[][] start = {{0, M, M, LN4, LN2, 0, M}};
        float[][] end = {{0, M, M, 0, LN2, LN4, M}};
        var opts = QuestionAnsweringOptions.defaults().withTopK(3);
        List<QuestionAnsweringResult> aligned = postprocess("w5 w6 w7", oneWindow(words), start, end, opts);
        // w5..w7 16 and w6..w7 8 both widen to "w5 w6 w7" (24); w5..w6 8, w5 4 and w6 4 all become "w5 w6" (16);
        // w7 4; without the fix HF's top 3 spans would give only two answers
        assertThat(aligned).extracting(QuestionAnsweringResult::answer).containsExactly("w5 w6 w7", "w5 w6", "w7");
        assertThat(aligned.get(0).score()).isCloseTo(24 / 64.0, within(1e-6));
        assertThat(aligned.get(1).score()).isCloseTo(16 / 64.0, within(1e-6));
        assertThat(aligned.get(2).score()).isCloseTo(4 / 64.0, within(1e-6));
        List<QuestionAnsweringResult> raw = postprocess("w5 w6 w7", oneWindow(words), start, end, opts.withAlignToWords(false));
        assertThat(raw).extracting(QuestionAnsweringResult::answer).containsExactlyInAnyOrder("w5 w6 w7", "w5 w6", "w6 w7");
    }

    @Test
    void aWordCutByAWindowsEdgeIsWidenedToTheWholeWord() {
        // context "w5 w6w7 w8": word 1 "w6w7" (chars 3-7) is two tokens; window 0 ends after w6, window 1 (sharing it)
        // holds the whole word. The best span is w6 alone in window 0: HF's word_to_chars within that window gives "w6"
        int[][] ids = {{2, 9, 3, 5, 6, 3, 0}, {2, 9, 3, 6, 7, 8, 3}};
        int[][] mask = {{1, 1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 1, 1}};
        int[][] types = {{0, 0, 0, 1, 1, 1, 0}, {0, 0, 0, 1, 1, 1, 1}};
        int[][] words = {{N, 0, N, 0, 1, N, N}, {N, 0, N, 1, 1, 2, N}};
        int[][] seq = {{N, 0, N, 1, 1, N, N}, {N, 0, N, 1, 1, 1, N}};
        int[][] starts = {{0, 0, 0, 0, 3, 0, 0}, {0, 0, 0, 3, 5, 8, 0}};
        int[][] ends = {{0, 0, 0, 2, 5, 0, 0}, {0, 0, 0, 5, 7, 10, 0}};
        var enc = new BatchEncoding(ids, mask, types, null, words, seq, starts, ends, new int[] {0, 0});
        float[][] start = {{M, M, M, M, 20, M, M}, {0, M, M, 0, 0, 0, M}};
        float[][] end = {{M, M, M, M, 20, M, M}, {0, M, M, 0, 0, 0, M}};
        var opts = QuestionAnsweringOptions.defaults();
        QuestionAnsweringResult best = postprocess("w5 w6w7 w8", enc, start, end, opts).getFirst();
        assertThat(best).extracting(QuestionAnsweringResult::answer, QuestionAnsweringResult::start,
                QuestionAnsweringResult::end).containsExactly("w6w7", 3, 7);
        QuestionAnsweringResult raw = postprocess("w5 w6w7 w8", enc, start, end, opts.withAlignToWords(false)).getFirst();
        assertThat(raw.answer()).isEqualTo("w6");
    }

    @Test
    void sameTextsMergeCaseInsensitivelyAndTopKIsNeverShortWhenTheContextHasMoreAnswers() {
        // context "w5 W5 w5": every one-token span is the same answer, whatever its case
        float[][] start = {{0, M, M, LN4, LN2, 0, M}};
        float[][] end = {{0, M, M, LN4, LN2, 0, M}};
        List<QuestionAnsweringResult> r = postprocess("w5 W5 w5", oneWindow(null), start, end,
                QuestionAnsweringOptions.defaults().withTopK(3));
        // p = (1, 4, 2, 1)/8 for CLS, w5, W5, w5; in 64ths: w5 16, "w5 W5" 8, "w5 W5 w5" 4, W5 4, "W5 w5" 2, w5 1.
        // "w5" = 16 + 4 + 1, "w5 W5" = 8 + 2 (found first, so its case and place are kept). HF's top 3 spans of the
        // window can be w5, "w5 W5" and W5, which merge into two answers (its issue #38984); here three.
        assertThat(r).extracting(QuestionAnsweringResult::answer).containsExactly("w5", "w5 W5", "w5 W5 w5");
        assertThat(r.get(0).score()).isCloseTo(21 / 64.0, within(1e-6));
        assertThat(r.get(1).score()).isCloseTo(10 / 64.0, within(1e-6));
        assertThat(r.get(2).score()).isCloseTo(4 / 64.0, within(1e-6));
        assertThat(r.getFirst().start()).isZero();
        // only three different answers exist: top_k 4 cannot give more
        assertThat(postprocess("w5 W5 w5", oneWindow(null), start, end, QuestionAnsweringOptions.defaults().withTopK(4))).hasSize(3);
    }

    @Test
    void answersAreSpansOfTheContextBestFirstAndTopKLongWhenPossible() {
        String context = words(5, 40);
        List<QuestionAnsweringResult> r = pipe.apply("w100 w101", context, QuestionAnsweringOptions.defaults().withTopK(5));
        assertThat(r).hasSize(5);
        for (QuestionAnsweringResult a : r) {
            assertThat(context.substring(a.start(), a.end())).isEqualTo(a.answer());
            assertThat(a.score()).isBetween(0.0, 1.0);
            assertThat(a.answer().split(" ").length).isLessThanOrEqualTo(15);
        }
        assertThat(r).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
    }

    @Test
    void aLongContextIsCutIntoWindowsThatRunInOneForward() {
        String context = words(5, 120); // 120 tokens; windows of 64 hold 58 context tokens, sharing 16
        var opts = QuestionAnsweringOptions.defaults().withDocStride(16).withTopK(20);
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            var windows = pipe.preprocess(List.of(new QuestionAnsweringInput("w100 w101 w102", context),
                    new QuestionAnsweringInput("w9", "w5 w6")), opts);
            assertThat(windows.questionOf()).containsExactly(0, 0, 0, 1);
            assertThat(windows.inputs().inputIds().size(0)).isEqualTo(4); // one forward over every window
            assertThat(windows.inputs().inputIds().size(1)).isEqualTo(64);
            int[] lastEnds = windows.encoding().offsetEnds()[2];
            assertThat(IntStream.of(lastEnds).max().orElseThrow()).isEqualTo(context.length()); // the last window ends the context
            assertThat(windows.encoding().offsetStarts()[1][5]).isEqualTo(context.indexOf("w47")); // window 2 starts at token 42
        }
        List<QuestionAnsweringResult> r = pipe.apply("w100 w101 w102", context, opts);
        assertThat(r).hasSize(20);
        for (QuestionAnsweringResult a : r) {
            assertThat(context.substring(a.start(), a.end())).isEqualTo(a.answer());
        }
        assertThat(r.stream().map(QuestionAnsweringResult::answer).distinct()).hasSize(20);
    }

    @Test
    void aBatchGivesOneListPerQuestionEqualToOneByOneCalls() {
        List<QuestionAnsweringInput> inputs = List.of(
                new QuestionAnsweringInput("w100 w101", words(5, 90)),
                new QuestionAnsweringInput("w9", "w5 w6 w7 w8"),
                new QuestionAnsweringInput("w50 w51 w52 w53", words(20, 30)));
        var opts = QuestionAnsweringOptions.defaults().withTopK(3).withDocStride(8);
        List<List<QuestionAnsweringResult>> batched = pipe.apply(inputs, opts.withBatchSize(3));
        assertThat(batched).hasSize(3);
        for (int i = 0; i < inputs.size(); i++) {
            List<QuestionAnsweringResult> alone = pipe.apply(List.of(inputs.get(i)), opts.withBatchSize(1)).getFirst();
            assertThat(batched.get(i)).hasSize(3);
            for (int k = 0; k < 3; k++) {
                assertThat(batched.get(i).get(k).answer()).isEqualTo(alone.get(k).answer());
                assertThat(batched.get(i).get(k).score()).isCloseTo(alone.get(k).score(), within(1e-5));
            }
        }
    }

    @Test
    void maxQuestionLenCutsTheQuestionAndBadInputIsNamed() {
        String longQuestion = words(30, 70);
        // 70 question tokens leave no room in 64: an error naming the question, unless max_question_len cuts it
        assertThatThrownBy(() -> pipe.apply(longQuestion, "w5 w6", QuestionAnsweringOptions.defaults().withMaxQuestionLen(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("question 0").hasMessageContaining("70 tokens").hasMessageContaining("max_seq_len 64");
        assertThat(pipe.apply(longQuestion, "w5 w6 w7", QuestionAnsweringOptions.defaults().withMaxQuestionLen(20))).isNotEmpty();
        // 40 tokens + 3 special leave 21 for the context: doc_stride 21 cannot advance
        assertThatThrownBy(() -> pipe.apply(words(30, 40), "w5 w6", QuestionAnsweringOptions.defaults().withDocStride(21)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("doc_stride 21 is not smaller than the room left for the context, 21 tokens");
        assertThatThrownBy(() -> new QuestionAnsweringInput("w9", "")).hasMessageContaining("`context` cannot be empty");
        assertThatThrownBy(() -> QuestionAnsweringOptions.defaults().withTopK(0)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> QuestionAnsweringOptions.defaults().withMaxSeqLen(32).withDocStride(40))
                .hasMessageContaining("`doc_stride` (40) is larger than `max_seq_len` (32)");
    }

    /** "wF w(F+1) ..." with {@code count} words, ids wrapping within w5..w127. */
    static String words(int first, int count) {
        return IntStream.range(0, count).mapToObj(i -> "w" + (5 + (first - 5 + i) % 123)).collect(Collectors.joining(" "));
    }

    static java.util.Map<String, Double> scores(List<QuestionAnsweringResult> r) {
        return r.stream().collect(Collectors.toMap(QuestionAnsweringResult::answer, QuestionAnsweringResult::score));
    }
}
