package io.t4j.data.bench;

import io.t4j.data.DataCollatorWithPadding;
import io.t4j.data.DataLoader;
import io.t4j.data.Dataset;
import io.t4j.data.LengthGroupedSampler;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.data.PaddedBatch;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;

/**
 * Measures the data path on GLUE SST-2 train (not a test: numbers go to stdout, nothing is asserted):
 * load, cold and cached tokenization with the bge-small tokenizer, padded/real token ratio per epoch at batch 32
 * with and without length grouping, a DataLoader epoch with tensors, an optional Parquet read, and peak RSS.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -pl t4j-data -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/t4j-data.cp
 * $JAVA_25/bin/java --enable-native-access=ALL-UNNAMED -cp t4j-data/target/test-classes:t4j-data/target/classes:$(cat /tmp/t4j-data.cp) \
 *     io.t4j.data.bench.DataBench [train.tsv] [tokenizer dir] [file.parquet]
 * </pre>
 * Defaults: {@code ../shared/data/sst2/train.tsv} and {@code t4j-tokenizers/src/test/resources/bge-small-tokenizer}.
 * The tokenization cache goes to a fresh temporary folder, so the first tokenization is cold.
 */
public final class DataBench {
    private static final int BATCH = 32;

    private DataBench() {}

    public static void main(String[] args) throws IOException {
        Path train = Path.of(args.length > 0 ? args[0] : "../shared/data/sst2/train.tsv");
        Path tokenizerDir = Path.of(args.length > 1 ? args[1] : "t4j-tokenizers/src/test/resources/bge-small-tokenizer");
        Path cache = Files.createTempDirectory("t4j-bench-cache");
        System.setProperty("t4j.cache.dir", cache.toString());
        System.out.printf("cores=%d java=%s cache=%s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), cache);

        long t0 = System.nanoTime();
        Dataset ds = LoadDataset.fromFiles(train.toString(), LoadOptions.textClassification("sentence", "label")
                .withLabelNames("negative", "positive"));
        double load = seconds(t0);
        System.out.printf("load %s: %d rows in %.3f s%n", train, ds.numRows(), load);

        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(tokenizerDir)) {
            long t1 = System.nanoTime();
            Dataset cold = ds.tokenize(tokenizer, "sentence", EncodeOptions.defaults());
            double coldSeconds = seconds(t1);
            long t2 = System.nanoTime();
            Dataset cached = ds.tokenize(tokenizer, "sentence", EncodeOptions.defaults());
            double cachedSeconds = seconds(t2);
            System.out.printf("tokenize cold: %.3f s (%.0f sentences/s); load+tokenize cold: %.3f s%n",
                    coldSeconds, ds.numRows() / coldSeconds, load + coldSeconds);
            System.out.printf("tokenize cached: %.3f s; load+tokenize cached: %.3f s; same ids: %b%n", cachedSeconds,
                    load + cachedSeconds, java.util.Arrays.equals(cold.tokens("input_ids").flat(), cached.tokens("input_ids").flat()));
            long tokens = cold.tokens("input_ids").flat().length;
            System.out.printf("real tokens: %d (%.1f per sentence)%n", tokens, (double) tokens / ds.numRows());
            padding(cold, tokenizer);
            epochWithTensors(cold, tokenizer);
        }
        if (args.length > 2) {
            parquet(Path.of(args[2]));
        }
        System.out.println("peak RSS (VmHWM): " + vmHwm());
    }

    private static void padding(Dataset tokenized, PreTrainedTokenizer tokenizer) {
        DataCollatorWithPadding collator = new DataCollatorWithPadding(tokenizer);
        DataLoader random = new DataLoader(tokenized, BATCH, true, 42, false, collator);
        DataLoader grouped = DataLoader.groupedByLength(tokenized, BATCH, 42, false, collator);
        System.out.printf(Locale.ROOT, "padded/real tokens per epoch at batch %d: random %.3f, length-grouped %.3f (mega-batch %d)%n",
                BATCH, ratio(random), ratio(grouped), LengthGroupedSampler.of(tokenized, BATCH, 42).megaBatchSize());
    }

    private static double ratio(DataLoader loader) {
        long padded = 0;
        long real = 0;
        for (PaddedBatch b : loader.paddedBatches(0)) {
            padded += b.paddedTokens();
            real += b.realTokens();
        }
        return (double) padded / real;
    }

    /** One epoch through the prefetching loader, tensors made per step inside the step's PointerScope. */
    @SuppressWarnings("try")
    private static void epochWithTensors(Dataset tokenized, PreTrainedTokenizer tokenizer) {
        DataLoader loader = DataLoader.groupedByLength(tokenized, BATCH, 42, false, new DataCollatorWithPadding(tokenizer));
        long t = System.nanoTime();
        long checksum = 0;
        try (DataLoader.Batches batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                try (PointerScope step = new PointerScope()) {
                    ModelInputs inputs = batches.next();
                    checksum += inputs.inputIds().size(1);
                }
            }
        }
        double s = seconds(t);
        System.out.printf("DataLoader epoch with tensors: %d batches in %.3f s (%.0f batches/s, checksum %d)%n",
                loader.numBatches(), s, loader.numBatches() / s, checksum);
    }

    private static void parquet(Path file) {
        for (int run = 0; run < 3; run++) {
            long t = System.nanoTime();
            Dataset ds = LoadDataset.fromFiles(file.toString(), LoadOptions.textClassification("sentence", "label"));
            System.out.printf("parquet %s: %d rows in %.3f s (run %d)%n", file, ds.numRows(), seconds(t), run + 1);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String vmHwm() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("n/a");
    }
}
