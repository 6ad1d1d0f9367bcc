package io.t4j.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.data.SquadAnswer;
import io.t4j.data.SquadExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official SQuAD v1.1 and v2.0 scores on cases worked out by hand (the arithmetic is in the comments). */
class SquadMetricTest {
    @Test
    void normalizeAnswerLowersDropsPunctuationArticlesAndExtraSpace() {
        assertThat(SquadMetric.normalizeAnswer("The Denver Broncos!")).isEqualTo("denver broncos");
        assertThat(SquadMetric.normalizeAnswer("  An apple,   a pear and THE  theatre ")).isEqualTo("apple pear and theatre");
        assertThat(SquadMetric.normalizeAnswer("a")).isEmpty();
        assertThat(SquadMetric.normalizeAnswer("U.S.A.")).isEqualTo("usa");
        assertThat(SquadMetric.normalizeAnswer("thereafter, another anthem")).isEqualTo("thereafter another anthem");
        assertThat(SquadMetric.normalizeAnswer("a-b")).isEqualTo("ab"); // punctuation goes before the articles
        // Python's \b: a letter (also a non-ASCII one) or a digit next to "a" keeps it; a no-break space does not
        assertThat(SquadMetric.normalizeAnswer("éa 2a the\u00a0end")).isEqualTo("éa 2a end");
        assertThat(SquadMetric.normalizeAnswer("Ça\u2009va")).isEqualTo("ça va"); // a thin space is Python white space
    }

    @Test
    void f1CountsCommonTokensWithRepeats() {
        // pred [denver, broncos, team], gold [denver, broncos]: P 2/3, R 1, F1 2 * (2/3) / (5/3) = 0.8
        assertThat(SquadMetric.f1Score("the Denver Broncos team", "Denver Broncos")).isCloseTo(0.8, within(1e-12));
        // pred [x, x, y], gold [x, y, y]: common min(2, 1) + min(1, 2) = 2, P = R = 2/3
        assertThat(SquadMetric.f1Score("x x y", "x y y")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(SquadMetric.f1Score("", "Broncos")).isZero();
        assertThat(SquadMetric.f1Score("", "")).isZero(); // v1.1: no common token scores 0
        assertThat(SquadV2Metric.computeF1("", "")).isEqualTo(1.0); // v2: both empty agree
        assertThat(SquadV2Metric.computeF1("the", "")).isEqualTo(1.0); // "the" normalizes to nothing
        assertThat(SquadMetric.exactMatchScore("the  Broncos.", "broncos")).isTrue();
    }

    @Test
    void squadV11TakesTheBestGoldAnswerAndScoresMissingPredictionsZero() {
        Map<String, List<String>> gold = new LinkedHashMap<>();
        gold.put("q1", List.of("Denver Broncos", "the Denver Broncos", "Broncos"));
        gold.put("q2", List.of("Warsaw"));
        gold.put("q3", List.of("Nikola Tesla", "Tesla"));
        gold.put("q4", List.of("1856"));
        Map<String, String> predictions = Map.of("q1", "denver broncos.", "q2", "Warsaw, Poland", "q3", "Tesla");
        Map<String, Double> scores = SquadMetric.compute(predictions, gold);
        // EM: 1, 0, 1 (second gold answer), 0 (no prediction) = 2/4; F1: 1, 2/3 (P 1/2, R 1), 1, 0
        assertThat(scores.keySet()).containsExactly("exact_match", "f1");
        assertThat(scores.get("exact_match")).isCloseTo(50.0, within(1e-9));
        assertThat(scores.get("f1")).isCloseTo(100.0 * (1 + 2.0 / 3 + 1 + 0) / 4, within(1e-9));
    }

    @Test
    void squadV11FromExamples() {
        String context = "Super Bowl 50 was won by the Denver Broncos.";
        List<SquadExample> examples = List.of(SquadExample.of("q1", context, "Who won?",
                new SquadAnswer("Denver Broncos", 29), new SquadAnswer("the Denver Broncos", 25)));
        Map<String, Double> s = SquadMetric.compute(Map.of("q1", "Broncos"), examples);
        assertThat(s.get("exact_match")).isZero();
        assertThat(s.get("f1")).isCloseTo(100.0 * 2 / 3, within(1e-9)); // P 1, R 1/2
        List<SquadExample> impossible = List.of(new SquadExample("q", "", context, "?", List.of(), List.of(), null));
        assertThatThrownBy(() -> SquadMetric.compute(Map.of("q", ""), impossible)).hasMessageContaining("SquadV2Metric");
    }

    private static Map<String, List<String>> v2Gold() {
        Map<String, List<String>> gold = new LinkedHashMap<>();
        gold.put("a", List.of("Normandy"));
        gold.put("b", List.of("the Seine river", "Seine"));
        gold.put("c", List.of());
        gold.put("d", List.of());
        gold.put("e", List.of("Rollo"));
        return gold;
    }

    private static Map<String, String> v2Predictions() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("a", "normandy");         // has answer: EM 1, F1 1
        p.put("b", "");                 // has answer, predicted none: 0, 0
        p.put("c", "");                 // no answer, predicted none: 1, 1
        p.put("d", "France");           // no answer, predicted one: 0, 0
        p.put("e", "Rollo the Viking"); // has answer: EM 0, F1 2/3 (P 1/2, R 1)
        return p;
    }

    @Test
    void squadV2BreaksScoresDownByHasAnsAndNoAns() {
        Map<String, Double> s = SquadV2Metric.compute(v2Predictions(), null, v2Gold(), SquadV2Metric.DEFAULT_NO_ANSWER_THRESHOLD);
        assertThat(s.keySet()).containsExactly("exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total",
                "NoAns_exact", "NoAns_f1", "NoAns_total", "best_exact", "best_exact_thresh", "best_f1", "best_f1_thresh");
        assertThat(s.get("exact")).isCloseTo(100.0 * 2 / 5, within(1e-9));
        assertThat(s.get("f1")).isCloseTo(100.0 * (2 + 2.0 / 3) / 5, within(1e-9));
        assertThat(s.get("total")).isEqualTo(5.0);
        assertThat(s.get("HasAns_exact")).isCloseTo(100.0 / 3, within(1e-9));
        assertThat(s.get("HasAns_f1")).isCloseTo(100.0 * (1 + 2.0 / 3) / 3, within(1e-9));
        assertThat(s.get("HasAns_total")).isEqualTo(3.0);
        assertThat(s.get("NoAns_exact")).isEqualTo(50.0);
        assertThat(s.get("NoAns_f1")).isEqualTo(50.0);
        assertThat(s.get("NoAns_total")).isEqualTo(2.0);
        // every probability 0: from 2 (both unanswerable right) walk a +1 = 3 (best), b +0, c 0, d -1, e +0 (EM) or
        // +2/3 (F1): best 3 of 5 for both, at threshold 0
        assertThat(s.get("best_exact")).isCloseTo(60.0, within(1e-9));
        assertThat(s.get("best_f1")).isCloseTo(60.0, within(1e-9));
        assertThat(s.get("best_exact_thresh")).isZero();
        assertThat(s.get("best_f1_thresh")).isZero();
    }

    @Test
    void squadV2NoAnswerProbabilitiesApplyTheThresholdAndFindTheBest() {
        Map<String, Double> na = Map.of("a", 0.1, "b", 0.9, "c", 0.8, "d", 0.7, "e", 0.3);
        Map<String, Double> s = SquadV2Metric.compute(v2Predictions(), na, v2Gold(), 0.5);
        // above 0.5: b (has an answer: 0), c (1), d (now right: 1) -> EM a1 b0 c1 d1 e0, F1 adds e's 2/3
        assertThat(s.get("exact")).isCloseTo(60.0, within(1e-9));
        assertThat(s.get("f1")).isCloseTo(100.0 * (3 + 2.0 / 3) / 5, within(1e-9));
        assertThat(s.get("NoAns_exact")).isEqualTo(100.0);
        // by rising probability a 0.1, e 0.3, d 0.7, c 0.8, b 0.9 from 2: EM a +1 = 3 (best, at 0.1), e 0, d -1;
        // F1 a +1 = 3, e +2/3 = 3.667 (best, at 0.3), d -1, c 0, b 0
        assertThat(s.get("best_exact")).isCloseTo(60.0, within(1e-9));
        assertThat(s.get("best_exact_thresh")).isEqualTo(0.1);
        assertThat(s.get("best_f1")).isCloseTo(100.0 * (3 + 2.0 / 3) / 5, within(1e-9));
        assertThat(s.get("best_f1_thresh")).isEqualTo(0.3);
    }

    @Test
    void squadV2FromExamplesAndMissingPredictions() {
        String context = "The Normans were in Normandy.";
        List<SquadExample> examples = List.of(SquadExample.of("a", context, "Where?", new SquadAnswer("Normandy", 20)),
                new SquadExample("b", "", context, "Danes?", List.of(), List.of(), null));
        Map<String, Double> s = SquadV2Metric.compute(Map.of("a", "in Normandy", "b", ""), examples);
        assertThat(s.get("exact")).isEqualTo(50.0); // a: EM 0, F1 2/3 ("in" too many); b: 1, 1
        assertThat(s.get("f1")).isCloseTo(100.0 * (2.0 / 3 + 1) / 2, within(1e-9));
        assertThatThrownBy(() -> SquadV2Metric.compute(Map.of("a", "x"), examples)).hasMessage("no prediction for question b");
    }
}
