package io.t4j.pipelines;

/**
 * One question on one context: what HF's question-answering pipeline takes as {@code {"question", "context"}} (its
 * {@code SquadExample}). Neither may be null or empty (HF: "`context` cannot be empty").
 */
public record QuestionAnsweringInput(String question, String context) {
    public QuestionAnsweringInput {
        for (var field : new String[][] {{"question", question}, {"context", context}}) {
            if (field[1] == null) {
                throw new IllegalArgumentException("`" + field[0] + "` cannot be None");
            }
            if (field[1].isEmpty()) {
                throw new IllegalArgumentException("`" + field[0] + "` cannot be empty");
            }
        }
    }
}
