package io.t4j.cli;

import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.trainer.metrics.Average;
import io.t4j.trainer.metrics.EvalPrediction;
import io.t4j.trainer.metrics.Metrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The glue between a labelled dataset and a classification model: labels, head size and metrics. */
public final class ClassificationSetup {
    private ClassificationSetup() {}

    /** The dataset's class names (its ClassLabel), in id order. */
    public static List<String> labelNames(Dataset ds, String labelColumn) {
        Feature.ClassLabel label = ds.classLabel(labelColumn);
        return label.names();
    }

    /**
     * The model with a head for {@code names}. A checkpoint that already has a head of another size is an error
     * (HF fails on the shape mismatch): name both counts instead of a shape.
     */
    public static SequenceClassificationModel<?> modelFor(Path dir, List<String> names) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        boolean hasHead = config.architectures() != null
                && config.architectures().stream().anyMatch(a -> a.endsWith("ForSequenceClassification"));
        if (hasHead && config.numLabels() != names.size()) {
            throw new IllegalArgumentException(dir + ": the model's classification head has num_labels="
                    + config.numLabels() + " " + config.id2label().values() + " but the data has " + names.size()
                    + " labels " + names + "; train from the base model or give matching --class-names");
        }
        Map<Integer, String> id2label = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            id2label.put(i, names.get(i));
        }
        return AutoModelForSequenceClassification.fromPretrained(dir, PretrainedOptions.defaults().withId2label(id2label));
    }

    /** {@code compute_metrics}: accuracy, and precision/recall/F1 (binary for two classes, else macro). */
    public static Function<EvalPrediction, Map<String, Double>> computeMetrics(int numLabels) {
        Average average = numLabels == 2 ? Average.BINARY : Average.MACRO;
        return p -> {
            int[] pred = p.argmax();
            int[] gold = p.labelIds().toInts();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", Metrics.accuracy(gold, pred));
            m.put("precision", Metrics.precision(gold, pred, average));
            m.put("recall", Metrics.recall(gold, pred, average));
            m.put("f1", Metrics.f1(gold, pred, average));
            return m;
        };
    }
}
