package io.t4j.benchmarks;

import io.t4j.data.Dataset;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;

/**
 * What the sections share within one run: the options, the peak measured at the start, the default model's
 * folder and tokenizer, and SST-2 train tokenized once (t4j's tokenization cache makes later runs fast).
 */
public final class BenchContext implements AutoCloseable {
    private final BenchOptions options;
    private PeakSection.Result peak;
    private Path bgeSmall;
    private PreTrainedTokenizer tokenizer;
    private Dataset train;

    public BenchContext(BenchOptions options) {
        this.options = options;
    }

    public BenchOptions options() {
        return options;
    }

    /** The peak measured at the start of this run, or null when it was skipped. */
    public PeakSection.Result peak() {
        return peak;
    }

    public void peak(PeakSection.Result result) {
        this.peak = result;
    }

    /** The peak FLOP/s of {@code dtype} ("fp32"/"bf16") in this run, or null without a peak. */
    public Double peakFlops(String dtype) {
        return peak == null ? null : peak.flops(dtype);
    }

    public Sst2 sst2() {
        return new Sst2(options.sst2());
    }

    /** The embedded default model's checkpoint folder (bge-small-en-v1.5). */
    public Path bgeSmall() {
        if (bgeSmall == null) {
            bgeSmall = DefaultModels.bgeSmallEnV15();
        }
        return bgeSmall;
    }

    /** bge-small's tokenizer. */
    public PreTrainedTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = AutoTokenizer.fromPretrained(bgeSmall());
        }
        return tokenizer;
    }

    /** SST-2 train tokenized with bge-small's tokenizer, truncated to --max-length. */
    public Dataset trainTokenized() {
        if (train == null) {
            train = Sst2.tokenize(sst2().train(), tokenizer(), options.maxLength());
        }
        return train;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
