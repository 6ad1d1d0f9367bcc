package io.t4j.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.trainer.metrics.Seqeval.Entity;
import io.t4j.trainer.metrics.Seqeval.Mode;
import io.t4j.trainer.metrics.Seqeval.Scheme;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * seqeval's results on cases worked out by hand from its rules (conlleval's chunk start/end rules in the default
 * mode, the scheme patterns in strict mode), including seqeval's own documentation example.
 */
class SeqevalTest {
    static final double EPS = 1e-12;

    static List<List<String>> tags(String... sentences) {
        return java.util.Arrays.stream(sentences).map(s -> List.of(s.split(" "))).toList();
    }

    static SeqevalReport report(List<List<String>> truth, List<List<String>> pred, Mode mode, Scheme scheme) {
        return Seqeval.classificationReport(truth, pred, mode, scheme, ZeroDivision.WARN);
    }

    @Test
    void seqevalDocumentationExample() {
        List<List<String>> truth = tags("O O O B-MISC I-MISC I-MISC O", "B-PER I-PER O");
        List<List<String>> pred = tags("O O B-MISC I-MISC I-MISC I-MISC O", "B-PER I-PER O");
        SeqevalReport r = Seqeval.classificationReport(truth, pred);
        assertThat(r.precision()).isEqualTo(0.5);
        assertThat(r.recall()).isEqualTo(0.5);
        assertThat(r.f1()).isEqualTo(0.5);
        assertThat(r.accuracy()).isEqualTo(0.8);
        assertThat(r.perType()).containsExactly(new SeqevalReport.TypeMetrics("MISC", 0, 0, 0, 1),
                new SeqevalReport.TypeMetrics("PER", 1, 1, 1, 1));
        assertThat(r.toTable(2)).startsWith("""
                              precision    recall  f1-score   support

                        MISC       0.00      0.00      0.00         1
                         PER       1.00      1.00      1.00         1

                   micro avg       0.50      0.50      0.50         2
                   macro avg       0.50      0.50      0.50         2
                weighted avg       0.50      0.50      0.50         2
                """);
    }

    @Test
    void mixedTypesOverallPerTypeAndAverages() {
        List<List<String>> truth = tags("B-PER I-PER O B-LOC", "B-ORG O B-MISC I-MISC");
        List<List<String>> pred = tags("B-PER I-PER O B-ORG", "B-ORG O B-MISC O");
        // true: PER, LOC, ORG, MISC(2 tokens); predicted: PER, ORG (wrong place), ORG, MISC(1 token): 2 of 4 correct
        SeqevalReport r = Seqeval.classificationReport(truth, pred);
        assertThat(r.toMap()).containsExactly(Map.entry("precision", 0.5), Map.entry("recall", 0.5), Map.entry("f1", 0.5),
                Map.entry("accuracy", 0.75));
        assertThat(r.perType()).extracting(SeqevalReport.TypeMetrics::type).containsExactly("LOC", "MISC", "ORG", "PER");
        SeqevalReport.TypeMetrics org = r.perType().get(2);
        assertThat(org.precision()).isEqualTo(0.5);
        assertThat(org.recall()).isEqualTo(1.0);
        assertThat(org.f1()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(r.macroAvg().precision()).isEqualTo(0.375);
        assertThat(r.macroAvg().recall()).isEqualTo(0.5);
        assertThat(r.macroAvg().f1()).isCloseTo((2.0 / 3 + 1) / 4, within(EPS));
        assertThat(r.weightedAvg().f1()).isCloseTo((2.0 / 3 + 1) / 4, within(EPS)); // every support is 1
        assertThat(r.microAvg().support()).isEqualTo(4);
        Map<String, Double> entity = r.toEntityLevelMap();
        assertThat(entity.keySet()).containsExactly("LOC_precision", "LOC_recall", "LOC_f1", "LOC_number",
                "MISC_precision", "MISC_recall", "MISC_f1", "MISC_number", "ORG_precision", "ORG_recall", "ORG_f1",
                "ORG_number", "PER_precision", "PER_recall", "PER_f1", "PER_number",
                "overall_precision", "overall_recall", "overall_f1", "overall_accuracy");
        assertThat(entity.get("ORG_number")).isEqualTo(1.0);
        assertThat(entity.get("overall_accuracy")).isEqualTo(0.75);
    }

    @Test
    void anIAfterOStartsAnEntityInDefaultModeButNotInStrictMode() {
        List<List<String>> truth = tags("O B-PER I-PER O");
        List<List<String>> pred = tags("O I-PER I-PER O");
        assertThat(Seqeval.entities(pred.getFirst(), 0)).containsExactly(new Entity(0, "PER", 1, 3));
        assertThat(Seqeval.entities(pred.getFirst(), 0, Scheme.IOB2)).isEmpty();
        SeqevalReport conlleval = report(truth, pred, Mode.DEFAULT, null);
        assertThat(conlleval.f1()).isEqualTo(1.0);
        SeqevalReport strict = report(truth, pred, Mode.STRICT, Scheme.IOB2);
        assertThat(strict.precision()).isZero(); // nothing predicted: 0/0 is 0 (zero_division="warn")
        assertThat(strict.recall()).isZero();
        assertThat(strict.f1()).isZero();
        assertThat(strict.accuracy()).isEqualTo(0.75);
        assertThat(strict.scheme()).isEqualTo(Scheme.IOB2);
    }

    @Test
    void anIOfAnotherTypeAfterBSplitsInDefaultModeAndEndsTheEntityInStrictMode() {
        List<List<String>> truth = tags("B-LOC B-PER O");
        List<List<String>> pred = tags("B-LOC I-PER O");
        assertThat(Seqeval.entities(pred.getFirst(), 0)).containsExactly(new Entity(0, "LOC", 0, 1), new Entity(0, "PER", 1, 2));
        assertThat(Seqeval.entities(pred.getFirst(), 0, Scheme.IOB2)).containsExactly(new Entity(0, "LOC", 0, 1));
        assertThat(report(truth, pred, Mode.DEFAULT, null).f1()).isEqualTo(1.0);
        SeqevalReport strict = report(truth, pred, Mode.STRICT, Scheme.IOB2);
        assertThat(strict.precision()).isEqualTo(1.0);
        assertThat(strict.recall()).isEqualTo(0.5);
        assertThat(strict.f1()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(strict.perType()).containsExactly(new SeqevalReport.TypeMetrics("LOC", 1, 1, 1, 1),
                new SeqevalReport.TypeMetrics("PER", 0, 0, 0, 1));
    }

    @Test
    void entitiesAtTheEndOfASentenceCloseThereAndDoNotRunIntoTheNext() {
        assertThat(Seqeval.entities(List.of("O", "B-PER", "I-PER"), 0)).containsExactly(new Entity(0, "PER", 1, 3));
        assertThat(Seqeval.entities(List.of("O", "B-PER", "I-PER"), 0, Scheme.IOB2)).containsExactly(new Entity(0, "PER", 1, 3));
        // an I-PER opening the next sentence is its own entity, not the continuation of the last one
        List<List<String>> truth = tags("O B-PER", "I-PER O");
        List<List<String>> pred = tags("O B-PER", "B-PER O");
        SeqevalReport r = Seqeval.classificationReport(truth, pred);
        assertThat(r.microAvg().support()).isEqualTo(2);
        assertThat(r.f1()).isEqualTo(1.0);
        // strict IOB2: the true I-PER opening sentence 1 is no entity, so one of the two predicted PER is wrong
        SeqevalReport strict = report(truth, pred, Mode.STRICT, Scheme.IOB2);
        assertThat(strict.precision()).isEqualTo(0.5);
        assertThat(strict.recall()).isEqualTo(1.0);
    }

    @Test
    void zeroDivisionWhenNothingIsPredictedOrNothingIsTrue() {
        List<List<String>> truth = tags("B-PER O");
        List<List<String>> none = tags("O O");
        SeqevalReport warn = Seqeval.classificationReport(truth, none);
        assertThat(warn.precision()).isZero();
        assertThat(warn.recall()).isZero();
        assertThat(warn.f1()).isZero();
        SeqevalReport one = Seqeval.classificationReport(truth, none, Mode.DEFAULT, null, ZeroDivision.ONE);
        assertThat(one.precision()).isEqualTo(1.0);
        assertThat(one.recall()).isZero();
        assertThat(one.f1()).isZero();

        SeqevalReport empty = Seqeval.classificationReport(none, none);
        assertThat(empty.perType()).isEmpty();
        assertThat(empty.toMap()).containsExactly(Map.entry("precision", 0.0), Map.entry("recall", 0.0),
                Map.entry("f1", 0.0), Map.entry("accuracy", 1.0));
        assertThat(empty.macroAvg().f1()).isNaN(); // numpy's mean of no types
        assertThat(Seqeval.classificationReport(none, none, Mode.DEFAULT, null, ZeroDivision.ONE).f1()).isEqualTo(1.0);
        assertThatThrownBy(() -> Seqeval.classificationReport(tags("O"), tags("O O")))
                .hasMessageContaining("inconsistent numbers of samples");
    }

    @Test
    void strictSchemes() {
        assertThat(Seqeval.entities(List.of("S-PER", "O", "B-LOC", "I-LOC", "E-LOC"), 0, Scheme.IOBES))
                .containsExactly(new Entity(0, "PER", 0, 1), new Entity(0, "LOC", 2, 5));
        assertThat(Seqeval.entities(List.of("S-PER", "O", "B-LOC", "I-LOC", "E-LOC"), 0))
                .containsExactly(new Entity(0, "PER", 0, 1), new Entity(0, "LOC", 2, 5));
        // an IOBES chunk that never reaches its E- does not count
        assertThat(Seqeval.entities(List.of("B-LOC", "I-LOC", "O"), 0, Scheme.IOBES)).isEmpty();
        assertThat(Seqeval.entities(List.of("U-PER", "O", "B-LOC", "I-LOC", "L-LOC"), 0, Scheme.BILOU))
                .containsExactly(new Entity(0, "PER", 0, 1), new Entity(0, "LOC", 2, 5));
        // IOB1: B- only separates two chunks of one type
        assertThat(Seqeval.entities(List.of("I-PER", "I-PER", "B-PER", "O"), 0, Scheme.IOB1))
                .containsExactly(new Entity(0, "PER", 0, 2), new Entity(0, "PER", 2, 3));
        // IOE1: E- only ends a chunk followed by one of the same type
        assertThat(Seqeval.entities(List.of("I-PER", "I-PER", "E-PER", "I-PER", "O"), 0, Scheme.IOE1))
                .containsExactly(new Entity(0, "PER", 0, 3), new Entity(0, "PER", 3, 4));
        // IOE2: every chunk ends with E-
        assertThat(Seqeval.entities(List.of("I-PER", "E-PER", "E-LOC", "O"), 0, Scheme.IOE2))
                .containsExactly(new Entity(0, "PER", 0, 2), new Entity(0, "LOC", 2, 3));
        assertThatThrownBy(() -> Seqeval.entities(List.of("B-PER", "E-PER"), 0, Scheme.IOB2))
                .hasMessageContaining("Invalid token is found: E-PER. Allowed prefixes are: I|O|B.");
        assertThat(Seqeval.autoDetect(tags("B-PER I-PER O"))).isEqualTo(Scheme.IOB2);
        assertThat(Seqeval.autoDetect(tags("U-PER O B-LOC I-LOC L-LOC"))).isEqualTo(Scheme.BILOU);
        assertThat(Seqeval.autoDetect(tags("S-PER O B-LOC E-LOC"))).isEqualTo(Scheme.IOBES);
        assertThatThrownBy(() -> Seqeval.autoDetect(tags("I-PER O"))).hasMessageContaining("This scheme is not supported");
        assertThat(report(tags("B-PER I-PER O"), tags("B-PER I-PER O"), Mode.STRICT, null).scheme()).isEqualTo(Scheme.IOB2);
        assertThat(Scheme.fromName("iobes")).isEqualTo(Scheme.IOBES);
    }

    @Test
    void computeMetricsTakesLogitsAndSkipsMinus100LikeRunNer() {
        List<String> labels = List.of("O", "B-PER", "I-PER");
        float[] o = {3, 1, 0};
        float[] b = {0, 2, 1};
        float[] i = {0, 1, 2};
        float[] tie = {1, 1, 0}; // numpy's argmax takes the first maximum: O
        float[][][] predictions = {{i, b, i, i, o}, {tie, b, b, o, o}};
        int[][] gold = {{-100, 1, 2, -100, 0}, {0, 1, 2, -100, -100}};
        // sentence 0 keeps B-PER I-PER O (correct); sentence 1 keeps O B-PER B-PER against O B-PER I-PER
        Map<String, Double> m = Seqeval.computeMetrics(predictions, gold, labels, false);
        assertThat(m.keySet()).containsExactly("precision", "recall", "f1", "accuracy");
        assertThat(m.get("precision")).isCloseTo(1.0 / 3, within(EPS));
        assertThat(m.get("recall")).isEqualTo(0.5);
        assertThat(m.get("f1")).isCloseTo(0.4, within(EPS));
        assertThat(m.get("accuracy")).isCloseTo(5.0 / 6, within(EPS));
        Map<String, Double> entity = Seqeval.computeMetrics(predictions, gold, labels, true);
        assertThat(entity).containsEntry("PER_number", 2.0).containsEntry("overall_recall", 0.5);
        assertThat(entity.get("PER_f1")).isCloseTo(0.4, within(EPS));

        assertThatThrownBy(() -> Seqeval.computeMetrics(predictions, new int[][] {{-100, 3, 2, -100, 0}, gold[1]}, labels, false))
                .hasMessageContaining("row 0 position 1: label id 3 is out of range for the 3 labels");
        assertThatThrownBy(() -> Seqeval.computeMetrics(predictions, new int[][] {gold[0]}, labels, false))
                .hasMessageContaining("predictions has 2 rows but labels has 1");
    }
}
