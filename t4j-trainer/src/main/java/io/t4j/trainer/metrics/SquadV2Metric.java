package io.t4j.trainer.metrics;

import io.t4j.data.PythonStrings;
import io.t4j.data.SquadExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The official SQuAD v2.0 evaluation ({@code evaluate-v2.0.py}, which HF's {@code evaluate.load("squad_v2")}
 * wraps): exact match and F1 per question, with an unanswerable question's only correct answer the empty string;
 * the HasAns/NoAns breakdown; and the best scores over no-answer probability thresholds. Keys as HF's
 * {@code squad_v2} metric returns them: {@code exact}, {@code f1}, {@code total}, {@code HasAns_exact},
 * {@code HasAns_f1}, {@code HasAns_total}, {@code NoAns_exact}, {@code NoAns_f1}, {@code NoAns_total},
 * {@code best_exact}, {@code best_exact_thresh}, {@code best_f1}, {@code best_f1_thresh} (the HasAns and NoAns
 * keys only when there are such questions).
 */
public final class SquadV2Metric {
    /** HF's {@code squad_v2} default {@code no_answer_threshold}. */
    public static final double DEFAULT_NO_ANSWER_THRESHOLD = 1.0;

    private SquadV2Metric() {}

    /** The official v2 {@code compute_exact}: 1 when the normalized texts are equal. */
    public static int computeExact(String gold, String prediction) {
        return SquadMetric.normalizeAnswer(gold).equals(SquadMetric.normalizeAnswer(prediction)) ? 1 : 0;
    }

    /** The official v2 {@code compute_f1}: as v1.1's, except that when either side is empty, 1 if both are, else 0. */
    public static double computeF1(String gold, String prediction) {
        List<String> goldTokens = tokens(gold);
        List<String> predTokens = tokens(prediction);
        if (goldTokens.isEmpty() || predTokens.isEmpty()) {
            return goldTokens.equals(predTokens) ? 1 : 0;
        }
        int numSame = SquadMetric.common(goldTokens, predTokens);
        if (numSame == 0) {
            return 0;
        }
        double precision = (double) numSame / predTokens.size();
        double recall = (double) numSame / goldTokens.size();
        return 2 * precision * recall / (precision + recall);
    }

    private static List<String> tokens(String s) {
        return s.isEmpty() ? List.of() : PythonStrings.split(SquadMetric.normalizeAnswer(s));
    }

    /**
     * HF's {@code squad_v2} metric.
     *
     * @param predictions question id to predicted text ("" for no answer), in the order the predictions come
     * @param noAnswerProbabilities question id to the probability that it has no answer (run_qa passes 0.0), or
     *     null for all 0.0
     * @param references question id to its gold answer texts (empty for an unanswerable question)
     * @param noAnswerThreshold a question whose no-answer probability exceeds this counts as answered "" (1.0)
     */
    public static Map<String, Double> compute(Map<String, String> predictions, Map<String, Double> noAnswerProbabilities,
                                              Map<String, List<String>> references, double noAnswerThreshold) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no reference questions to score");
        }
        Map<String, Double> naProbs = new LinkedHashMap<>();
        predictions.keySet().forEach(id -> naProbs.put(id, noAnswerProbabilities == null ? 0.0 : noAnswerProbabilities.getOrDefault(id, 0.0)));
        Map<String, Double> exactRaw = new LinkedHashMap<>();
        Map<String, Double> f1Raw = new LinkedHashMap<>();
        List<String> hasAns = new ArrayList<>();
        List<String> noAns = new ArrayList<>();
        for (var e : references.entrySet()) {
            String id = e.getKey();
            (e.getValue().isEmpty() ? noAns : hasAns).add(id);
            String prediction = predictions.get(id);
            if (prediction == null) {
                throw new IllegalArgumentException("no prediction for question " + id);
            }
            List<String> gold = e.getValue().stream().filter(a -> !SquadMetric.normalizeAnswer(a).isEmpty()).toList();
            if (gold.isEmpty()) {
                gold = List.of(""); // an unanswerable question's only correct answer
            }
            double exact = 0;
            double f1 = 0;
            for (String g : gold) {
                exact = Math.max(exact, computeExact(g, prediction));
                f1 = Math.max(f1, computeF1(g, prediction));
            }
            exactRaw.put(id, exact);
            f1Raw.put(id, f1);
        }
        Map<String, Double> exactThresh = applyNoAnsThreshold(exactRaw, naProbs, noAns, noAnswerThreshold);
        Map<String, Double> f1Thresh = applyNoAnsThreshold(f1Raw, naProbs, noAns, noAnswerThreshold);
        Map<String, Double> out = evalDict("", exactThresh, f1Thresh, new ArrayList<>(references.keySet()));
        if (!hasAns.isEmpty()) {
            out.putAll(evalDict("HasAns_", exactThresh, f1Thresh, hasAns));
        }
        if (!noAns.isEmpty()) {
            out.putAll(evalDict("NoAns_", exactThresh, f1Thresh, noAns));
        }
        double[] bestExact = findBestThresh(predictions, exactRaw, naProbs, noAns);
        double[] bestF1 = findBestThresh(predictions, f1Raw, naProbs, noAns);
        out.put("best_exact", bestExact[0]);
        out.put("best_exact_thresh", bestExact[1]);
        out.put("best_f1", bestF1[0]);
        out.put("best_f1_thresh", bestF1[1]);
        return out;
    }

    /** As run_qa calls it: every no-answer probability 0.0, threshold 1.0, the examples' gold answers. */
    public static Map<String, Double> compute(Map<String, String> predictions, List<SquadExample> references) {
        return compute(predictions, null, SquadMetric.goldAnswers(references), DEFAULT_NO_ANSWER_THRESHOLD);
    }

    /** {@code apply_no_ans_threshold}: a question predicted unanswerable scores 1 if it is, else 0. */
    private static Map<String, Double> applyNoAnsThreshold(Map<String, Double> scores, Map<String, Double> naProbs,
                                                           List<String> noAns, double threshold) {
        Set<String> unanswerable = new HashSet<>(noAns);
        Map<String, Double> out = new LinkedHashMap<>();
        scores.forEach((id, s) -> out.put(id, naProbs.get(id) > threshold ? (unanswerable.contains(id) ? 1.0 : 0.0) : s));
        return out;
    }

    /** {@code make_eval_dict} + {@code merge_eval}: {@code exact}, {@code f1} (percent) and {@code total}. */
    private static Map<String, Double> evalDict(String prefix, Map<String, Double> exact, Map<String, Double> f1, List<String> ids) {
        double e = 0;
        double f = 0;
        for (String id : ids) {
            e += exact.get(id);
            f += f1.get(id);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(prefix + "exact", 100.0 * e / ids.size());
        out.put(prefix + "f1", 100.0 * f / ids.size());
        out.put(prefix + "total", (double) ids.size());
        return out;
    }

    /**
     * {@code find_best_thresh}: starting from "every question unanswered" (the unanswerable ones right), walks the
     * questions by rising no-answer probability, answering each, and keeps the best score and its threshold.
     */
    private static double[] findBestThresh(Map<String, String> predictions, Map<String, Double> scores,
                                           Map<String, Double> naProbs, List<String> noAns) {
        double current = noAns.size();
        double best = current;
        double bestThresh = 0.0;
        List<String> byProbability = new ArrayList<>(naProbs.keySet());
        byProbability.sort(Comparator.comparingDouble(naProbs::get)); // stable, as Python's sorted
        Set<String> unanswerable = new HashSet<>(noAns);
        for (String id : byProbability) {
            if (!scores.containsKey(id)) {
                continue;
            }
            double diff;
            if (!unanswerable.contains(id)) {
                diff = scores.get(id);
            } else {
                diff = predictions.get(id).isEmpty() ? 0 : -1;
            }
            current += diff;
            if (current > best) {
                best = current;
                bestThresh = naProbs.get(id);
            }
        }
        return new double[] {100.0 * best / scores.size(), bestThresh};
    }
}
