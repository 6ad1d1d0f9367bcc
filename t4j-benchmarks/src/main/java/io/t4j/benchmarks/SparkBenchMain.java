package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.data.StringColumn;
import io.t4j.engine.Engine;
import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.spark.T4jTextClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One child JVM of the {@code spark} bench section (on t4j-spark's class path, Spark included): text classification
 * over the first N SST-2 training sentences with bge-small, either the plain pipeline ({@code pipeline}: one caller,
 * every core as intra-op threads) or {@link T4jTextClassifier} in Spark {@code local[K]} ({@code spark}: K tasks,
 * cores / K threads each), one untimed pass (model load, JIT) then {@code PASSES} timed ones. Writes a JSON result.
 *
 * <p>Arguments: {@code OUT_JSON MODE(pipeline|spark) SST2_TRAIN_TSV MODEL_DIR ROWS PASSES BATCH [LOCAL_K]}.
 */
public final class SparkBenchMain {
    private SparkBenchMain() {}

    public static void main(String[] argv) throws Exception {
        Path out = Path.of(argv[0]);
        String mode = argv[1];
        Path tsv = Path.of(argv[2]);
        Path model = Path.of(argv[3]);
        int rows = Integer.parseInt(argv[4]);
        int passes = Integer.parseInt(argv[5]);
        int batch = Integer.parseInt(argv[6]);
        int k = argv.length > 7 ? Integer.parseInt(argv[7]) : 2;
        var data = LoadDataset.fromFiles(tsv.toString(), LoadOptions.textClassification("sentence", "label")
                .withLabelNames("negative", "positive")).take(rows);
        List<String> texts = ((StringColumn) data.column("sentence")).asList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", mode);
        result.put("rows", texts.size());
        List<Double> passMs = new ArrayList<>();
        long loadStart = System.nanoTime();
        if (mode.equals("pipeline")) {
            Engine.init();
            try (var pipe = Pipeline.textClassification(model, PretrainedOptions.numLabels(2).withZeroCopy(true))) {
                var options = TextClassificationOptions.defaults().withBatchSize(batch);
                pipe.scores(texts.subList(0, Math.min(64, texts.size())), options);
                result.put("load_ms", (System.nanoTime() - loadStart) / 1e6);
                for (int p = 0; p < passes; p++) {
                    long t0 = System.nanoTime();
                    pipe.scores(texts, options);
                    passMs.add((System.nanoTime() - t0) / 1e6);
                }
            }
            result.put("threads", org.bytedeco.pytorch.global.torch.get_num_threads());
        } else {
            SparkSession spark = SparkSession.builder().master("local[" + k + "]").appName("t4j bench")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            Dataset<Row> df = spark.createDataset(texts, Encoders.STRING()).toDF("sentence").repartition(k).cache();
            df.count();
            var classifier = new T4jTextClassifier().setModel(model.toString()).setInputCol("sentence").setBatchSize(batch);
            classifier.transform(df.limit(64)).write().format("noop").mode("overwrite").save(); // loads the model
            result.put("load_ms", (System.nanoTime() - loadStart) / 1e6);
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                classifier.transform(df).write().format("noop").mode("overwrite").save();
                passMs.add((System.nanoTime() - t0) / 1e6);
            }
            result.put("tasks", k);
            result.put("threads", org.bytedeco.pytorch.global.torch.get_num_threads());
            spark.stop();
        }
        result.put("pass_ms", passMs);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.exit(0);
    }
}
