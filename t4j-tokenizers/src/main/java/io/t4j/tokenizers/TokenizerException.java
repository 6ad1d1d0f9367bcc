package io.t4j.tokenizers;

/** A tokenizer folder, file or option that cannot be used. The message names the file, key or value at fault. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
