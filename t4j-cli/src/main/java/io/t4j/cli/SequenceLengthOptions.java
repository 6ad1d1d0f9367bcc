package io.t4j.cli;

import picocli.CommandLine.Option;

/**
 * run_ner.py's and run_qa.py's {@code max_seq_length} and {@code pad_to_max_length}, one pair of options for both
 * tasks of {@code t4j train} and {@code t4j eval}.
 */
public final class SequenceLengthOptions {
    /** run_qa.py's default window. */
    public static final int QA_DEFAULT_MAX_SEQ_LENGTH = 384;

    @Option(names = {"--max-seq-length", "--max_seq_length"}, paramLabel = "N",
            description = "Token classification: truncate sentences to N tokens, counting and reporting the truncated "
                    + "ones (default: the tokenizer's model_max_length). Question answering: tokens per window, question "
                    + "and special tokens included, capped at model_max_length (default: " + QA_DEFAULT_MAX_SEQ_LENGTH
                    + ", as run_qa).")
    public Integer maxSeqLength;

    @Option(names = {"--pad-to-max-length", "--pad_to_max_length"}, arity = "0..1", fallbackValue = "true",
            defaultValue = "false", paramLabel = "BOOL",
            description = "Pad every sentence or window to --max-seq-length now instead of each batch to its longest "
                    + "(run_qa's default is true; per batch runs the encoders faster) (default: ${DEFAULT-VALUE}).")
    public boolean padToMaxLength;

    public void check() {
        if (maxSeqLength != null && maxSeqLength <= 0) {
            throw new UserException(ExitCode.USAGE, "--max-seq-length must be positive, got " + maxSeqLength);
        }
    }
}
