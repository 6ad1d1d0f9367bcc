package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // PointerScope is opened for its effect: it owns the tensors made inside it
class CollatorAndLoaderTest {
    @TempDir static Path cacheDir;
    static PreTrainedTokenizer bge;
    static PreTrainedTokenizer roberta;

    @BeforeAll
    static void setUp() {
        System.setProperty("t4j.cache.dir", cacheDir.toString());
        bge = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer());
        roberta = AutoTokenizer.fromPretrained(Fixtures.robertaTokenizer());
    }

    @AfterAll
    static void tearDown() {
        bge.close();
        roberta.close();
        System.clearProperty("t4j.cache.dir");
    }

    static Dataset texts(PreTrainedTokenizer tokenizer, String... texts) {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(texts));
        columns.put("label", new LongColumn(IntStream.range(0, texts.length).mapToLong(i -> i % 2).toArray()));
        return Dataset.fromColumns(columns, Map.of()).tokenize(tokenizer, "text", EncodeOptions.defaults());
    }

    /** n rows whose i-th text has (i % 13) + 1 words, so lengths vary. */
    static Dataset varied(int n) {
        String[] texts = IntStream.range(0, n).mapToObj(i -> "word ".repeat(i % 13 + 1).trim()).toArray(String[]::new);
        return texts(bge, texts);
    }

    @Test
    void padsBertStyleToTheLongestRowWithTokenTypesAndLabels() {
        Dataset ds = texts(bge, "hello world", "hide new secretions from the parental units");
        PaddedBatch batch = new DataCollatorWithPadding(bge).pad(ds, new int[] {0, 1});
        assertThat(batch.length()).isEqualTo(10);
        assertThat(Arrays.copyOfRange(batch.inputIds(), 0, 10)).containsExactly(101, 7592, 2088, 102, 0, 0, 0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(batch.attentionMask(), 0, 10)).containsExactly(1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(batch.tokenTypeIds()).hasSize(20).containsOnly(0);
        assertThat(batch.label("labels").longs()).containsExactly(0, 1);
        assertThat(batch.realTokens()).isEqualTo(14);
        try (PointerScope scope = new PointerScope()) {
            ModelInputs inputs = batch.toModelInputs();
            assertThat(Tensors.shape(inputs.inputIds())).containsExactly(2, 10);
            assertThat(Tensors.scalarType(inputs.inputIds())).isEqualTo(ScalarType.Long);
            assertThat(Tensors.scalarType(inputs.labels())).isEqualTo(ScalarType.Long);
            assertThat(Tensors.toLongs(inputs.labels())).containsExactly(0, 1);
            assertThat(Tensors.toLongs(inputs.attentionMask())).startsWith(1, 1, 1, 1, 0);
        }
    }

    @Test
    void withFormatChoosesTheColumnsTheCollatorReads() {
        Dataset ds = texts(bge, "hello world", "the cat").withFormat("input_ids", "attention_mask");
        PaddedBatch batch = new DataCollatorWithPadding(bge).pad(ds, new int[] {0, 1});
        assertThat(batch.tokenTypeIds()).isNull();
        assertThat(batch.label("labels")).isNull();
        assertThat(ds.renameColumn("label", "labels").withFormat("input_ids", "labels").formatColumns()).containsExactly("input_ids", "labels");
        assertThat(new DataCollatorWithPadding(bge).pad(ds.renameColumn("label", "labels").withFormat("input_ids", "labels"),
                new int[] {1, 0}).label("labels").longs()).containsExactly(1, 0);
    }

    @Test
    void padsRobertaWithIdOneAndNoTokenTypes() {
        Dataset ds = texts(roberta, "hello world", "the cat sat");
        PaddedBatch batch = new DataCollatorWithPadding(roberta).pad(ds, new int[] {0, 1});
        assertThat(batch.inputIds()).containsExactly(0, 5, 6, 2, 1, 0, 7, 8, 9, 2);
        assertThat(batch.tokenTypeIds()).isNull();
        try (PointerScope scope = new PointerScope()) {
            assertThat(batch.toModelInputs().tokenTypeIds()).isNull();
        }
    }

    @Test
    void padsToMaxLengthAndMultiples() {
        Dataset ds = texts(bge, "hello world", "hide new secretions from the parental units");
        assertThat(new DataCollatorWithPadding(bge, Padding.MAX_LENGTH, 12, null).pad(ds, new int[] {0}).length()).isEqualTo(12);
        assertThat(new DataCollatorWithPadding(bge, Padding.LONGEST, null, 8).pad(ds, new int[] {0, 1}).length()).isEqualTo(16);
        assertThat(new DataCollatorWithPadding(bge, Padding.MAX_LENGTH, null, null).pad(ds, new int[] {0}).length()).isEqualTo(512);
        assertThatThrownBy(() -> new DataCollatorWithPadding(bge, Padding.MAX_LENGTH, 6, null).pad(ds, new int[] {1}))
                .hasMessageContaining("a row has 10 tokens, more than max_length 6");
    }

    @Test
    void floatLabelsBecomeFloatTensors() {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(new String[] {"hello", "world"}));
        columns.put("label", new DoubleColumn(new double[] {0.5, 4.25}));
        Dataset ds = Dataset.fromColumns(columns, Map.of()).tokenize(bge, "text", EncodeOptions.defaults());
        try (PointerScope scope = new PointerScope()) {
            ModelInputs inputs = new DataCollatorWithPadding(bge).collate(ds, new int[] {0, 1});
            assertThat(Tensors.scalarType(inputs.labels())).isEqualTo(ScalarType.Float);
            assertThat(Tensors.toFloats(inputs.labels())).containsExactly(0.5f, 4.25f);
        }
    }

    @Test
    void loaderNeedsTokenizedInput() {
        Dataset raw = Dataset.fromColumns(Map.of("text", new StringColumn(new String[] {"x"})), Map.of());
        assertThatThrownBy(() -> new DataLoader(raw, 2, false, 0, false, new DataCollatorWithPadding(bge)))
                .hasMessageContaining("no tokenized input_ids column");
    }

    @Test
    void loaderVisitsEveryRowOncePerEpochWithSeededShuffles() {
        Dataset ds = varied(103);
        DataLoader loader = new DataLoader(ds, 10, true, 42, false, new DataCollatorWithPadding(bge));
        assertThat(loader.numBatches()).isEqualTo(11);
        assertThat(new DataLoader(ds, 10, true, 42, true, new DataCollatorWithPadding(bge)).numBatches()).isEqualTo(10);
        List<Long> seen = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); DataLoader.Batches batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                try (PointerScope step = new PointerScope()) {
                    ModelInputs inputs = batches.next();
                    long[] ids = Tensors.toLongs(inputs.inputIds());
                    assertThat(ids[0]).isEqualTo(101);
                    for (long l : Tensors.toLongs(inputs.labels())) {
                        seen.add(l);
                    }
                    assertThat(Tensors.toLongs(inputs.attentionMask())[0]).isEqualTo(1);
                }
            }
        }
        assertThat(seen).hasSize(103);
        assertThat(seen.stream().filter(l -> l == 1).count()).isEqualTo(51);
        int[] epoch0 = Sampler.random(103, 42).order(0);
        assertThat(Sampler.random(103, 42).order(0)).isEqualTo(epoch0);
        assertThat(Sampler.random(103, 42).order(1)).isNotEqualTo(epoch0);
        assertThat(Sampler.sequential(3).order(5)).containsExactly(0, 1, 2);
    }

    @Test
    void leavingALoopEarlyStopsThePrefetchThread() throws InterruptedException {
        DataLoader loader = new DataLoader(varied(200), 4, false, 0, false, new DataCollatorWithPadding(bge));
        try (PointerScope scope = new PointerScope(); DataLoader.Batches batches = loader.iterator()) {
            assertThat(batches.next().batchSize()).isEqualTo(4);
        }
        // close() interrupts the producer; wait for it to end rather than for a fixed time (a loaded machine is slow)
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("t4j-dataloader")) {
                t.join(30_000);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("t4j-dataloader")).filter(Thread::isAlive))
                .isEmpty();
    }

    @Test
    void lengthGroupingFollowsHfAndCutsPadding() {
        Dataset ds = varied(1000);
        int[] lengths = ds.tokens("input_ids").lengths();
        LengthGroupedSampler sampler = LengthGroupedSampler.of(ds, 8, 42);
        assertThat(sampler.megaBatchSize()).isEqualTo(8 * 31); // min(1000 / (8 * 4), 50) = 31
        int[] order = sampler.order(0);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(lengths[order[0]]).isEqualTo(Arrays.stream(lengths).max().orElseThrow()); // longest first
        for (int i = 1; i < sampler.megaBatchSize(); i++) { // each mega-batch is sorted, longest first (but the swapped head)
            assertThat(lengths[order[i]]).isLessThanOrEqualTo(lengths[order[i - 1]] + (i == 1 ? 1000 : 0));
        }
        assertThat(sampler.order(0)).isEqualTo(order);
        DataCollatorWithPadding collator = new DataCollatorWithPadding(bge);
        double grouped = padRatio(new DataLoader(ds, 8, sampler, false, collator));
        double random = padRatio(new DataLoader(ds, 8, true, 42, false, collator));
        assertThat(grouped).isLessThan(random);
        assertThat(grouped).isGreaterThanOrEqualTo(1.0);
    }

    static double padRatio(DataLoader loader) {
        long padded = 0;
        long real = 0;
        for (PaddedBatch b : loader.paddedBatches(0)) {
            padded += b.paddedTokens();
            real += b.realTokens();
        }
        return (double) padded / real;
    }
}
