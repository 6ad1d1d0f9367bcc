package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.TokenizerException;

/**
 * HF's {@code convert_slow_tokenizer.Converter}: turns the files of an {@code original_tokenizer} into a
 * {@code tokenizers.Tokenizer}. {@link #converted()} builds the model and pipeline (and the tokens the slow files
 * themselves declare, such as SentencePiece control pieces); the post-processor is built by
 * {@link #postProcessor(TokenizerJson)} once {@link ConvertSlowTokenizer} has added the special tokens, so its ids
 * are the final ones, as the slow tokenizer's {@code convert_tokens_to_ids} gives them.
 */
abstract class Converter {
    final SlowTokenizer original;

    Converter(SlowTokenizer original) {
        this.original = original;
    }

    abstract TokenizerJson converted();

    /** The post-processor, or null for none. */
    abstract ObjectNode postProcessor(TokenizerJson tokenizer);

    /** The id of a special token the post-processor needs; an error naming the attribute when it has none. */
    final int requireId(TokenizerJson tokenizer, String token, String attribute) {
        if (token == null) {
            throw new TokenizerException(original.configFile() + ": " + original.className() + " needs a " + attribute
                    + " for its post-processor, and it is set to null");
        }
        Integer id = tokenizer.tokenToId(token);
        if (id == null) {
            throw new TokenizerException(original.dir() + ": " + attribute + " '" + token + "' of " + original.className()
                    + " is not in the vocabulary");
        }
        return id;
    }

    /** The special token of an attribute, which the converter needs. */
    final String requireSpecial(String attribute) {
        String token = original.specialTokenContent(attribute);
        if (token == null) {
            throw new TokenizerException(original.configFile() + ": " + original.className() + " needs a " + attribute
                    + " and it is set to null");
        }
        return token;
    }
}
