package io.t4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning in Spark's barrier mode, {@code local[2]}: two ranks (two barrier tasks of this JVM) joined through
 * {@code allGather}, training on their partitions with averaged gradients (fit fails unless both end with the same
 * weights), rank 0 evaluating and writing to a remote output_dir, and a resume from a remote checkpoint that ends
 * where the uninterrupted run did.
 */
class T4jDistributedTrainerTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static Path model;
    static Dataset<Row> train;
    static Dataset<Row> dev;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(ModelSource.CACHE_PROPERTY, tmp.resolve("model-cache").toString());
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        // dropout off: the two ranks of this JVM draw from one torch generator, in an order threads decide
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(model.resolve("config.json").toFile());
        config.put("hidden_dropout_prob", 0.0).put("attention_probs_dropout_prob", 0.0).put("classifier_dropout", 0.0);
        Files.writeString(model.resolve("config.json"), config.toString());
        spark = SparkSessions.local2();
        StructType schema = new StructType().add("review", DataTypes.StringType).add("sentiment", DataTypes.StringType);
        train = spark.createDataFrame(rows(64), schema);
        dev = spark.createDataFrame(rows(16), schema);
    }

    /** Two classes with disjoint words, as TrainCliTest's data. */
    static List<Row> rows(int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int start = i % 2 == 0 ? 5 : 40;
            rows.add(RowFactory.create("w" + (start + i % 7) + " w" + (start + 1 + i % 5), i % 2 == 0 ? "negative" : "positive"));
        }
        return rows;
    }

    static String args(String outputDir, String resume) {
        return "{\"output_dir\": \"" + outputDir + "\", \"max_steps\": 4, \"per_device_train_batch_size\": 8, "
                + "\"learning_rate\": 1e-3, \"save_strategy\": \"steps\", \"save_steps\": 2, \"logging_steps\": 2, "
                + "\"disable_tqdm\": true" + (resume == null ? "" : ", \"resume_from_checkpoint\": \"" + resume + "\"") + "}";
    }

    @Test
    void twoBarrierRanksTrainInSyncSaveToARemoteOutputDirAndResumeFromItsCheckpoint() throws Exception {
        String remote = RemoteTestFileSystem.SCHEME + "://" + tmp.resolve("remote-run");
        var trainer = new T4jDistributedTrainer().setModel(model.toString()).setInputCol("review").setLabelCol("sentiment")
                .setNumRanks(2).setTrainingArguments(args(remote, null)).setValidationData(dev);
        T4jTextClassifier classifier = trainer.fit(train);
        System.out.println("T4jDistributedTrainer metrics: " + trainer.lastMetrics());
        assertThat(trainer.lastMetrics()).containsKeys("train_loss", "train_runtime", "eval_loss", "eval_accuracy");
        assertThat(trainer.lastMetrics().get("epoch")).isEqualTo(1.0); // 64 rows / 2 ranks / batch 8 = 4 steps
        Path out = tmp.resolve("remote-run");
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();
        assertThat(out.resolve("checkpoint-2/optimizer.safetensors")).exists();
        assertThat(out.resolve("checkpoint-4/trainer_state.json")).exists();
        assertThat(classifier.getModel()).isEqualTo(remote);
        assertThat(classifier.parent()).isSameAs(trainer);

        List<Row> predicted = classifier.transform(dev).collectAsList();
        assertThat(predicted).hasSize(16);
        assertThat(predicted.get(0).getStruct(2).getString(0)).isIn("negative", "positive");

        String resumed = RemoteTestFileSystem.SCHEME + "://" + tmp.resolve("resumed-run");
        var again = new T4jDistributedTrainer().setModel(model.toString()).setInputCol("review").setLabelCol("sentiment")
                .setNumRanks(2).setTrainingArguments(args(resumed, remote + "/checkpoint-2"));
        again.fit(train);
        assertThat(Files.mismatch(out.resolve("model.safetensors"), tmp.resolve("resumed-run/model.safetensors")))
                .as("resumed from checkpoint-2 = uninterrupted").isEqualTo(-1);
    }

    @Test
    void badSettingsFailOnTheDriver() {
        assertThatThrownBy(() -> new T4jDistributedTrainer().setTrainingArguments("{\"learning_rate\": 1}"))
                .hasMessageContaining("output_dir is required");
        assertThatThrownBy(() -> new T4jDistributedTrainer().setModel(model.toString()).setInputCol("text")
                .setTrainingArguments(args("x", null)).fit(train)).hasMessageContaining("column 'text' is not in the data");
        assertThatThrownBy(() -> new T4jDistributedTrainer().setNumRanks(0)).hasMessageContaining("at least 1");
    }
}
