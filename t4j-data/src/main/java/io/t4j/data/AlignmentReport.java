package io.t4j.data;

/**
 * What {@link TokenClassificationData#tokenizeAndAlignLabels} dropped, so truncation is never silent.
 *
 * @param sentences the sentences aligned
 * @param words their words
 * @param truncatedSentences sentences longer than {@code max_seq_length} tokens, cut at the end
 * @param truncatedWords words whose first sub-token was cut (their labels are neither trained nor evaluated)
 * @param wordsWithoutTokens words the tokenizer turned into no token at all (empty, or only characters its
 *     normalizer removes), whose labels are lost as in HF
 * @param maxLength the length sentences were cut to, or null when nothing limits it
 */
public record AlignmentReport(int sentences, long words, int truncatedSentences, long truncatedWords,
                              long wordsWithoutTokens, Integer maxLength) {
    /** One line for logs and reports. */
    public String summary() {
        String cut = truncatedSentences == 0 ? "no sentence was truncated"
                : count(truncatedSentences, "sentence") + (truncatedSentences == 1 ? " was" : " were") + " truncated to "
                + maxLength + " tokens, cutting " + count(truncatedWords, "word")
                + " (their labels are not trained or evaluated)";
        String empty = wordsWithoutTokens == 0 ? ""
                : "; " + count(wordsWithoutTokens, "word") + " gave no tokens (their labels are lost)";
        return count(sentences, "sentence") + ", " + count(words, "word") + ": " + cut + empty;
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
