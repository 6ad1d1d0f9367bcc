package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadDatasetTest {
    @TempDir Path dir;

    @Test
    void loadsGlueTsvWithMixedLineEndingsAndARenamedColumn() {
        Fixtures.sst2Train(dir);
        Fixtures.sst2Dev(dir);
        DatasetDict sst2 = LoadDataset.fromFiles(
                Map.of("train", dir.resolve("train.tsv").toString(), "validation", dir.resolve("dev.tsv").toString()),
                LoadOptions.textClassification("sentence", "label").withRename("content", "sentence")
                        .withLabelNames("negative", "positive"));
        Dataset train = sst2.get("train");
        assertThat(train.numRows()).isEqualTo(5);
        assertThat(train.columnNames()).containsExactly("label", "sentence");
        assertThat(train.strings("sentence").values()).containsExactly("hide new secretions from the parental units",
                "contains no wit , only labored gags",
                "that loves its characters and communicates something rather beautiful about human nature",
                "remains utterly satisfied to remain the same throughout", "the \"greatest\" film of the year");
        assertThat(train.longs("label").values()).containsExactly(0, 0, 1, 0, 1);
        assertThat(train.classLabel("label").names()).containsExactly("negative", "positive");
        assertThat(sst2.get("validation").strings("sentence").get(1)).isEqualTo("it 's a charming and often affecting journey .");
        assertThat(sst2.keys()).containsExactly("train", "validation");
    }

    @Test
    void printsLikeHfDatasetDict() {
        Fixtures.sst2Train(dir);
        DatasetDict dict = LoadDataset.fromFiles(Map.of("train", dir.resolve("train.tsv").toString()),
                LoadOptions.textClassification("sentence", "label"));
        assertThat(dict.toString()).isEqualTo("""
                DatasetDict({
                    train: Dataset({
                        features: ['label', 'sentence'],
                        num_rows: 5
                    })
                })""");
        assertThat(dict.get("train").toString()).isEqualTo("""
                Dataset({
                    features: ['label', 'sentence'],
                    num_rows: 5
                })""");
    }

    @Test
    void readsRfc4180CsvWithStringLabelsAsSortedClassLabel() {
        Path csv = Fixtures.write(dir.resolve("IMDB Dataset.csv"), "review,sentiment\r\n"
                + "\"One of the best, truly.<br /><br />Watch it.\",positive\r\n"
                + "\"He said \"\"meh\"\"\r\nand left\",negative\r\n"
                + "plain text without quotes,positive\n");
        Dataset imdb = LoadDataset.fromFiles(csv.toString(), LoadOptions.textClassification("review", "sentiment"));
        assertThat(imdb.strings("review").values()).containsExactly("One of the best, truly.<br /><br />Watch it.",
                "He said \"meh\"\r\nand left", "plain text without quotes");
        assertThat(imdb.classLabel("sentiment").names()).containsExactly("negative", "positive");
        assertThat(imdb.longs("sentiment").values()).containsExactly(1, 0, 1);
        assertThat(imdb.features().get("sentiment").toString()).isEqualTo("ClassLabel(names=['negative', 'positive'])");

        Dataset given = LoadDataset.fromFiles(csv.toString(),
                LoadOptions.textClassification("review", "sentiment").withLabelNames("positive", "negative"));
        assertThat(given.longs("sentiment").values()).containsExactly(0, 1, 0);
    }

    @Test
    void readsJsonLinesWithIntegerLabelsAndExtraColumns() {
        Path jsonl = Fixtures.write(dir.resolve("data.jsonl"),
                "{\"text\": \"good movie\", \"label\": 1, \"score\": 0.9, \"id\": \"a\"}\r\n\n"
                        + "{\"text\": \"bad movie\", \"label\": 0, \"score\": 0.1, \"id\": \"b\"}\r");
        Dataset ds = LoadDataset.fromFiles(jsonl.toString(), LoadOptions.textClassification("text", "label").withLabelNames("neg", "pos"));
        assertThat(ds.columnNames()).containsExactly("text", "label", "score", "id");
        assertThat(ds.longs("label").values()).containsExactly(1, 0);
        assertThat(ds.doubles("score").values()).containsExactly(0.9, 0.1);
        assertThat(ds.strings("id").values()).containsExactly("a", "b");
        assertThat(ds.features().get("score")).isEqualTo(new Feature.Value("float64"));

        Dataset noNames = LoadDataset.fromFiles(jsonl.toString(), LoadOptions.textClassification("text", "label"));
        assertThat(noNames.features().get("label")).isEqualTo(new Feature.Value("int64"));
    }

    @Test
    void readsParquetShardsWithHfClassLabelMetadata() {
        Path parquet = Fixtures.resource("parquet");
        DatasetDict dict = LoadDataset.fromFiles(Map.of(
                        "train", parquet + "/train-*.parquet",
                        "validation", parquet + "/validation-00000-of-00001.parquet"),
                LoadOptions.textClassification("sentence", "label"));
        Dataset train = dict.get("train");
        assertThat(train.numRows()).isEqualTo(34); // snappy shard (30) + zstd shard (4)
        assertThat(train.columnNames()).containsExactly("idx", "sentence", "label");
        assertThat(train.strings("sentence").get(0)).isEqualTo("hide new secretions from the parental units");
        assertThat(train.longs("idx").values()).startsWith(0, 1, 2).endsWith(33);
        assertThat(train.classLabel("label").names()).containsExactly("negative", "positive");
        assertThat(train.features().get("idx")).isEqualTo(new Feature.Value("int32"));
        assertThat(dict.get("validation").numRows()).isEqualTo(6); // gzip
    }

    @Test
    void loadsByRepoIdFromTheHfCacheLayouts() throws IOException {
        String sha = "0123456789abcdef0123456789abcdef01234567";
        Path repo = dir.resolve("hub/datasets--stanfordnlp--sst2");
        Fixtures.write(repo.resolve("refs/main"), sha + "\n");
        Path data = repo.resolve("snapshots/" + sha + "/data");
        Files.createDirectories(data);
        for (String f : List.of("train-00000-of-00002.parquet", "train-00001-of-00002.parquet", "validation-00000-of-00001.parquet")) {
            Files.copy(Fixtures.resource("parquet/" + f), data.resolve(f));
        }
        HfCache cache = new HfCache(dir.resolve("hub"));
        DatasetDict sst2 = LoadDataset.fromHub("stanfordnlp/sst2", "default", LoadOptions.textClassification("sentence", "label"), cache);
        assertThat(sst2.keys()).containsExactly("train", "validation");
        assertThat(sst2.get("train").numRows()).isEqualTo(34);

        String converted = "fedcba9876543210fedcba9876543210fedcba98";
        Path other = dir.resolve("hub/datasets--someone--imdb-like");
        Fixtures.write(other.resolve("refs/convert/parquet"), converted);
        Path train = other.resolve("snapshots/" + converted + "/plain_text/train");
        Path test = other.resolve("snapshots/" + converted + "/plain_text/test");
        Files.createDirectories(train);
        Files.createDirectories(test);
        Files.copy(Fixtures.resource("parquet/train-00000-of-00002.parquet"), train.resolve("0000.parquet"));
        Files.copy(Fixtures.resource("parquet/validation-00000-of-00001.parquet"), test.resolve("0000.parquet"));
        DatasetDict imdb = LoadDataset.fromHub("someone/imdb-like", "plain_text", LoadOptions.textClassification("sentence", "label"), cache);
        assertThat(imdb.keys()).containsExactly("train", "test");
        assertThat(imdb.get("test").numRows()).isEqualTo(6);
    }

    @Test
    void expandsGlobsInSortedOrder() {
        Fixtures.write(dir.resolve("parts/b.csv"), "text,label\nsecond,1\n");
        Fixtures.write(dir.resolve("parts/a.csv"), "text,label\nfirst,0\n");
        Dataset ds = LoadDataset.fromFiles(dir + "/parts/*.csv", LoadOptions.textClassification("text", "label"));
        assertThat(ds.strings("text").values()).containsExactly("first", "second");
    }
}
