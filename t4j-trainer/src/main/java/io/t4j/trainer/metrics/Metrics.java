package io.t4j.trainer.metrics;

import io.t4j.data.NdArray;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classification metrics with scikit-learn's semantics (sklearn/metrics/_classification.py, _ranking.py), the ones
 * HF examples compute in {@code compute_metrics}: accuracy, precision/recall/F1 (binary, macro, micro, weighted,
 * {@code zero_division}), the confusion matrix, and binary ROC-AUC.
 *
 * <p>As in sklearn, the classes are the sorted union of the labels in {@code yTrue} and {@code yPred}.
 */
public final class Metrics {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    private Metrics() {}

    /**
     * The {@code compute_metrics} of HF's text-classification examples:
     * {@code {"accuracy": (predictions.argmax(-1) == label_ids).mean()}}.
     */
    public static final Function<EvalPrediction, Map<String, Double>> ACCURACY =
            p -> Map.of("accuracy", accuracy(p.labelIds().toInts(), p.argmax()));

    /**
     * The {@code compute_metrics} of HF's run_classification.py for multi-label classification: logits above 0
     * (sigmoid above 0.5) become a multi-hot prediction, scored against the 0/1 targets [N,L] with
     * {@code f1(average="micro")}: {@code {"f1": 2 TP / (2 TP + FP + FN)}} over every (example, label) pair.
     */
    public static final Function<EvalPrediction, Map<String, Double>> MULTI_LABEL_F1 = p -> {
        NdArray logits = p.predictions();
        NdArray targets = p.labelIds();
        if (targets == null || targets.rank() != 2 || !java.util.Arrays.equals(targets.shape(), logits.shape())) {
            throw new IllegalArgumentException("multi-label F1 takes logits and 0/1 targets of one shape [N, num_labels], got "
                    + java.util.Arrays.toString(logits.shape()) + " and "
                    + (targets == null ? "no labels" : java.util.Arrays.toString(targets.shape())));
        }
        int[] yPred = new int[logits.size()];
        int[] yTrue = new int[targets.size()];
        for (int i = 0; i < yPred.length; i++) {
            yPred[i] = logits.value(i) > 0 ? 1 : 0;
            yTrue[i] = targets.value(i) > 0.5 ? 1 : 0;
        }
        return Map.of("f1", precisionRecallF1(yTrue, yPred, Average.BINARY, ZeroDivision.WARN).f1()); // micro over the indicator matrix
    };

    /** HF's run_classification.py for regression: {@code {"mse": mean((predictions.squeeze() - labels)^2)}}. */
    public static final Function<EvalPrediction, Map<String, Double>> MSE = p -> {
        NdArray predictions = p.predictions();
        NdArray labels = p.labelIds();
        if (labels == null || predictions.size() != labels.size()) {
            throw new IllegalArgumentException("mse takes one prediction per label, got " + predictions.size()
                    + " predictions and " + (labels == null ? "no" : labels.size()) + " labels");
        }
        double sum = 0;
        for (int i = 0; i < labels.size(); i++) {
            double d = predictions.value(i) - labels.value(i);
            sum += d * d;
        }
        return Map.of("mse", sum / labels.size());
    };

    /** {@code accuracy_score}: the fraction of exact matches. */
    public static double accuracy(int[] yTrue, int[] yPred) {
        checkLengths(yTrue, yPred);
        int hit = 0;
        for (int i = 0; i < yTrue.length; i++) {
            hit += yTrue[i] == yPred[i] ? 1 : 0;
        }
        return (double) hit / yTrue.length;
    }

    /** {@code precision_recall_fscore_support(average=..., zero_division=...)} with {@code pos_label=1}. */
    public static PrecisionRecallF1 precisionRecallF1(int[] yTrue, int[] yPred, Average average, ZeroDivision zeroDivision) {
        checkLengths(yTrue, yPred);
        int[] labels = classes(yTrue, yPred);
        if (average == Average.BINARY) {
            labels = binaryLabels(labels);
        }
        double[][] sums = counts(yTrue, yPred, labels); // tp, pred, true per label
        double[] tp = sums[0];
        double[] pred = sums[1];
        double[] truth = sums[2];
        if (average == Average.MICRO) {
            tp = new double[] {Arrays.stream(tp).sum()};
            pred = new double[] {Arrays.stream(pred).sum()};
            truth = new double[] {Arrays.stream(truth).sum()};
        }
        double[] precision = divide(tp, pred, zeroDivision, "Precision");
        double[] recall = divide(tp, truth, zeroDivision, "Recall");
        double[] f = divide(scale(tp, 2), add(truth, pred), zeroDivision, "F-score");
        double[] weights = average == Average.WEIGHTED ? truth : null;
        return new PrecisionRecallF1(nanAverage(precision, weights), nanAverage(recall, weights), nanAverage(f, weights));
    }

    public static double f1(int[] yTrue, int[] yPred, Average average) {
        return precisionRecallF1(yTrue, yPred, average, ZeroDivision.WARN).f1();
    }

    public static double precision(int[] yTrue, int[] yPred, Average average) {
        return precisionRecallF1(yTrue, yPred, average, ZeroDivision.WARN).precision();
    }

    public static double recall(int[] yTrue, int[] yPred, Average average) {
        return precisionRecallF1(yTrue, yPred, average, ZeroDivision.WARN).recall();
    }

    /**
     * {@code confusion_matrix}: {@code C[i][j]} counts examples of class {@code labels[i]} predicted as
     * {@code labels[j]}, the labels being the sorted union of both arrays (see {@link #classes}).
     */
    public static long[][] confusionMatrix(int[] yTrue, int[] yPred) {
        checkLengths(yTrue, yPred);
        int[] labels = classes(yTrue, yPred);
        long[][] c = new long[labels.length][labels.length];
        for (int i = 0; i < yTrue.length; i++) {
            c[Arrays.binarySearch(labels, yTrue[i])][Arrays.binarySearch(labels, yPred[i])]++;
        }
        return c;
    }

    /** The sorted distinct labels of both arrays: the rows and columns of {@link #confusionMatrix}. */
    public static int[] classes(int[] yTrue, int[] yPred) {
        TreeSet<Integer> set = new TreeSet<>();
        Arrays.stream(yTrue).forEach(set::add);
        Arrays.stream(yPred).forEach(set::add);
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code roc_auc_score} for binary targets (0/1) and scores of the positive class: the trapezoidal area under the
     * ROC curve, with tied scores forming one point of the curve, as sklearn's {@code roc_curve} does.
     */
    public static double rocAuc(int[] yTrue, double[] scores) {
        if (yTrue.length != scores.length) {
            throw new IllegalArgumentException("y_true has " + yTrue.length + " values but y_score has " + scores.length);
        }
        Integer[] order = new Integer[scores.length];
        long positives = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (yTrue[i] != 0 && yTrue[i] != 1) {
                throw new IllegalArgumentException("roc_auc_score takes binary y_true (0/1); found label " + yTrue[i]);
            }
            positives += yTrue[i];
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("Only one class present in y_true. ROC AUC score is not defined in that case.");
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double area = 0;
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < order.length; ) {
            long tp0 = tp;
            long fp0 = fp;
            int j = i;
            for (; j < order.length && scores[order[j]] == scores[order[i]]; j++) {
                tp += yTrue[order[j]];
                fp += 1 - yTrue[order[j]];
            }
            area += (fp - fp0) * (tp + tp0) / 2.0; // one trapezoid per distinct threshold
            i = j;
        }
        return area / ((double) positives * negatives);
    }

    private static int[] binaryLabels(int[] present) {
        if (present.length > 2) {
            throw new IllegalArgumentException("Target is multiclass but average='binary'. Please choose another average "
                    + "setting, one of [macro, micro, weighted] (labels present: " + Arrays.toString(present) + ")");
        }
        if (Arrays.binarySearch(present, 1) < 0 && present.length == 2) {
            throw new IllegalArgumentException("pos_label=1 is not a valid label. It should be one of " + Arrays.toString(present));
        }
        return new int[] {1};
    }

    private static double[][] counts(int[] yTrue, int[] yPred, int[] labels) {
        double[][] s = new double[3][labels.length];
        for (int i = 0; i < yTrue.length; i++) {
            int t = Arrays.binarySearch(labels, yTrue[i]);
            int p = Arrays.binarySearch(labels, yPred[i]);
            if (p >= 0) {
                s[1][p]++;
            }
            if (t >= 0) {
                s[2][t]++;
                if (yTrue[i] == yPred[i]) {
                    s[0][t]++;
                }
            }
        }
        return s;
    }

    private static double[] divide(double[] num, double[] den, ZeroDivision zeroDivision, String metric) {
        double[] out = new double[num.length];
        boolean warned = false;
        for (int i = 0; i < num.length; i++) {
            if (den[i] == 0) {
                out[i] = zeroDivision.value();
                if (zeroDivision == ZeroDivision.WARN && !warned) {
                    LOG.warn("{} is ill-defined and being set to 0.0 in labels with no true nor predicted samples. "
                            + "Use zero_division to control this behavior.", metric);
                    warned = true;
                }
            } else {
                out[i] = num[i] / den[i];
            }
        }
        return out;
    }

    /** numpy's average over the non-NaN entries (NaN if none), weighted when {@code weights} is given. */
    private static double nanAverage(double[] values, double[] weights) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                double w = weights == null ? 1 : weights[i];
                sum += w * values[i];
                total += w;
            }
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    private static double[] scale(double[] a, double k) {
        return Arrays.stream(a).map(v -> v * k).toArray();
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static void checkLengths(int[] yTrue, int[] yPred) {
        if (yTrue.length != yPred.length) {
            throw new IllegalArgumentException("y_true has " + yTrue.length + " labels but y_pred has " + yPred.length);
        }
        if (yTrue.length == 0) {
            throw new IllegalArgumentException("y_true and y_pred are empty");
        }
    }
}
