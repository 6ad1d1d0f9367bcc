package io.t4j.data;

/**
 * One gold answer of a SQuAD question: {@code {"text": ..., "answer_start": ...}}.
 *
 * @param text the answer as it appears in the context
 * @param answerStart where it starts in the context, as an index into the Java string (UTF-16 units), so that
 *     {@code context.substring(answerStart, answerEnd())} is {@code text}. SQuAD files count Python characters (code
 *     points); {@link SquadReader} converts, and {@link #codePointStart} converts back.
 */
public record SquadAnswer(String text, int answerStart) {
    public SquadAnswer {
        if (text == null) {
            throw new DataException("answer text must not be null");
        }
    }

    /** Where the answer ends in the context (exclusive), in UTF-16 units. */
    public int answerEnd() {
        return answerStart + text.length();
    }

    /** The start as SQuAD files and HF datasets write it: Python characters (code points) into {@code context}. */
    public int codePointStart(String context) {
        return context.codePointCount(0, answerStart);
    }
}
