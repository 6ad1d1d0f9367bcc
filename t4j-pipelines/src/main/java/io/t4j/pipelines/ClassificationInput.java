package io.t4j.pipelines;

/**
 * One input of HF's text-classification pipeline: a text, or a sentence pair as HF's
 * {@code classifier({"text": ..., "text_pair": ...})} (a cross-encoder's query and passage, an NLI premise and
 * hypothesis), encoded as the tokenizer encodes pairs ({@code [CLS] a [SEP] b [SEP]} for BERT).
 *
 * @param text     the text (the first sequence of a pair)
 * @param textPair the second sequence, or null for a single text
 */
public record ClassificationInput(String text, String textPair) {
    public ClassificationInput {
        if (text == null) {
            throw new IllegalArgumentException("text is null");
        }
    }

    public static ClassificationInput of(String text) {
        return new ClassificationInput(text, null);
    }

    public static ClassificationInput pair(String text, String textPair) {
        if (textPair == null) {
            throw new IllegalArgumentException("text_pair is null");
        }
        return new ClassificationInput(text, textPair);
    }

    public boolean isPair() {
        return textPair != null;
    }
}
