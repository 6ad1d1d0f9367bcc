package io.t4j.pipelines;

/** One label and its score, as HF's text-classification pipeline returns {@code {"label": ..., "score": ...}}. */
public record ClassificationResult(String label, double score) {}
