package io.t4j.data;

/**
 * The arguments of utils_qa.py's {@code postprocess_qa_predictions} (run_qa's {@code DataTrainingArguments}).
 *
 * @param versionTwoWithNegative {@code version_2_with_negative}: questions may have no answer (SQuAD v2)
 * @param nBestSize {@code n_best_size}: start and end candidates per window, and answers kept per question (20)
 * @param maxAnswerLength {@code max_answer_length}: the longest answer in tokens (30)
 * @param nullScoreDiffThreshold {@code null_score_diff_threshold}: the null answer wins when its score exceeds the
 *     best answer's by more than this (0.0)
 */
public record QaPostprocessOptions(boolean versionTwoWithNegative, int nBestSize, int maxAnswerLength, double nullScoreDiffThreshold) {
    public QaPostprocessOptions {
        if (nBestSize < 1) {
            throw new DataException("n_best_size must be positive, got " + nBestSize);
        }
        if (maxAnswerLength < 1) {
            throw new DataException("max_answer_length must be positive, got " + maxAnswerLength);
        }
    }

    /** run_qa's defaults for SQuAD v1.1: {@code n_best_size=20, max_answer_length=30}. */
    public static QaPostprocessOptions defaults() {
        return new QaPostprocessOptions(false, 20, 30, 0.0);
    }

    /** run_qa's defaults with {@code --version_2_with_negative}. */
    public static QaPostprocessOptions versionTwo() {
        return new QaPostprocessOptions(true, 20, 30, 0.0);
    }
}
