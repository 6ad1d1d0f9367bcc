package io.t4j.tokenizers;

/** A chat template that is missing, does not render, or rejects the messages (its {@code raise_exception}). */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
