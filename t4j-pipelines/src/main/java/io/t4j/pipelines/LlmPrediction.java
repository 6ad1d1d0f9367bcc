package io.t4j.pipelines;

import java.util.Map;

/**
 * One text classified by prompting an LLM.
 *
 * @param label                the predicted label: always exactly one of the labels
 * @param probabilities        per label, from the log-probability of its full continuation (label tokens then the
 *                             end token), normalised over the labels; iteration order is the labels' order
 * @param unconstrainedOutput  what unconstrained greedy decoding produced (null if not checked)
 * @param unconstrainedParsed  whether that output, trimmed and compared case-insensitively (ignoring a final
 *                             period), is one of the labels
 */
public record LlmPrediction(String label, Map<String, Double> probabilities, String unconstrainedOutput,
                            boolean unconstrainedParsed) {}
