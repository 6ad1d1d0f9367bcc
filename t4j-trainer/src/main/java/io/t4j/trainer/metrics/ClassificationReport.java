package io.t4j.trainer.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * sklearn's {@code classification_report} plus accuracy, the confusion matrix and (for two classes) ROC-AUC, over
 * the model's classes {@code 0..n-1} (a class absent from the data reports zero support; zero divisions give 0).
 *
 * @param confusionMatrix {@code [true][predicted]} counts
 * @param rocAuc          binary ROC-AUC of the positive class's score, or null with more than two classes
 */
public record ClassificationReport(double accuracy, List<ClassMetrics> perClass, ClassMetrics macroAvg,
                                   ClassMetrics weightedAvg, long[][] confusionMatrix, Double rocAuc, int examples) {

    /** One row of the report. */
    public record ClassMetrics(String label, double precision, double recall, double f1, long support) {}

    /** The report of {@code logits} [n][numLabels] against {@code gold} labels (predictions are the argmax). */
    public static ClassificationReport of(int[] gold, float[][] logits, List<String> labelNames) {
        double[] positive = null;
        if (labelNames.size() == 2) {
            positive = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                positive[i] = logits[i][1] - logits[i][0]; // monotone in softmax(logits)[1]
            }
        }
        return of(gold, EvalPrediction.of(logits, gold).argmax(), positive, labelNames);
    }

    /**
     * The report of predictions {@code pred} against {@code gold}; {@code positiveScores} (a score for class 1, for
     * ROC-AUC) may be null.
     */
    public static ClassificationReport of(int[] gold, int[] pred, double[] positiveScores, List<String> labelNames) {
        int n = labelNames.size();
        long[][] cm = new long[n][n];
        for (int i = 0; i < gold.length; i++) {
            cm[gold[i]][pred[i]]++;
        }
        List<ClassMetrics> rows = new ArrayList<>();
        double[] sums = new double[3];
        double[] weighted = new double[3];
        for (int c = 0; c < n; c++) {
            long tp = cm[c][c];
            long support = 0;
            long predicted = 0;
            for (int k = 0; k < n; k++) {
                support += cm[c][k];
                predicted += cm[k][c];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = support == 0 ? 0 : (double) tp / support;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            rows.add(new ClassMetrics(labelNames.get(c), p, r, f, support));
            double[] v = {p, r, f};
            for (int j = 0; j < 3; j++) {
                sums[j] += v[j] / n;
                weighted[j] += v[j] * support / gold.length;
            }
        }
        Double auc = n == 2 && positiveScores != null ? Metrics.rocAuc(gold, positiveScores) : null;
        return new ClassificationReport(Metrics.accuracy(gold, pred), rows,
                new ClassMetrics("macro avg", sums[0], sums[1], sums[2], gold.length),
                new ClassMetrics("weighted avg", weighted[0], weighted[1], weighted[2], gold.length), cm, auc, gold.length);
    }

    /** The report as sklearn prints it, then the confusion matrix. */
    public String toTable() {
        int width = Math.max(12, perClass.stream().mapToInt(m -> m.label().length()).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%" + width + "s %10s %10s %10s %10s%n%n", "", "precision", "recall", "f1-score", "support"));
        perClass.forEach(m -> sb.append(row(width, m)));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%" + width + "s %10s %10s %10.4f %10d%n", "accuracy", "", "", accuracy, examples));
        sb.append(row(width, macroAvg)).append(row(width, weightedAvg));
        if (rocAuc != null) {
            sb.append(String.format(Locale.ROOT, "%" + width + "s %10s %10s %10.4f%n", "roc_auc", "", "", rocAuc));
        }
        sb.append(String.format(Locale.ROOT, "%nconfusion matrix (rows: true, columns: predicted)%n%" + width + "s", ""));
        perClass.forEach(m -> sb.append(String.format(Locale.ROOT, " %10s", m.label())));
        sb.append('\n');
        for (int i = 0; i < confusionMatrix.length; i++) {
            sb.append(String.format(Locale.ROOT, "%" + width + "s", perClass.get(i).label()));
            for (long v : confusionMatrix[i]) {
                sb.append(String.format(Locale.ROOT, " %10d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String row(int width, ClassMetrics m) {
        return String.format(Locale.ROOT, "%" + width + "s %10.4f %10.4f %10.4f %10d%n", m.label(), m.precision(), m.recall(),
                m.f1(), m.support());
    }
}
