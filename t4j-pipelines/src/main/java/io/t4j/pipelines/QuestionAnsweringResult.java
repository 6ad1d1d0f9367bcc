package io.t4j.pipelines;

/**
 * One answer, as HF's question-answering pipeline returns {@code {"score", "start", "end", "answer"}}.
 *
 * @param score the probability of the span: softmax start probability times softmax end probability within its
 *     window, summed over spans that give the same answer (case-insensitively); for the impossible answer, the
 *     smallest null (CLS) probability over the windows
 * @param start where the answer starts in the context, as an index into the Java string (UTF-16 units)
 * @param end where it ends (exclusive): {@code answer = context.substring(start, end)}
 * @param answer the answer text; "" for the impossible answer ({@code handle_impossible_answer})
 */
public record QuestionAnsweringResult(double score, int start, int end, String answer) {}
