package io.t4j.models.generation;

/** Why a row stopped generating. */
public enum FinishReason {
    /** It produced one of the eos_token_id tokens (kept in the output, as HF). */
    EOS,
    /** Its new text contains one of the stop strings (kept in the output, as HF). */
    STOP_STRING,
    /** It reached max_new_tokens (or max_length). */
    LENGTH,
    /** The sequence reached the model's context window (max_position_embeddings). */
    CONTEXT_WINDOW
}
