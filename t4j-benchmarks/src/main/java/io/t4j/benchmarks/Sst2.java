package io.t4j.benchmarks;

import io.t4j.data.Dataset;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GLUE SST-2 as the benchmarks read it: {@code train.tsv} ({@code sentence}, {@code label}) and {@code dev.tsv}
 * (text column {@code content}, read as {@code sentence}); labels 0 negative, 1 positive.
 */
public final class Sst2 {
    private final Path dir;

    /** {@code dir} must hold train.tsv and dev.tsv; the error names the option and the missing file. */
    public Sst2(Path dir) {
        for (String f : new String[] {"train.tsv", "dev.tsv"}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("--sst2 " + dir + ": no " + f + " there (expected GLUE SST-2's "
                        + "train.tsv and dev.tsv, e.g. ../shared/data/sst2)");
            }
        }
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The 67,349 training sentences with labels. */
    public Dataset train() {
        return LoadDataset.fromFiles(dir.resolve("train.tsv").toString(), options());
    }

    /** The 872 dev sentences with labels (dev's {@code content} column read as {@code sentence}). */
    public Dataset dev() {
        return LoadDataset.fromFiles(dir.resolve("dev.tsv").toString(), options().withRename("content", "sentence"));
    }

    /** {@code dataset} tokenized without padding, truncated to {@code maxLength} (the padding is the collator's). */
    public static Dataset tokenize(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength) {
        return dataset.tokenize(tokenizer, "sentence", EncodeOptions.defaults().withMaxLength(maxLength));
    }

    private static LoadOptions options() {
        return LoadOptions.textClassification("sentence", "label").withLabelNames("negative", "positive");
    }
}
