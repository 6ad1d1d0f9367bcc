package io.t4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * utils_qa.py's {@code postprocess_qa_predictions}: start and end logits of every window back to answer texts.
 *
 * <p>For each question, over all its windows: the {@code n_best_size} highest start logits and end logits give
 * candidate spans; spans outside the context (a null offset), past the window, reversed, or longer than
 * {@code max_answer_length} tokens are skipped; a span scores {@code start_logit + end_logit} and maps back to
 * {@code context[offsets[start][0] : offsets[end][1]]}. The {@code n_best_size} best spans are kept, with a softmax
 * over their scores as probabilities. SQuAD v2 adds the null answer, scored by the smallest CLS (position 0) score
 * over the windows; the question gets "" when that null score exceeds the best non-null answer's score by more
 * than {@code null_score_diff_threshold}. A question without a single valid span gets HF's stand-in answer
 * "empty" (logits 0).
 *
 * <p>Ties keep HF's order: candidates of equal logit come in the order of a reversed ascending argsort (the later
 * position first), answers of equal score in the order they were found.
 */
public final class QaPostprocessing {
    private QaPostprocessing() {}

    /**
     * Over validation features made by {@link QaFeatures#validationFeatures} (columns {@code example_id} and
     * {@code offset_mapping}), with one row of logits per feature.
     */
    public static QaPredictions postprocessQaPredictions(List<SquadExample> examples, Dataset features, float[][] startLogits,
                                                         float[][] endLogits, QaPostprocessOptions options) {
        String[] exampleIds = features.strings("example_id").values();
        TokenColumn offsets = features.tokens("offset_mapping");
        int[][] rows = new int[offsets.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = offsets.row(i);
        }
        return postprocessQaPredictions(examples, exampleIds, rows, startLogits, endLogits, options);
    }

    /**
     * Over plain arrays: for feature {@code f}, the id of its example, its offsets (two ints per token,
     * {@link QaFeatures#NULL_OFFSET} outside the context) and its start and end logits (rows may be longer than the
     * offsets, as batches padded to one length give them).
     */
    public static QaPredictions postprocessQaPredictions(List<SquadExample> examples, String[] featureExampleIds, int[][] featureOffsets,
                                                         float[][] startLogits, float[][] endLogits, QaPostprocessOptions options) {
        int nFeatures = featureExampleIds.length;
        if (featureOffsets.length != nFeatures || startLogits.length != nFeatures || endLogits.length != nFeatures) {
            throw new DataException("got " + startLogits.length + " start and " + endLogits.length + " end logit rows, "
                    + featureOffsets.length + " offset rows for " + nFeatures + " features");
        }
        Map<String, Integer> exampleIndex = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            exampleIndex.put(examples.get(i).id(), i);
        }
        List<List<Integer>> featuresPerExample = new ArrayList<>();
        examples.forEach(e -> featuresPerExample.add(new ArrayList<>()));
        for (int f = 0; f < nFeatures; f++) {
            Integer e = exampleIndex.get(featureExampleIds[f]);
            if (e == null) {
                throw new DataException("feature " + f + " belongs to question " + featureExampleIds[f] + ", which is not among the examples");
            }
            featuresPerExample.get(e).add(f);
        }
        Map<String, String> predictions = new LinkedHashMap<>();
        Map<String, List<QaPredictions.Answer>> nbest = new LinkedHashMap<>();
        Map<String, Double> nullOdds = options.versionTwoWithNegative() ? new LinkedHashMap<>() : null;
        for (int e = 0; e < examples.size(); e++) {
            SquadExample example = examples.get(e);
            Candidate minNull = null;
            List<Candidate> prelim = new ArrayList<>();
            for (int f : featuresPerExample.get(e)) {
                float[] start = startLogits[f];
                float[] end = endLogits[f];
                int[] offsets = featureOffsets[f];
                float nullScore = start[0] + end[0];
                if (minNull == null || minNull.score > nullScore) {
                    minNull = new Candidate(0, 0, nullScore, start[0], end[0], true);
                }
                int tokens = offsets.length / 2;
                for (int s : topIndices(start, options.nBestSize())) {
                    for (int en : topIndices(end, options.nBestSize())) {
                        if (s >= tokens || en >= tokens || offsets[2 * s] == QaFeatures.NULL_OFFSET
                                || offsets[2 * en] == QaFeatures.NULL_OFFSET) {
                            continue;
                        }
                        if (en < s || en - s + 1 > options.maxAnswerLength()) {
                            continue;
                        }
                        prelim.add(new Candidate(offsets[2 * s], offsets[2 * en + 1], start[s] + end[en], start[s], end[en], false));
                    }
                }
            }
            if (options.versionTwoWithNegative() && minNull != null) {
                prelim.add(minNull);
            }
            List<Candidate> kept = new ArrayList<>(prelim);
            kept.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed()); // stable, as Python's sorted
            kept = new ArrayList<>(kept.subList(0, Math.min(options.nBestSize(), kept.size())));
            if (options.versionTwoWithNegative() && minNull != null && kept.stream().noneMatch(c -> c.isNull)) {
                kept.add(minNull);
            }
            List<String> texts = new ArrayList<>(kept.stream().map(c -> example.context().substring(c.start, c.end)).toList());
            boolean noText = texts.stream().allMatch(String::isEmpty);
            // HF's condition, plus (v2) several answers all without text, where utils_qa's search for the best
            // non-null answer runs off the end of the list
            if (kept.isEmpty() || (kept.size() == 1 && noText) || (options.versionTwoWithNegative() && noText)) {
                kept.addFirst(new Candidate(0, 0, 0f, 0f, 0f, false));
                texts.addFirst("empty");
            }
            double[] probs = softmax(kept);
            List<QaPredictions.Answer> answers = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                Candidate c = kept.get(i);
                answers.add(new QaPredictions.Answer(texts.get(i), c.start, c.end, c.startLogit, c.endLogit, c.score, probs[i]));
            }
            if (!options.versionTwoWithNegative()) {
                predictions.put(example.id(), texts.getFirst());
            } else {
                int i = 0;
                while (texts.get(i).isEmpty()) {
                    i++;
                }
                Candidate best = kept.get(i);
                double diff = (double) (minNull.score - best.startLogit - best.endLogit);
                nullOdds.put(example.id(), diff);
                predictions.put(example.id(), diff > options.nullScoreDiffThreshold() ? "" : texts.get(i));
            }
            nbest.put(example.id(), answers);
        }
        return new QaPredictions(predictions, nbest, nullOdds);
    }

    /** {@code np.argsort(logits)[-1 : -n - 1 : -1]}: the {@code n} highest, descending; ties the later index first. */
    static int[] topIndices(float[] logits, int n) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byValue = Float.compare(logits[b], logits[a]);
            return byValue != 0 ? byValue : Integer.compare(b, a);
        });
        int k = Math.min(n, order.length);
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static double[] softmax(List<Candidate> candidates) {
        double max = Double.NEGATIVE_INFINITY;
        for (Candidate c : candidates) {
            max = Math.max(max, c.score);
        }
        double[] p = new double[candidates.size()];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(candidates.get(i).score - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** A candidate span: context offsets, its score and logits; {@code isNull} marks the null (CLS) answer. */
    private record Candidate(int start, int end, float score, float startLogit, float endLogit, boolean isNull) {}
}
