package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeTest {
    @TempDir static Path cacheDir;
    @TempDir Path dir;
    static PreTrainedTokenizer bge;

    @BeforeAll
    static void setUp() {
        System.setProperty("t4j.cache.dir", cacheDir.toString());
        bge = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer());
    }

    @AfterAll
    static void tearDown() {
        bge.close();
        System.clearProperty("t4j.cache.dir");
    }

    @Test
    void addsCompactTokenColumnsWithHfIds() {
        Dataset train = LoadDataset.fromFiles(Fixtures.sst2Train(dir).toString(), LoadOptions.textClassification("sentence", "label"));
        Dataset tokenized = train.tokenize(bge, "sentence", EncodeOptions.defaults());
        assertThat(tokenized.columnNames()).containsExactly("label", "sentence", "input_ids", "token_type_ids", "attention_mask");
        assertThat(tokenized.tokens("input_ids").row(0)).containsExactly(101, 5342, 2047, 3595, 8496, 2013, 1996, 18643, 3197, 102);
        assertThat(tokenized.tokens("attention_mask").isAllOnes()).isTrue();
        assertThat(tokenized.tokens("attention_mask").row(0)).hasSize(10).containsOnly(1);
        assertThat(tokenized.tokens("token_type_ids").row(1)).containsOnly(0);
        assertThat(tokenized.features().get("input_ids").toString()).isEqualTo("Sequence(feature=Value('int32'))");
        Dataset truncated = train.tokenize(bge, "sentence", EncodeOptions.defaults().withMaxLength(5));
        assertThat(truncated.tokens("input_ids").row(0)).containsExactly(101, 5342, 2047, 3595, 102);
    }

    @Test
    void secondRunReadsTheDiskCacheInsteadOfTokenizing() throws Exception {
        Dataset train = LoadDataset.fromFiles(Fixtures.sst2Train(dir).toString(), LoadOptions.textClassification("sentence", "label"));
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(64);
        String key = TokenizationCache.key(train, bge, "sentence", null, options);
        Path file = TokenizationCache.file(key);
        Files.deleteIfExists(file);
        train.tokenize(bge, "sentence", options);
        assertThat(file).exists();
        assertThat(file.getParent()).isEqualTo(cacheDir.resolve("datasets/tokenized"));

        // Replace the cached ids with a marker: a second tokenize must return the marker, proving it read the cache.
        Map<String, Column> marked = new LinkedHashMap<>();
        int[][] rows = new int[train.numRows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new int[] {7, 7, 7};
        }
        marked.put("input_ids", TokenColumn.of(rows));
        TokenizationCache.save(key, marked);
        assertThat(train.tokenize(bge, "sentence", options).tokens("input_ids").row(0)).containsExactly(7, 7, 7);

        // Another option or another dataset is another key.
        assertThat(TokenizationCache.key(train, bge, "sentence", null, options.withMaxLength(32))).isNotEqualTo(key);
        assertThat(TokenizationCache.key(train.shuffle(1), bge, "sentence", null, options)).isNotEqualTo(key);
        assertThat(TokenizationCache.key(LoadDataset.fromFiles(Fixtures.sst2Train(dir).toString(),
                LoadOptions.textClassification("sentence", "label")), bge, "sentence", null, options)).isEqualTo(key);

        // A damaged cache file is ignored and rewritten.
        Files.writeString(file, "garbage");
        assertThat(train.tokenize(bge, "sentence", options).tokens("input_ids").row(0)).startsWith(101, 5342);
    }

    @Test
    void tokenizesAcrossChunkBoundaries() {
        int n = Dataset.ENCODE_CHUNK + 3;
        String[] texts = new String[n];
        for (int i = 0; i < n; i++) {
            texts[i] = i % 2 == 0 ? "hello world" : "the cat";
        }
        Dataset ds = Dataset.fromColumns(Map.of("text", new StringColumn(texts)), Map.of()).tokenize(bge, "text", EncodeOptions.defaults());
        assertThat(ds.tokens("input_ids").size()).isEqualTo(n);
        assertThat(ds.tokens("input_ids").row(n - 1)).containsExactly(101, 7592, 2088, 102); // n - 1 is even
        assertThat(ds.tokens("input_ids").row(Dataset.ENCODE_CHUNK)).containsExactly(101, 7592, 2088, 102);
        assertThat(ds.tokens("attention_mask").isAllOnes()).isTrue();
        assertThat(ds.tokens("token_type_ids").flat()).hasSize(ds.tokens("input_ids").flat().length);
    }

    @Test
    void tokenizesPairs() {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("sentence1", new StringColumn(new String[] {"hello world"}));
        columns.put("sentence2", new StringColumn(new String[] {"the cat"}));
        Dataset pairs = Dataset.fromColumns(columns, Map.of()).tokenize(bge, "sentence1", "sentence2", EncodeOptions.defaults());
        assertThat(pairs.tokens("input_ids").row(0)).containsExactly(101, 7592, 2088, 102, 1996, 4937, 102);
        assertThat(pairs.tokens("token_type_ids").row(0)).containsExactly(0, 0, 0, 0, 1, 1, 1);
    }
}
