package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** utils_qa's post-processing on logits chosen so that every candidate span can be worked out by hand. */
class QaPostprocessingTest {
    static final String CONTEXT = QaFeaturesTest.CONTEXT;
    static final SquadExample EXAMPLE = QaFeaturesTest.example("beta");
    // [CLS] what? [SEP] alpha beta gamma [SEP]: context offsets only (run_qa's validation features)
    static final int[] OFFSETS = {-1, -1, -1, -1, -1, -1, 0, 5, 6, 10, 11, 16, -1, -1};
    static final float[] START = {10, 8, 0, 1, 3, 2, 0};
    static final float[] END = {10, 0, 0, 4, 1, 5, 0};

    private static QaPredictions oneWindow(QaPostprocessOptions options) {
        return QaPostprocessing.postprocessQaPredictions(List.of(EXAMPLE), new String[] {"q"}, new int[][] {OFFSETS},
                new float[][] {START}, new float[][] {END}, options);
    }

    private static double[] softmax(double... scores) {
        double max = java.util.Arrays.stream(scores).max().orElseThrow();
        double sum = java.util.Arrays.stream(scores).map(s -> Math.exp(s - max)).sum();
        return java.util.Arrays.stream(scores).map(s -> Math.exp(s - max) / sum).toArray();
    }

    @Test
    void nBestSpansSkipNullOffsetsReversedAndLongSpans() {
        // top-5 starts 0, 1, 4, 5, 3; top-5 ends 0, 5, 3, 4, 6 (the zeros tie: the later index first). Positions 0,
        // 1 and 6 are not context; valid spans: beta..gamma 3+5, gamma 2+5, alpha..gamma 1+5, alpha 1+4, beta 3+1,
        // alpha..beta 1+1 (the sixth, cut by n_best_size 5)
        QaPredictions p = oneWindow(new QaPostprocessOptions(false, 5, 30, 0));
        assertThat(p.predictions()).containsExactly(java.util.Map.entry("q", "beta gamma"));
        List<QaPredictions.Answer> nbest = p.nbest().get("q");
        assertThat(nbest).extracting(QaPredictions.Answer::text).containsExactly("beta gamma", "gamma", "alpha beta gamma", "alpha", "beta");
        assertThat(nbest).extracting(QaPredictions.Answer::score).containsExactly(8f, 7f, 6f, 5f, 4f);
        double[] expected = softmax(8, 7, 6, 5, 4);
        for (int i = 0; i < expected.length; i++) {
            assertThat(nbest.get(i).probability()).isCloseTo(expected[i], within(1e-12));
        }
        assertThat(nbest.getFirst()).isEqualTo(new QaPredictions.Answer("beta gamma", 6, 16, 3f, 5f, 8f, expected[0]));
        assertThat(p.nullOdds()).isNull();

        QaPredictions short2 = oneWindow(new QaPostprocessOptions(false, 5, 2, 0)); // alpha..gamma is 3 tokens
        assertThat(short2.nbest().get("q")).extracting(QaPredictions.Answer::text)
                .containsExactly("beta gamma", "gamma", "alpha", "beta", "alpha beta");
        QaPredictions top3 = oneWindow(new QaPostprocessOptions(false, 3, 30, 0)); // starts 0, 1, 4; ends 0, 5, 3
        assertThat(top3.nbest().get("q")).extracting(QaPredictions.Answer::text).containsExactly("beta gamma");
        assertThat(top3.nbest().get("q").getFirst().probability()).isEqualTo(1.0);
    }

    @Test
    void noValidSpanGivesHfsEmptyStandIn() {
        QaPredictions p = oneWindow(new QaPostprocessOptions(false, 3, 1, 0)); // beta..gamma is too long
        assertThat(p.predictions().get("q")).isEqualTo("empty");
        assertThat(p.nbest().get("q")).containsExactly(new QaPredictions.Answer("empty", 0, 0, 0f, 0f, 0f, 1.0));
    }

    @Test
    void versionTwoComparesTheNullScoreWithTheThreshold() {
        // null score 10 + 10 = 20; best span beta..gamma 3 + 5 = 8: the difference 12
        QaPredictions p = oneWindow(new QaPostprocessOptions(true, 3, 30, 0));
        assertThat(p.predictions().get("q")).isEmpty();
        assertThat(p.nullOdds()).containsEntry("q", 12.0);
        assertThat(p.nbest().get("q")).extracting(QaPredictions.Answer::text).containsExactly("", "beta gamma");
        double[] expected = softmax(20, 8);
        assertThat(p.nbest().get("q").get(0).probability()).isCloseTo(expected[0], within(1e-12));
        assertThat(oneWindow(new QaPostprocessOptions(true, 3, 30, 12.5)).predictions().get("q")).isEqualTo("beta gamma");
        // the null answer needs a difference of more than the threshold
        assertThat(oneWindow(new QaPostprocessOptions(true, 3, 30, 12.0)).predictions().get("q")).isEqualTo("beta gamma");
        assertThat(oneWindow(new QaPostprocessOptions(true, 3, 30, 11.5)).predictions().get("q")).isEmpty();
        // only the null answer: HF's "empty" stand-in is the best non-null answer, with logits 0
        QaPredictions none = oneWindow(new QaPostprocessOptions(true, 3, 1, 0));
        assertThat(none.nbest().get("q")).extracting(QaPredictions.Answer::text).containsExactly("empty", "");
        assertThat(none.nullOdds()).containsEntry("q", 20.0);
        assertThat(none.predictions().get("q")).isEmpty();
    }

    @Test
    void allWindowsOfAnExampleCompeteAndTheNullScoreIsTheirMinimum() {
        Dataset features = QaFeatures.validationFeatures(List.of(EXAMPLE), QaFeaturesTest.threeWindows(), true);
        float[][] start = {
                {1, 0, 0, -2, -2, -2, 0},     // window 0: alpha beta gamma
                {5, 0, 0, -1, 4, -1, 0},      // window 1: gamma delta epsilon
                {0.5f, 0, 0, 3, -1, 0, -9}};  // window 2: epsilon zeta [SEP] [PAD]
        float[][] end = {
                {1, 0, 0, -2, -2, -2, 0},
                {5, 0, 0, -1, 4, -1, 0},
                {0.5f, 0, 0, 3, -1, 0, -9}};
        QaPredictions p = QaPostprocessing.postprocessQaPredictions(List.of(EXAMPLE), features, start, end,
                new QaPostprocessOptions(true, 20, 30, 0));
        // delta (window 1) 4 + 4 = 8 beats epsilon (window 2) 3 + 3 = 6; the null score is window 2's 0.5 + 0.5
        assertThat(p.predictions().get("q")).isEqualTo("delta");
        assertThat(p.nullOdds().get("q")).isEqualTo(1.0 - 8.0);
        List<QaPredictions.Answer> nbest = p.nbest().get("q");
        assertThat(nbest.get(0)).extracting(QaPredictions.Answer::text, QaPredictions.Answer::start, QaPredictions.Answer::end)
                .containsExactly("delta", 17, 22);
        assertThat(nbest.get(1).text()).isEqualTo("epsilon");
        assertThat(nbest).extracting(QaPredictions.Answer::text).contains("").hasSizeLessThanOrEqualTo(21);
        assertThat(nbest.stream().mapToDouble(QaPredictions.Answer::probability).sum()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void mismatchedInputsAreErrors() {
        assertThatThrownBy(() -> QaPostprocessing.postprocessQaPredictions(List.of(EXAMPLE), new String[] {"other"},
                new int[][] {OFFSETS}, new float[][] {START}, new float[][] {END}, QaPostprocessOptions.defaults()))
                .hasMessage("feature 0 belongs to question other, which is not among the examples");
        assertThatThrownBy(() -> QaPostprocessing.postprocessQaPredictions(List.of(EXAMPLE), new String[] {"q"},
                new int[][] {OFFSETS}, new float[][] {START, START}, new float[][] {END}, QaPostprocessOptions.defaults()))
                .hasMessage("got 2 start and 1 end logit rows, 1 offset rows for 1 features");
    }

    @Test
    void writesHfsPredictionFiles(@TempDir Path dir) throws Exception {
        oneWindow(new QaPostprocessOptions(false, 3, 30, 0)).writeTo(dir, "eval");
        assertThat(Files.readString(dir.resolve("eval_predictions.json"))).isEqualTo("{\n    \"q\": \"beta gamma\"\n}\n");
        assertThat(Files.readString(dir.resolve("eval_nbest_predictions.json"))).isEqualTo("""
                {
                    "q": [
                        {
                            "start_logit": 3.0,
                            "end_logit": 5.0,
                            "text": "beta gamma",
                            "probability": 1.0
                        }
                    ]
                }
                """);
        assertThat(dir.resolve("eval_null_odds.json")).doesNotExist();
        oneWindow(QaPostprocessOptions.versionTwo()).writeTo(dir, null);
        assertThat(Files.readString(dir.resolve("null_odds.json"))).isEqualTo("{\n    \"q\": 12.0\n}\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
