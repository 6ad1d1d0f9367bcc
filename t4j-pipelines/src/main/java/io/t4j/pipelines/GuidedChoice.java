package io.t4j.pipelines;

import io.t4j.models.generation.LogitsProcessor;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * vLLM's {@code guided_choice}: generation constrained to exactly one of a set of strings. Each choice is tokenized
 * as it follows the prompt (no special tokens added), the choices go into a {@link LabelTrie}, and a
 * {@code prefix_allowed_tokens_fn} ({@link LogitsProcessor#prefixAllowedTokens}) allows only tokens that continue a
 * choice, then the end token. Greedy or sampled decoding picks among the allowed tokens only, so the answer is always
 * one of the choices (what {@link ZeroShotLlmClassifier}'s constrained mode does with its own prompt).
 */
public final class GuidedChoice {
    private final List<String> choices;
    private final LabelTrie trie;
    private final long endToken;

    private GuidedChoice(List<String> choices, LabelTrie trie, long endToken) {
        this.choices = choices;
        this.trie = trie;
        this.endToken = endToken;
    }

    /**
     * The choices as {@code tokenizer} spells them, ended by {@code endToken} (the chat turn's end, e.g. the
     * tokenizer's eos). Fails naming the choice when one is empty, repeated, contains text the tokenizer does not
     * know, or tokenizes like another.
     */
    public static GuidedChoice of(List<String> choices, PreTrainedTokenizer tokenizer, long endToken) {
        if (choices == null || choices.isEmpty()) {
            throw new IllegalArgumentException("guided_choice needs at least one choice");
        }
        Set<String> seen = new HashSet<>();
        Map<String, long[]> tokens = new LinkedHashMap<>();
        Integer unk = tokenizer.unkTokenId();
        for (int i = 0; i < choices.size(); i++) {
            String c = choices.get(i);
            if (c == null || c.isEmpty()) {
                throw new IllegalArgumentException("guided_choice[" + i + "] is empty");
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("guided_choice[" + i + "] '" + c + "' appears twice");
            }
            int[] ids = tokenizer.encode(List.of(c), EncodeOptions.noTruncation().withAddSpecialTokens(false)).inputIds()[0];
            if (unk != null && Arrays.stream(ids).anyMatch(x -> x == unk)) {
                throw new IllegalArgumentException("guided_choice[" + i + "] '" + c + "' contains text unknown to the "
                        + "tokenizer (it becomes " + tokenizer.unkToken() + ")");
            }
            tokens.put(c, Arrays.stream(ids).mapToLong(x -> x).toArray());
        }
        return new GuidedChoice(List.copyOf(choices), new LabelTrie(tokens, endToken), endToken);
    }

    public List<String> choices() {
        return choices;
    }

    /** The token that ends a choice. */
    public long endToken() {
        return endToken;
    }

    /** New tokens enough for the longest choice and its end token. */
    public int maxNewTokens() {
        return trie.depth() + 1;
    }

    /** The processor for a prompt of {@code promptLength} tokens (the constraint applies to what follows it). */
    public LogitsProcessor processor(int promptLength) {
        return LogitsProcessor.prefixAllowedTokens((row, seq) -> {
            long[] allowed = trie.allowed(Arrays.copyOfRange(seq, promptLength, seq.length));
            return allowed == null ? new long[] {endToken} : allowed;
        });
    }

    /** The choice that {@code newTokens} spell (with or without the end token), or null for a cut-off prefix. */
    public String choiceOf(long[] newTokens) {
        return trie.labelOf(newTokens);
    }
}
