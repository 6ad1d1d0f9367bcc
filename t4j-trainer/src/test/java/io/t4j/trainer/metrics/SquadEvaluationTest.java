package io.t4j.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.data.Dataset;
import io.t4j.data.QaFeatures;
import io.t4j.data.QaPostprocessOptions;
import io.t4j.data.QaPostprocessing;
import io.t4j.data.QaPredictions;
import io.t4j.data.QaWindows;
import io.t4j.data.SquadAnswer;
import io.t4j.data.SquadExample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * run_qa's evaluation path without a model: validation features, logits, {@code postprocess_qa_predictions}, then
 * the {@code squad_v2} metric.
 */
class SquadEvaluationTest {
    @Test
    void validationFeaturesToPredictionsToSquadV2Scores() {
        String context = "Rollo led the Normans";
        // offsets: Rollo 0-5, led 6-9, the 10-13, Normans 14-21
        List<SquadExample> examples = List.of(
                SquadExample.of("has", context, "Who led?", new SquadAnswer("Rollo", 0)),
                new SquadExample("none", "", context, "Who led the Danes?", List.of(), List.of(), null));
        int n = QaWindows.NONE;
        int[] offsets = {0, 0, 0, 3, 0, 0, 0, 5, 6, 9, 10, 13, 14, 21, 0, 0};
        int[] seq = {n, 0, n, 1, 1, 1, 1, n};
        int[] ids = {101, 7, 102, 10, 11, 12, 13, 102};
        QaWindows windows = new QaWindows(new int[][] {ids, ids}, null, null, new int[][] {offsets, offsets},
                new int[][] {seq, seq}, new int[] {0, 1});
        Dataset features = QaFeatures.validationFeatures(examples, windows, true);
        float[][] start = {{1, 0, 0, 6, 0, 0, 2, 0}, {9, 0, 0, 1, 0, 0, 2, 0}};
        float[][] end = {{1, 0, 0, 6, 0, 0, 3, 0}, {9, 0, 0, 1, 0, 0, 3, 0}};
        QaPredictions p = QaPostprocessing.postprocessQaPredictions(examples, features, start, end, QaPostprocessOptions.versionTwo());
        // "has": Rollo 6 + 6 = 12 against null 1 + 1 = 2 -> "Rollo"; "none": best Rollo..Normans 1 + 3 = 4 (Normans
        // 2 + 3 = 5 is better) against null 18 -> ""
        assertThat(p.predictions()).containsExactly(Map.entry("has", "Rollo"), Map.entry("none", ""));
        assertThat(p.nullOdds()).containsEntry("has", 2.0 - 12.0).containsEntry("none", 18.0 - 5.0);
        Map<String, Double> scores = SquadV2Metric.compute(p.predictions(), examples);
        assertThat(scores.get("exact")).isEqualTo(100.0);
        assertThat(scores.get("HasAns_f1")).isEqualTo(100.0);
        assertThat(scores.get("NoAns_exact")).isEqualTo(100.0);
        assertThat(SquadMetric.compute(Map.of("has", p.predictions().get("has")), examples.subList(0, 1)).get("f1"))
                .isCloseTo(100.0, within(1e-12));
    }
}
