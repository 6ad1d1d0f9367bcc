package io.t4j.spark.examples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.t4j.spark.T4jDistributedTrainer;
import io.t4j.spark.T4jFeatureExtractor;
import io.t4j.spark.T4jTextClassifier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's Spark example, for {@code spark-submit --class io.t4j.spark.examples.SparkSentiment}: fine-tunes a
 * model on SST-2's training sentences over {@code --ranks} barrier tasks, scores the dev set with the result and an
 * embedding model in one PipelineModel, prints the accuracy, and saves the PipelineModel (the models inside).
 *
 * <pre>
 * SparkSentiment --model MODEL --train sst2/train.tsv --dev sst2/dev.tsv --output DIR [--ranks 2] [--max-steps 30]
 *                [--train-rows 2000]
 * </pre>
 * Every path may be a Hadoop URI ({@code hdfs://}, {@code s3a://}); local paths must exist on every machine.
 */
public final class SparkSentiment {
    private SparkSentiment() {}

    public static void main(String[] argv) throws java.io.IOException {
        var a = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i], argv[i + 1]);
        }
        for (String required : new String[] {"--model", "--train", "--dev", "--output"}) {
            if (!a.containsKey(required)) {
                System.err.println("usage: SparkSentiment --model MODEL --train TSV --dev TSV --output DIR [--ranks N] "
                        + "[--max-steps N] [--train-rows N]  (missing " + required + ")");
                System.exit(2);
            }
        }
        SparkSession spark = SparkSession.builder().appName("t4j SST-2").getOrCreate();
        Dataset<Row> train = tsv(spark, a.get("--train")).limit(Integer.parseInt(a.getOrDefault("--train-rows", "2000")));
        Dataset<Row> dev = tsv(spark, a.get("--dev"));

        // 1. fine-tune, one rank per barrier task
        String output = a.get("--output");
        var trainer = new T4jDistributedTrainer().setModel(a.get("--model")).setInputCol("sentence").setLabelCol("label")
                .setLabels("negative", "positive").setNumRanks(Integer.parseInt(a.getOrDefault("--ranks", "2")))
                .setMaxLength(64).setValidationData(dev)
                .setTrainingArguments("{\"output_dir\": \"" + output + "/model\", \"max_steps\": "
                        + a.getOrDefault("--max-steps", "30") + ", \"per_device_train_batch_size\": 16, "
                        + "\"learning_rate\": 5e-5, \"warmup_ratio\": 0.1, \"save_strategy\": \"no\", \"logging_steps\": 10}");
        T4jTextClassifier classifier = trainer.fit(train).setOutputCol("sentiment").setBatchSize(64);
        System.out.println("training: " + trainer.lastMetrics());

        // 2. score with the fine-tuned model and embed with the base one, in one PipelineModel
        var embedder = new T4jFeatureExtractor().setModel(a.get("--model")).setInputCol("sentence")
                .setOutputCol("embedding").setPooling("cls").setNormalize(true);
        var scoring = new PipelineModel("t4j-sst2", new Transformer[] {classifier, embedder});
        Dataset<Row> scored = scoring.transform(dev).cache(); // three actions below: score the dev set once
        scored.select(col("sentence"), col("sentiment.label"), col("sentiment.score")).show(5, 60);
        double accuracy = scored.select(avg(when(col("sentiment.label").equalTo(
                when(col("label").equalTo(1), "positive").otherwise("negative")), 1.0).otherwise(0.0))).first().getDouble(0);
        System.out.printf("dev accuracy %.4f over %d sentences%n", accuracy, scored.count());
        scoring.write().overwrite().save(output + "/pipeline");
        System.out.println("PipelineModel saved to " + output + "/pipeline");
        spark.stop();
    }

    /** SST-2's TSV (label 0/1, sentence; the dev file calls it content). */
    static Dataset<Row> tsv(SparkSession spark, String path) {
        Dataset<Row> d = spark.read().option("sep", "\t").option("header", "true").option("quote", "")
                .option("inferSchema", "true").csv(path);
        return java.util.Arrays.asList(d.columns()).contains("content") ? d.withColumnRenamed("content", "sentence") : d;
    }
}
