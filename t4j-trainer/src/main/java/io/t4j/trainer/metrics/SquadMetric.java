package io.t4j.trainer.metrics;

import io.t4j.data.PythonStrings;
import io.t4j.data.SquadExample;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official SQuAD v1.1 evaluation ({@code evaluate-v1.1.py}, which HF's {@code evaluate.load("squad")} wraps):
 * exact match and token F1 of the normalized prediction against each gold answer, the maximum over the gold answers,
 * averaged over the questions, in percent. Keys as run_qa reports them: {@code exact_match} and {@code f1} (the
 * Trainer prefixes {@code eval_}).
 */
public final class SquadMetric {
    private static final Logger LOG = LoggerFactory.getLogger(SquadMetric.class);
    /** Python's {@code string.punctuation}. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    /**
     * {@code re.sub(r"\b(a|an|the)\b", " ", text)} with Python's Unicode word characters (letters, numbers, "_") on
     * either side of the boundary.
     */
    private static final Pattern ARTICLES = Pattern.compile("(?<![\\p{L}\\p{N}_])(a|an|the)(?![\\p{L}\\p{N}_])");

    private SquadMetric() {}

    /**
     * The official {@code normalize_answer}: lower case, remove punctuation, remove the articles a/an/the, collapse
     * white space.
     */
    public static String normalizeAnswer(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunct.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(noPunct).replaceAll(" ");
        return String.join(" ", PythonStrings.split(noArticles));
    }

    /** The official {@code exact_match_score}: the normalized texts are equal. */
    public static boolean exactMatchScore(String prediction, String groundTruth) {
        return normalizeAnswer(prediction).equals(normalizeAnswer(groundTruth));
    }

    /**
     * The official v1.1 {@code f1_score}: the F1 of the normalized tokens in common (a multiset intersection); 0
     * when none is (an empty prediction or gold answer scores 0).
     */
    public static double f1Score(String prediction, String groundTruth) {
        List<String> predictionTokens = PythonStrings.split(normalizeAnswer(prediction));
        List<String> goldTokens = PythonStrings.split(normalizeAnswer(groundTruth));
        int numSame = common(predictionTokens, goldTokens);
        if (numSame == 0) {
            return 0;
        }
        double precision = (double) numSame / predictionTokens.size();
        double recall = (double) numSame / goldTokens.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** {@code sum((Counter(a) & Counter(b)).values())}: the tokens the two lists have in common, with repeats. */
    static int common(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        a.forEach(t -> counts.merge(t, 1, Integer::sum));
        int same = 0;
        for (String t : b) {
            Integer left = counts.get(t);
            if (left != null && left > 0) {
                counts.put(t, left - 1);
                same++;
            }
        }
        return same;
    }

    /**
     * The official {@code evaluate}: for every reference question, the maximum exact match and F1 of its prediction
     * over the gold answers; a question without a prediction scores 0 (and is logged), as in the official script.
     *
     * @param predictions question id to predicted text (what {@code postprocess_qa_predictions} returns)
     * @param references question id to its gold answer texts, in order
     * @return {@code exact_match} and {@code f1} in percent
     */
    public static Map<String, Double> compute(Map<String, String> predictions, Map<String, List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no reference questions to score");
        }
        double exactMatch = 0;
        double f1 = 0;
        int missing = 0;
        for (var e : references.entrySet()) {
            String prediction = predictions.get(e.getKey());
            if (prediction == null) {
                missing++;
                continue;
            }
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("question " + e.getKey() + " has no gold answer; score SQuAD v2 data with SquadV2Metric");
            }
            double em = 0;
            double best = 0;
            for (String gold : e.getValue()) {
                em = Math.max(em, exactMatchScore(prediction, gold) ? 1 : 0);
                best = Math.max(best, f1Score(prediction, gold));
            }
            exactMatch += em;
            f1 += best;
        }
        if (missing > 0) {
            LOG.warn("{} of {} questions have no prediction and score 0", missing, references.size());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("exact_match", 100.0 * exactMatch / references.size());
        out.put("f1", 100.0 * f1 / references.size());
        return out;
    }

    /** As {@link #compute(Map, Map)} with the examples' gold answers as references. */
    public static Map<String, Double> compute(Map<String, String> predictions, List<SquadExample> references) {
        return compute(predictions, goldAnswers(references));
    }

    /** Question id to gold answer texts, in example order. */
    static Map<String, List<String>> goldAnswers(List<SquadExample> examples) {
        Map<String, List<String>> gold = new LinkedHashMap<>();
        examples.forEach(e -> gold.put(e.id(), e.answerTexts()));
        return gold;
    }
}
