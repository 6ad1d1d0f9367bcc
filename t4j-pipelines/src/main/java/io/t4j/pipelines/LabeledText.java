package io.t4j.pipelines;

/** A text with its gold label, e.g. a row of a labelled TSV file; few-shot examples are drawn from these. */
public record LabeledText(String text, String label) {
    public LabeledText {
        if (text == null || label == null) {
            throw new IllegalArgumentException("a labelled example needs a text and a label, got " + text + " / " + label);
        }
    }
}
