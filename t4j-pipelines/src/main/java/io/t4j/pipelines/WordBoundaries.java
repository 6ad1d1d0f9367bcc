package io.t4j.pipelines;

import io.t4j.tokenizers.BatchEncoding;

/**
 * Where words start among a window's tokens, for the word-level aggregation strategies (first, average, max), the
 * same way for WordPiece, byte-level BPE and SentencePiece tokenizers.
 *
 * <p>HF decides from the vocabulary: a token is a sub-word when the tokenizer's model has a
 * {@code continuing_subword_prefix} ({@code ##}) and the token is longer than its text; otherwise it guesses from a
 * space before the token. That guess fails for SentencePiece (transformers issues #27876 and #23322): a token's
 * offsets there include the space the {@code ▁} stands for, a lone {@code ▁} token is split from the word it begins,
 * and pieces of one word ({@code ▁5.}, {@code 97}, {@code 5,7}, {@code 4}) end up in different words. Here a word is
 * what the tokenizer's own pre-tokenizer made one (its word ids: BERT splits at spaces and punctuation, GPT-2/RoBERTa's
 * byte-level regex at spaces, punctuation runs and letter/digit changes, SentencePiece's Metaspace at spaces), further
 * split at whitespace in the text (a Metaspace without splitting, a tokenizer without a pre-tokenizer) and around
 * tokens made only of punctuation (what BERT does, and what CoNLL-style training data saw). A whitespace-only token
 * (SentencePiece's lone {@code ▁}) belongs to the word that follows it. Offsets are trimmed of whitespace, so an
 * entity's start is its first character, not the space before it.
 */
final class WordBoundaries {
    private WordBoundaries() {}

    /**
     * A window's tokens as spans of {@code text}: {@code start}/{@code end} trimmed of whitespace (a whitespace-only
     * token has {@code start == end}) and whether each token starts a word. Special tokens and padding
     * ({@code special[t] != 0}) start nothing and end the word before them.
     */
    record Spans(int[] start, int[] end, boolean[] startsWord) {}

    static Spans of(String text, int[] special, int[] wordIds, int[] starts, int[] ends) {
        int n = special.length;
        int[] s = new int[n];
        int[] e = new int[n];
        boolean[] blank = new boolean[n];
        boolean[] punct = new boolean[n];
        for (int t = 0; t < n; t++) {
            if (special[t] != 0) {
                continue;
            }
            int a = Math.min(starts[t], text.length());
            int b = Math.min(Math.max(ends[t], a), text.length());
            while (a < b && Character.isWhitespace(text.charAt(a))) {
                a++;
            }
            while (b > a && Character.isWhitespace(text.charAt(b - 1))) {
                b--;
            }
            s[t] = a;
            e[t] = b;
            blank[t] = a == b;
            punct[t] = !blank[t] && isPunctuation(text, a, b);
        }
        boolean[] startsWord = new boolean[n];
        int previous = -1; // the previous token of the text since the last special token
        for (int t = 0; t < n; t++) {
            if (special[t] != 0) {
                previous = -1;
                continue;
            }
            if (previous < 0) {
                startsWord[t] = true;
            } else if (blank[t]) {
                startsWord[t] = nextIsText(special, t); // a lone ▁ begins the next word; at the end it closes the last
            } else if (blank[previous]) {
                startsWord[t] = false;
            } else {
                startsWord[t] = wordIds[t] != wordIds[previous] || wordIds[t] == BatchEncoding.NONE
                        || hasWhitespace(text, e[previous], s[t]) || punct[t] || punct[previous];
            }
            previous = t;
        }
        return new Spans(s, e, startsWord);
    }

    private static boolean nextIsText(int[] special, int t) {
        return t + 1 < special.length && special[t + 1] == 0;
    }

    private static boolean hasWhitespace(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** BERT's {@code _is_punctuation} for every character: ASCII non-alphanumeric symbols and Unicode P* categories. */
    static boolean isPunctuation(String text, int from, int to) {
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            if (!isPunctuation(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
