package io.t4j.trainer.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * seqeval's {@code classification_report} (entity level) plus its {@code accuracy_score} (token level), as
 * {@link Seqeval#classificationReport} computes them.
 *
 * @param perType one row per entity type, sorted by type (types that occur in the truth or the predictions)
 * @param microAvg the overall scores HF reports as {@code overall_precision/recall/f1}
 * @param scheme the scheme of {@link Seqeval.Mode#STRICT} (given or detected), null in the default mode
 */
public record SeqevalReport(List<TypeMetrics> perType, TypeMetrics microAvg, TypeMetrics macroAvg,
                            TypeMetrics weightedAvg, double accuracy, Seqeval.Mode mode, Seqeval.Scheme scheme) {

    /** One row: precision, recall, F1 and support (true entities of the type, HF's {@code number}). */
    public record TypeMetrics(String type, double precision, double recall, double f1, long support) {}

    public SeqevalReport {
        perType = List.copyOf(perType);
    }

    /** Overall (micro-averaged) entity precision. */
    public double precision() {
        return microAvg.precision();
    }

    /** Overall (micro-averaged) entity recall. */
    public double recall() {
        return microAvg.recall();
    }

    /** Overall (micro-averaged) entity F1. */
    public double f1() {
        return microAvg.f1();
    }

    /** run_ner's default {@code compute_metrics} keys: {@code precision}, {@code recall}, {@code f1}, {@code accuracy}. */
    public Map<String, Double> toMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("precision", precision());
        out.put("recall", recall());
        out.put("f1", f1());
        out.put("accuracy", accuracy);
        return out;
    }

    /**
     * run_ner's keys with {@code return_entity_level_metrics}: HF evaluate's seqeval result unpacked, per type
     * {@code <TYPE>_precision}, {@code <TYPE>_recall}, {@code <TYPE>_f1}, {@code <TYPE>_number}, then
     * {@code overall_precision}, {@code overall_recall}, {@code overall_f1}, {@code overall_accuracy}.
     */
    public Map<String, Double> toEntityLevelMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (TypeMetrics m : perType) {
            out.put(m.type() + "_precision", m.precision());
            out.put(m.type() + "_recall", m.recall());
            out.put(m.type() + "_f1", m.f1());
            out.put(m.type() + "_number", (double) m.support());
        }
        out.put("overall_precision", precision());
        out.put("overall_recall", recall());
        out.put("overall_f1", f1());
        out.put("overall_accuracy", accuracy);
        return out;
    }

    /**
     * seqeval's {@code classification_report(..., output_dict=True)} ({@code {type: {precision, recall, f1-score,
     * support}}, then the micro, macro and weighted averages) with {@code accuracy}, for JSON output.
     */
    public Map<String, Object> toDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (TypeMetrics m : perType) {
            out.put(m.type(), row(m));
        }
        out.put("micro avg", row(microAvg));
        out.put("macro avg", row(macroAvg));
        out.put("weighted avg", row(weightedAvg));
        out.put("accuracy", accuracy);
        return out;
    }

    /** The report as seqeval prints it ({@code digits} decimals; seqeval's default is 2), then the token accuracy. */
    public String toTable(int digits) {
        int nameWidth = perType.stream().mapToInt(m -> m.type().length()).max().orElse(0);
        int width = Math.max(Math.max(nameWidth, "weighted avg".length()), digits);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%" + width + "s  %9s %9s %9s %9s%n%n", "", "precision", "recall", "f1-score", "support"));
        for (TypeMetrics m : perType) {
            sb.append(line(m, width, digits));
        }
        sb.append('\n');
        sb.append(line(microAvg, width, digits)).append(line(macroAvg, width, digits)).append(line(weightedAvg, width, digits));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%" + width + "s  %9s %9s %9." + digits + "f%n", "accuracy", "", "", accuracy));
        return sb.toString();
    }

    private static String line(TypeMetrics m, int width, int digits) {
        String f = "%9." + digits + "f";
        return String.format(Locale.ROOT, "%" + width + "s  " + f + " " + f + " " + f + " %9d%n", m.type(), m.precision(),
                m.recall(), m.f1(), m.support());
    }

    private static Map<String, Object> row(TypeMetrics m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", m.precision());
        row.put("recall", m.recall());
        row.put("f1-score", m.f1());
        row.put("support", m.support());
        return row;
    }
}
