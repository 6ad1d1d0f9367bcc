package io.t4j.tokenizers;

/**
 * Keyword arguments of HF's {@code AutoTokenizer.from_pretrained(path, **kwargs)} that change how the tokenizer is
 * built (they win over tokenizer_config.json).
 *
 * @param addPrefixSpace HF's {@code add_prefix_space} for byte-level BPE tokenizers (GPT-2, RoBERTa): when set, every
 *     ByteLevel pre-tokenizer (and a post-processor that has the field) in tokenizer.json takes this value, as
 *     {@code RobertaTokenizerFast.__init__} rewrites them. Pre-tokenized input ({@code is_split_into_words}) needs
 *     {@code true} with such tokenizers. Null keeps tokenizer_config.json's value, or tokenizer.json as it is.
 */
public record TokenizerOptions(Boolean addPrefixSpace) {
    /** Nothing overridden: tokenizer.json and tokenizer_config.json as they are. */
    public static TokenizerOptions defaults() {
        return new TokenizerOptions(null);
    }

    /** HF's {@code from_pretrained(path, add_prefix_space=value)}. */
    public TokenizerOptions withAddPrefixSpace(Boolean value) {
        return new TokenizerOptions(value);
    }
}
