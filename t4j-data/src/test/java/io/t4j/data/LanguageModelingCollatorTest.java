package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DataCollatorForLanguageModeling / DataCollatorForWholeWordMask: BERT's 80/10/10 rule measured on a large batch,
 * special tokens and padding never touched, masks that depend only on (seed, rows), and whole words.
 */
@SuppressWarnings("try") // PointerScope is opened for its effect
class LanguageModelingCollatorTest {
    @TempDir static Path cacheDir;
    static PreTrainedTokenizer bge;
    static PreTrainedTokenizer roberta;
    // bge-small's BERT uncased vocabulary: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103
    static final int PAD = 0;
    static final int UNK = 100;
    static final int CLS = 101;
    static final int SEP = 102;
    static final int MASK = 103;

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

    /** {@code n} rows of [CLS] + ordinary ids (2000..2999) + [SEP], of lengths 8..128, so batches have padding. */
    static Dataset randomRows(int n, long seed) {
        Seeded rng = new Seeded(seed);
        int[][] rows = new int[n][];
        for (int r = 0; r < n; r++) {
            int len = 8 + rng.nextInt(121);
            rows[r] = new int[len];
            rows[r][0] = CLS;
            for (int j = 1; j < len - 1; j++) {
                rows[r][j] = 2000 + rng.nextInt(1000);
            }
            rows[r][len - 1] = SEP;
        }
        return tokenRows(rows);
    }

    static Dataset tokenRows(int[][] rows) {
        Map<String, Column> columns = new LinkedHashMap<>();
        TokenColumn ids = TokenColumn.of(rows);
        columns.put("input_ids", ids);
        columns.put("attention_mask", TokenColumn.onesLike(ids));
        return Dataset.fromColumns(columns, Map.of());
    }

    static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void eightyTenTenFractionsFallWithinThreeStandardErrors() {
        Dataset data = randomRows(512, 7);
        var collator = new DataCollatorForLanguageModeling(bge, 0.15, 42);
        PaddedBatch original = new DataCollatorWithPadding(bge).pad(data, all(512));
        PaddedBatch batch = collator.pad(data, all(512));
        int candidates = 0;
        int picked = 0;
        int masked = 0;
        int random = 0;
        int kept = 0;
        for (int i = 0; i < batch.inputIds().length; i++) {
            int before = original.inputIds()[i];
            boolean ordinary = original.attentionMask()[i] == 1 && before >= 2000;
            candidates += ordinary ? 1 : 0;
            int label = tokenLabels(batch)[i];
            if (label == DataCollatorForLanguageModeling.IGNORE_INDEX) {
                assertThat(batch.inputIds()[i]).as("an unpicked position keeps its id").isEqualTo(before);
                continue;
            }
            picked++;
            assertThat(label).as("the label is the original id").isEqualTo(before);
            int now = batch.inputIds()[i];
            if (now == MASK) {
                masked++;
            } else if (now != before) {
                random++;
                assertThat(now).isBetween(0, bge.length() - 1);
            } else {
                kept++;
            }
        }
        System.out.printf("80/10/10 on %d candidate tokens: picked %.4f, of those [MASK] %.4f, random %.4f, unchanged %.4f%n",
                candidates, picked / (double) candidates, masked / (double) picked, random / (double) picked, kept / (double) picked);
        assertWithin3Se("picked", picked, candidates, 0.15);
        assertWithin3Se("[MASK]", masked, picked, 0.8);
        assertWithin3Se("random token", random, picked, 0.1);
        assertWithin3Se("unchanged", kept, picked, 0.1);
    }

    static void assertWithin3Se(String what, int count, int n, double p) {
        double se = Math.sqrt(p * (1 - p) / n);
        assertThat(count / (double) n).as(what + " fraction (n=" + n + ", 3 SE = " + 3 * se + ")").isCloseTo(p,
                org.assertj.core.data.Offset.offset(3 * se));
    }

    @Test
    void specialTokensAndPaddingAreNeverTouched() {
        // rows full of special tokens, with [UNK], [MASK] and [SEP] inside the text, of different lengths (padding)
        int[][] rows = new int[64][];
        for (int r = 0; r < rows.length; r++) {
            int len = 6 + r % 20;
            rows[r] = new int[len];
            for (int j = 0; j < len; j++) {
                rows[r][j] = switch (j % 5) {
                    case 0 -> CLS;
                    case 1 -> UNK;
                    case 2 -> MASK;
                    case 3 -> SEP;
                    default -> 3000 + j;
                };
            }
        }
        Dataset data = tokenRows(rows);
        for (var collator : List.of(new DataCollatorForLanguageModeling(bge, 0.99, 1),
                DataCollatorForLanguageModeling.wholeWordMask(bge, 0.99, 1))) {
            PaddedBatch original = new DataCollatorWithPadding(bge).pad(data, all(64));
            PaddedBatch batch = collator.pad(data, all(64));
            int ordinaryPicked = 0;
            for (int i = 0; i < batch.inputIds().length; i++) {
                int before = original.inputIds()[i];
                boolean special = before == CLS || before == SEP || before == UNK || before == MASK || original.attentionMask()[i] == 0;
                if (special) {
                    assertThat(batch.inputIds()[i]).as("special or pad id at " + i).isEqualTo(before);
                    assertThat(tokenLabels(batch)[i]).as("label at special or pad " + i).isEqualTo(-100);
                } else {
                    ordinaryPicked += tokenLabels(batch)[i] != -100 ? 1 : 0;
                }
            }
            assertThat(ordinaryPicked).as("ordinary tokens are picked").isPositive();
            assertThat(Arrays.copyOf(batch.attentionMask(), batch.attentionMask().length)).isEqualTo(original.attentionMask());
        }
    }

    @Test
    void masksDependOnlyOnSeedAndRowsWhicheverThreadPadsThem() throws Exception {
        Dataset data = randomRows(256, 3);
        var a = new DataCollatorForLanguageModeling(bge, 0.15, 11);
        var b = new DataCollatorForLanguageModeling(bge, 0.15, 11);
        List<int[]> batches = BatchCut.of(Seeded.permutation(256, 5), 16);
        List<PaddedBatch> serial = batches.stream().map(rows -> a.pad(data, rows)).toList();
        // the same batches padded by 4 threads in reverse order
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PaddedBatch>> futures = new ArrayList<>();
            for (int i = batches.size() - 1; i >= 0; i--) {
                int[] rows = batches.get(i);
                futures.add(pool.submit(() -> b.pad(data, rows)));
            }
            for (int i = 0; i < batches.size(); i++) {
                PaddedBatch parallel = futures.get(batches.size() - 1 - i).get();
                assertThat(parallel.inputIds()).isEqualTo(serial.get(i).inputIds());
                assertThat(tokenLabels(parallel)).isEqualTo(tokenLabels(serial.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
        // and through the DataLoader's prefetch thread
        DataLoader loader = new DataLoader(data, 16, Sampler.sequential(256), false, a);
        int i = 0;
        try (PointerScope scope = new PointerScope(); var it = loader.epoch(0)) {
            while (it.hasNext()) {
                ModelInputs in = it.next();
                PaddedBatch direct = a.pad(data, IntStream.range(i * 16, i * 16 + 16).toArray());
                assertThat(Tensors.toInts(in.inputIds())).isEqualTo(direct.inputIds());
                assertThat(Tensors.toInts(in.labels())).isEqualTo(tokenLabels(direct));
                assertThat(Tensors.shape(in.labels())).containsExactly(16, direct.length());
                i++;
            }
        }
        // another seed, or the same rows in another order, gives other masks
        int[] rows = batches.getFirst();
        assertThat(new DataCollatorForLanguageModeling(bge, 0.15, 12).pad(data, rows).label("labels").toInts())
                .isNotEqualTo(tokenLabels(serial.getFirst()));
        int[] reversed = IntStream.range(0, rows.length).map(k -> rows[rows.length - 1 - k]).toArray();
        PaddedBatch other = a.pad(data, reversed);
        int t = other.length();
        int[] firstRowOfReversed = Arrays.copyOfRange(tokenLabels(other), (rows.length - 1) * t, rows.length * t);
        int[] firstRowOfSerial = Arrays.copyOfRange(tokenLabels(serial.getFirst()), 0, t);
        assertThat(firstRowOfReversed).isNotEqualTo(firstRowOfSerial);
    }

    /** Batches of consecutive entries of an order, as the Trainer cuts them. */
    static final class BatchCut {
        static List<int[]> of(int[] order, int size) {
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < order.length; i += size) {
                out.add(Arrays.copyOfRange(order, i, Math.min(order.length, i + size)));
            }
            return out;
        }
    }

    @Test
    void wholeWordMaskingMasksWordPieceContinuationsWithTheirHead() {
        String text = "the unbelievably photogenic cinematography overshadows its screenwriting shortcomings entirely";
        Dataset data = Dataset.fromColumns(Map.of("text", new StringColumn(new String[] {text, text, text, text})), Map.of())
                .tokenize(bge, "text", EncodeOptions.defaults());
        int[] ids = data.tokens("input_ids").row(0);
        List<String> tokens = bge.convertIdsToTokens(ids);
        assertThat(tokens).as("the sentence has multi-piece words").anyMatch(tok -> tok.startsWith("##"));
        // words: a head and its ## continuations
        List<int[]> words = new ArrayList<>();
        for (int i = 1; i < tokens.size() - 1; i++) {
            if (tokens.get(i).startsWith("##")) {
                int[] last = words.removeLast();
                words.add(new int[] {last[0], i});
            } else {
                words.add(new int[] {i, i});
            }
        }
        int expectedCount = Math.max(1, (int) Math.rint(tokens.size() * 0.3));
        int wholeWordsWithPieces = 0;
        for (long seed = 0; seed < 200; seed++) {
            PaddedBatch batch = DataCollatorForLanguageModeling.wholeWordMask(bge, 0.3, seed).pad(data, all(4));
            for (int r = 0; r < 4; r++) {
                int count = 0;
                for (int[] w : words) {
                    int pickedPieces = 0;
                    for (int i = w[0]; i <= w[1]; i++) {
                        pickedPieces += tokenLabels(batch)[r * batch.length() + i] != -100 ? 1 : 0;
                    }
                    assertThat(pickedPieces).as("word " + tokens.subList(w[0], w[1] + 1) + " is masked whole or not at all")
                            .isIn(0, w[1] - w[0] + 1);
                    count += pickedPieces;
                    wholeWordsWithPieces += pickedPieces > 1 ? 1 : 0;
                }
                assertThat(count).as("tokens picked: at most round(len * p)").isBetween(1, expectedCount);
            }
        }
        assertThat(wholeWordsWithPieces).as("multi-piece words do get picked").isPositive();
        // token masking of the same data splits words
        boolean split = false;
        for (long seed = 0; seed < 200 && !split; seed++) {
            PaddedBatch batch = new DataCollatorForLanguageModeling(bge, 0.3, seed).pad(data, all(4));
            for (int[] w : words) {
                if (w[1] > w[0]) {
                    int pickedPieces = 0;
                    for (int i = w[0]; i <= w[1]; i++) {
                        pickedPieces += tokenLabels(batch)[i] != -100 ? 1 : 0;
                    }
                    split |= pickedPieces > 0 && pickedPieces <= w[1] - w[0];
                }
            }
        }
        assertThat(split).as("plain token masking does split words").isTrue();
    }

    @Test
    void robertaUsesItsOwnMaskTokenAndNextSentenceLabelsPassThrough() {
        Dataset data = Dataset.fromColumns(Map.of("text", new StringColumn(new String[] {"a b c d e f", "a b"})), Map.of())
                .tokenize(roberta, "text", EncodeOptions.defaults());
        PaddedBatch batch = new DataCollatorForLanguageModeling(roberta, 0.9, 3).pad(data, all(2));
        int mask = roberta.maskTokenId();
        assertThat(roberta.maskToken()).isEqualTo("<mask>");
        assertThat(Arrays.stream(batch.inputIds()).anyMatch(id -> id == mask)).isTrue();
        assertThat(batch.tokenTypeIds()).isNull();

        Map<String, Column> columns = new LinkedHashMap<>();
        TokenColumn ids = TokenColumn.of(new int[][] {{CLS, 2000, SEP, 2001, SEP}, {CLS, 2002, SEP, 2003, 2004, SEP}});
        columns.put("input_ids", ids);
        columns.put("token_type_ids", TokenColumn.of(new int[][] {{0, 0, 0, 1, 1}, {0, 0, 0, 1, 1, 1}}));
        columns.put("attention_mask", TokenColumn.onesLike(ids));
        columns.put("next_sentence_label", new LongColumn(new long[] {1, 0}));
        PaddedBatch pairs = new DataCollatorForLanguageModeling(bge, 0.15, 3).pad(Dataset.fromColumns(columns, Map.of()), all(2));
        assertThat(pairs.label("next_sentence_label").longs()).containsExactly(1, 0);
        assertThat(pairs.tokenTypeIds()).containsExactly(0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        try (PointerScope scope = new PointerScope()) {
            ModelInputs in = pairs.toModelInputs();
            assertThat(Tensors.toLongs(in.nextSentenceLabel())).containsExactly(1, 0);
            assertThat(Tensors.shape(in.labels())).containsExactly(2, 6);
        }
    }

    @Test
    void aTokenizerWithoutMaskTokenAndABadProbabilityAreRefused() throws Exception {
        Path noMask = cacheDir.resolve("no-mask-tokenizer");
        Files.createDirectories(noMask);
        Files.copy(Fixtures.bgeTokenizer().resolve("tokenizer.json"), noMask.resolve("tokenizer.json"));
        Files.writeString(noMask.resolve("tokenizer_config.json"), """
                {"tokenizer_class": "BertTokenizer", "model_max_length": 512, "do_lower_case": true,
                 "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]"}
                """);
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(noMask)) {
            assertThatThrownBy(() -> new DataCollatorForLanguageModeling(tokenizer, 0.15, 0))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("the tokenizer in " + noMask + " has no mask_token");
        }
        for (double p : new double[] {0.0, 1.0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new DataCollatorForLanguageModeling(bge, p, 0))
                    .isInstanceOf(DataException.class).hasMessage("mlm_probability must be in (0, 1), got " + p);
        }
    }

    private static int[] tokenLabels(PaddedBatch batch) {
        return batch.label("labels").toInts();
    }
}
