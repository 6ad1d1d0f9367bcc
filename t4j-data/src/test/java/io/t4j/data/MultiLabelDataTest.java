package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-label and regression targets from files to a collated batch: a JSON Lines label column of 0/1 arrays loads as
 * a {@link FloatListColumn} ({@code Sequence(Value('float32'))}) and collates to float32 [B,L] labels; one 0/1 column
 * per label stacks into the same; float labels collate to float32 [B]. Bad vectors fail naming the line.
 */
@SuppressWarnings("try")
class MultiLabelDataTest {
    @TempDir static Path cacheDir;
    @TempDir Path tmp;
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
    void jsonArraysLoadAsMultiLabelVectorsAndCollateToFloatBL() {
        Path file = Fixtures.write(tmp.resolve("train.jsonl"), """
                {"text": "a gripping, funny film", "labels": [1, 0, 1, 0]}
                {"text": "dull", "labels": [0, 0, 0, 1]}
                {"text": "loud and long", "labels": [1, 1, 0, 0.0]}
                """);
        Dataset ds = LoadDataset.fromFiles(file.toString(), LoadOptions.textClassification("text", "labels")
                .withLabelNames("good", "funny", "gripping", "dull"));
        assertThat(ds.features().get("labels")).hasToString("Sequence(feature=Value('float32'))");
        assertThat(ds.floatLists("labels").row(2)).containsExactly(1f, 1f, 0f, 0f);
        Dataset tokenized = ds.tokenize(bge, "text", EncodeOptions.defaults());
        PaddedBatch batch = new DataCollatorWithPadding(bge).pad(tokenized, new int[] {1, 0});
        NdArray labels = batch.label("labels");
        assertThat(labels.isFloat()).isTrue();
        assertThat(labels.shape()).containsExactly(2, 4);
        assertThat(labels.floats()).containsExactly(0, 0, 0, 1, 1, 0, 1, 0);
        try (PointerScope scope = new PointerScope()) {
            ModelInputs in = batch.toModelInputs();
            assertThat(Tensors.scalarType(in.labels())).isEqualTo(ScalarType.Float);
            assertThat(Tensors.shape(in.labels())).containsExactly(2, 4);
        }
        // shuffle/select keep the vectors with their rows
        assertThat(tokenized.select(2, 0).floatLists("labels").row(0)).containsExactly(1f, 1f, 0f, 0f);
    }

    @Test
    void oneColumnPerLabelStacksIntoMultiHotVectors() {
        Path file = Fixtures.write(tmp.resolve("toxic.csv"), "text,toxic,obscene,insult\nyou are nice,0,0,0\nawful words,1,1,0\n");
        Dataset ds = LoadDataset.fromFiles(file.toString(), LoadOptions.text("text"));
        List<String> names = List.of("toxic", "obscene", "insult");
        Dataset stacked = ds.map(1000, b -> Map.of("labels", FloatListColumn.multiHot(b, names)));
        assertThat(stacked.floatLists("labels").row(1)).containsExactly(1f, 1f, 0f);
        PaddedBatch batch = new DataCollatorWithPadding(bge).pad(
                stacked.removeColumns("toxic", "obscene", "insult").tokenize(bge, "text", EncodeOptions.defaults()), new int[] {0, 1});
        assertThat(batch.label("labels").shape()).containsExactly(2, 3);
        assertThat(batch.label("labels").floats()).containsExactly(0, 0, 0, 1, 1, 0);
    }

    @Test
    void regressionTargetsCollateToFloatB() {
        Path file = Fixtures.write(tmp.resolve("stsb.jsonl"), """
                {"text": "two dogs play", "label": 4.2}
                {"text": "a man sings", "label": 0.5}
                """);
        Dataset ds = LoadDataset.fromFiles(file.toString(), LoadOptions.textClassification("text", "label"))
                .tokenize(bge, "text", EncodeOptions.defaults());
        assertThat(ds.features().get("label")).hasToString("Value('float64')");
        NdArray labels = new DataCollatorWithPadding(bge).pad(ds, new int[] {0, 1}).label("labels");
        assertThat(labels.isFloat()).isTrue();
        assertThat(labels.shape()).containsExactly(2);
        assertThat(labels.floats()).containsExactly(4.2f, 0.5f);
    }

    @Test
    void badMultiLabelVectorsNameTheLine() {
        Path ragged = Fixtures.write(tmp.resolve("ragged.jsonl"), "{\"text\": \"a\", \"labels\": [1, 0]}\n{\"text\": \"b\", \"labels\": [1]}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(ragged.toString(), LoadOptions.textClassification("text", "labels")))
                .isInstanceOf(DataException.class).hasMessageContaining("ragged.jsonl line 2")
                .hasMessageContaining("1 values, expected 2");
        Path names = Fixtures.write(tmp.resolve("names.jsonl"), "{\"text\": \"a\", \"labels\": [1, 0]}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(names.toString(), LoadOptions.textClassification("text", "labels")
                .withLabelNames("x", "y", "z"))).isInstanceOf(DataException.class)
                .hasMessageContaining("names.jsonl line 1").hasMessageContaining("one per label name [x, y, z]");
        Path range = Fixtures.write(tmp.resolve("range.jsonl"), "{\"text\": \"a\", \"labels\": [1, 2]}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(range.toString(), LoadOptions.textClassification("text", "labels")))
                .isInstanceOf(DataException.class).hasMessageContaining("range.jsonl line 1")
                .hasMessageContaining("2.0 is not in [0, 1]");
        Path missing = Fixtures.write(tmp.resolve("missing.jsonl"), "{\"text\": \"a\", \"labels\": [1, 0]}\n{\"text\": \"b\"}\n");
        assertThatThrownBy(() -> LoadDataset.fromFiles(missing.toString(), LoadOptions.textClassification("text", "labels")))
                .isInstanceOf(DataException.class).hasMessageContaining("missing.jsonl line 2").hasMessageContaining("missing label");
        Path csv = Fixtures.write(tmp.resolve("bad.csv"), "text,toxic\nx,2\n");
        Dataset ds = LoadDataset.fromFiles(csv.toString(), LoadOptions.text("text"));
        assertThatThrownBy(() -> FloatListColumn.multiHot(ds, List.of("toxic"))).isInstanceOf(DataException.class)
                .hasMessageContaining("'toxic' row 0: 2.0 is not 0 or 1");
    }
}
