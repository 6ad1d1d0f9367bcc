package io.t4j.pipelines;

/**
 * The call options of HF's question-answering pipeline.
 *
 * @param topK                   answers per question, best first ({@code top_k}, 1)
 * @param docStride              context tokens consecutive windows of a long context share ({@code doc_stride}); null
 *                               for HF's {@code min(max_seq_len // 2, 128)}
 * @param maxAnswerLen           the longest answer in tokens ({@code max_answer_len}, 15)
 * @param maxSeqLen              tokens per window, question and special tokens included ({@code max_seq_len}); null for
 *                               HF's {@code min(model_max_length, 384)}
 * @param maxQuestionLen         a question longer than this many tokens is cut to it ({@code max_question_len}, 64)
 * @param handleImpossibleAnswer also offer the empty answer, scored by the null (CLS) span
 *                               ({@code handle_impossible_answer}, false)
 * @param alignToWords           widen an answer to whole words ({@code align_to_words}, true)
 * @param batchSize              questions per forward; all windows of those questions go through one forward
 */
public record QuestionAnsweringOptions(int topK, Integer docStride, int maxAnswerLen, Integer maxSeqLen, int maxQuestionLen,
                                       boolean handleImpossibleAnswer, boolean alignToWords, int batchSize) {
    public QuestionAnsweringOptions {
        if (topK < 1) {
            throw new IllegalArgumentException("top_k parameter should be >= 1 (got " + topK + ")");
        }
        if (maxAnswerLen < 1) {
            throw new IllegalArgumentException("max_answer_len parameter should be >= 1 (got " + maxAnswerLen + ")");
        }
        if (maxQuestionLen < 1) {
            throw new IllegalArgumentException("max_question_len parameter should be >= 1 (got " + maxQuestionLen + ")");
        }
        if (maxSeqLen != null && maxSeqLen < 1) {
            throw new IllegalArgumentException("max_seq_len parameter should be >= 1 (got " + maxSeqLen + ")");
        }
        if (docStride != null && docStride < 0) {
            throw new IllegalArgumentException("doc_stride parameter should be >= 0 (got " + docStride + ")");
        }
        if (maxSeqLen != null && docStride != null && docStride > maxSeqLen) {
            throw new IllegalArgumentException("`doc_stride` (" + docStride + ") is larger than `max_seq_len` (" + maxSeqLen + ")");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
    }

    /** HF's defaults (top_k 1, max_answer_len 15, max_question_len 64, align_to_words), 8 questions per forward. */
    public static QuestionAnsweringOptions defaults() {
        return new QuestionAnsweringOptions(1, null, 15, null, 64, false, true, 8);
    }

    public QuestionAnsweringOptions withTopK(int v) {
        return new QuestionAnsweringOptions(v, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen, handleImpossibleAnswer, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withDocStride(Integer v) {
        return new QuestionAnsweringOptions(topK, v, maxAnswerLen, maxSeqLen, maxQuestionLen, handleImpossibleAnswer, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withMaxAnswerLen(int v) {
        return new QuestionAnsweringOptions(topK, docStride, v, maxSeqLen, maxQuestionLen, handleImpossibleAnswer, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withMaxSeqLen(Integer v) {
        return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, v, maxQuestionLen, handleImpossibleAnswer, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withMaxQuestionLen(int v) {
        return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, v, handleImpossibleAnswer, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withHandleImpossibleAnswer(boolean v) {
        return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen, v, alignToWords, batchSize);
    }

    public QuestionAnsweringOptions withAlignToWords(boolean v) {
        return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen, handleImpossibleAnswer, v, batchSize);
    }

    public QuestionAnsweringOptions withBatchSize(int v) {
        return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen, handleImpossibleAnswer, alignToWords, v);
    }
}
