package io.t4j.trainer.metrics;

import io.t4j.data.Dataset;
import io.t4j.data.NdArray;
import io.t4j.data.QaPostprocessOptions;
import io.t4j.data.QaPostprocessing;
import io.t4j.data.QaPredictions;
import io.t4j.data.SquadExample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * run_qa.py's evaluation as a {@code compute_metrics}: its {@code post_processing_function} (utils_qa's
 * {@code postprocess_qa_predictions} over all windows of each question) then the {@code squad} metric, or
 * {@code squad_v2} with {@code version_2_with_negative}. It holds the examples and the features they were cut into,
 * so the Trainer stays task-neutral: give it as {@code computeMetrics} with an eval dataset made by
 * {@link io.t4j.data.QaFeatures#prepareEvaluationFeatures} (the same features, in the same order), and
 * {@code trainer.evaluate()} returns {@code eval_exact_match} and {@code eval_f1} (v2: {@code eval_exact},
 * {@code eval_f1}, {@code eval_HasAns_*}, {@code eval_NoAns_*}, {@code eval_best_*}) next to {@code eval_loss}.
 * For predictions without gold answers, {@link #postprocess} turns {@code trainer.predict(features)}'s arrays into
 * answers.
 *
 * <p>Logits are read at the features' own positions: with a tokenizer that pads on the left, make the features
 * padded to {@code max_seq_length} (run_qa's {@code pad_to_max_length}), since a collator padding shorter batches on
 * the left would shift them.
 */
public final class QuestionAnsweringEvaluation implements Function<EvalPrediction, Map<String, Double>> {
    private final List<SquadExample> examples;
    private final String[] featureExampleIds;
    private final int[][] featureOffsets;
    private final QaPostprocessOptions options;
    private volatile QaPredictions last;

    /**
     * @param examples the questions (with their gold answers, to score)
     * @param features their validation features ({@code example_id} and {@code offset_mapping} columns), in the order
     *     the Trainer evaluates them
     * @param options utils_qa's arguments ({@code n_best_size}, {@code max_answer_length}, v2 and its threshold)
     */
    public QuestionAnsweringEvaluation(List<SquadExample> examples, Dataset features, QaPostprocessOptions options) {
        this.examples = List.copyOf(examples);
        this.featureExampleIds = features.strings("example_id").values();
        var offsets = features.tokens("offset_mapping");
        this.featureOffsets = new int[offsets.size()][];
        for (int i = 0; i < featureOffsets.length; i++) {
            featureOffsets[i] = offsets.row(i);
        }
        this.options = options;
    }

    /** run_qa's {@code compute_metrics}: the predictions' answers scored against the examples' gold answers. */
    @Override
    public Map<String, Double> apply(EvalPrediction prediction) {
        return score(postprocess(prediction.predictionsTuple()));
    }

    /**
     * run_qa's {@code post_processing_function}: the gathered {@code (start_logits, end_logits)} [features, T] back to
     * one answer per question (and the n best). The result is also kept as {@link #lastPredictions()}.
     */
    public QaPredictions postprocess(List<NdArray> predictions) {
        if (predictions.size() < 2) {
            throw new IllegalArgumentException("question answering needs (start_logits, end_logits), got "
                    + predictions.size() + " prediction array(s)");
        }
        NdArray start = predictions.get(0);
        NdArray end = predictions.get(1);
        if (start.rank() != 2 || end.rank() != 2 || start.shape()[0] != featureExampleIds.length
                || end.shape()[0] != featureExampleIds.length) {
            throw new IllegalArgumentException("start and end logits of shapes " + Arrays.toString(start.shape()) + " and "
                    + Arrays.toString(end.shape()) + " do not match the " + featureExampleIds.length
                    + " features [features, T] the examples were cut into");
        }
        QaPredictions p = QaPostprocessing.postprocessQaPredictions(examples, featureExampleIds, featureOffsets,
                start.rows(), end.rows(), options);
        last = p;
        return p;
    }

    /** The {@code squad} metric ({@code exact_match}, {@code f1}), or {@code squad_v2} with version 2. */
    public Map<String, Double> score(QaPredictions predictions) {
        return options.versionTwoWithNegative()
                ? SquadV2Metric.compute(predictions.predictions(), examples)
                : SquadMetric.compute(predictions.predictions(), examples);
    }

    /** The predictions of the latest evaluation (HF writes them as {@code eval_predictions.json}), or null. */
    public QaPredictions lastPredictions() {
        return last;
    }

    public List<SquadExample> examples() {
        return examples;
    }

    public QaPostprocessOptions options() {
        return options;
    }
}
