package io.t4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.FeatureExtractionOptions;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.ChatTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The transformers in Spark {@code local[2]} against the same pipelines called directly in this JVM, row for row;
 * order, nulls, batching across rows, saving in a PipelineModel, remote model folders; and the dependency
 * conflicts that Spark 4.2 on JDK 25 brings (Hadoop, SLF4J, Jackson, Guava).
 */
class SparkTransformersTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static Path model;
    static Dataset<Row> reviews;
    static List<String> texts = new ArrayList<>();

    @BeforeAll
    static void start() {
        System.setProperty(ModelSource.CACHE_PROPERTY, tmp.resolve("model-cache").toString());
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        spark = SparkSessions.local2();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            String text = i % 7 == 3 ? null : words(i);
            texts.add(text);
            rows.add(RowFactory.create(i, text));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("review", DataTypes.StringType);
        reviews = spark.createDataFrame(rows, schema).repartition(3).sortWithinPartitions("id"); // 3 partitions of shuffled rows
    }

    @AfterAll
    static void clearProperty() {
        System.clearProperty(ModelSource.CACHE_PROPERTY);
    }

    /** Texts of 1 to 12 tokens of the tiny vocabulary ("w5" ... "w120"). */
    static String words(int i) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t <= (i * 5) % 12; t++) {
            sb.append(t == 0 ? "" : " ").append('w').append(5 + (i * 31 + t * 17) % 116);
        }
        return sb.toString();
    }

    @Test
    void textClassifierEqualsTheSingleJvmPipelineRowForRowKeepingOrderAndNulls() {
        var classifier = new T4jTextClassifier().setModel(model.toString()).setInputCol("review").setOutputCol("sentiment")
                .setBatchSize(4).setAllScores(true);
        Dataset<Row> out = classifier.transform(reviews);
        assertThat(out.schema().fieldNames()).containsExactly("id", "review", "sentiment");
        assertThat(out.rdd().getNumPartitions()).isEqualTo(3);
        List<Row> rows = out.collectAsList();
        List<Integer> inputOrder = reviews.collectAsList().stream().map(r -> r.getInt(0)).toList();
        assertThat(rows.stream().map(r -> r.getInt(0)).toList()).isEqualTo(inputOrder);

        double maxDiff = 0;
        try (TextClassificationPipeline pipe = Pipeline.textClassification(model)) {
            Map<Integer, String> id2label = pipe.model().config().id2label();
            for (Row r : rows) {
                String text = texts.get(r.getInt(0));
                assertThat(r.getString(1)).isEqualTo(text);
                if (text == null) {
                    assertThat(r.isNullAt(2)).as("null in, null out").isTrue();
                    continue;
                }
                float[] expected = pipe.scores(List.of(text), TextClassificationOptions.defaults())[0];
                Row s = r.getStruct(2);
                int best = expected[1] > expected[0] ? 1 : 0;
                assertThat(s.getString(0)).isEqualTo(id2label.get(best));
                maxDiff = Math.max(maxDiff, Math.abs(s.getFloat(1) - expected[best]));
                Map<String, Float> all = s.getJavaMap(2);
                for (int i = 0; i < expected.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(all.get(id2label.get(i)) - expected[i]));
                }
            }
        }
        System.out.printf("T4jTextClassifier in local[2] (batches of 4 across rows) vs the pipeline one text at a time: "
                + "max score difference %.3g%n", maxDiff);
        assertThat(maxDiff).isLessThan(1e-6); // fp32: softmax scores of the same logits up to summation order
    }

    @Test
    void featureExtractorEqualsTheSingleJvmPipelineRowForRow() {
        var extractor = new T4jFeatureExtractor().setModel(model.toString()).setInputCol("review").setPooling("mean")
                .setNormalize(true).setBatchSize(5).setMaxLength(6);
        List<Row> rows = extractor.transform(reviews).collectAsList();
        List<String> nonNull = texts.stream().filter(java.util.Objects::nonNull).toList();
        double maxDiff = 0;
        try (FeatureExtractionPipeline pipe = Pipeline.featureExtraction(model)) {
            var options = FeatureExtractionOptions.pooled(Pooling.MEAN, true, 32).withMaxLength(6);
            List<float[]> expected = pipe.embed(nonNull, options);
            for (Row r : rows) {
                String text = texts.get(r.getInt(0));
                if (text == null) {
                    assertThat(r.isNullAt(2)).isTrue();
                    continue;
                }
                List<Float> v = r.getList(2);
                float[] e = expected.get(nonNull.indexOf(text));
                assertThat(v).hasSize(e.length);
                for (int i = 0; i < e.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(v.get(i) - e[i]));
                }
            }
            // maxLength 6 truncates: a 12-token text differs from its untruncated embedding
            String longest = nonNull.stream().max(java.util.Comparator.comparingInt(String::length)).orElseThrow();
            float[] untruncated = pipe.embed(List.of(longest), FeatureExtractionOptions.pooled(Pooling.MEAN, true, 1)).get(0);
            assertThat(untruncated).isNotEqualTo(expected.get(nonNull.indexOf(longest)));
        }
        System.out.printf("T4jFeatureExtractor in local[2] (batches of 5) vs the pipeline (batch 32): max difference %.3g%n", maxDiff);
        assertThat(maxDiff).isLessThan(1e-6);
    }

    @Test
    void savedInAPipelineModelWithTheModelInsideAndLoadedBack() throws Exception {
        var classifier = new T4jTextClassifier().setModel(model.toString()).setInputCol("review").setOutputCol("sentiment");
        var extractor = new T4jFeatureExtractor().setModel(model.toString()).setInputCol("review").setOutputCol("vec")
                .setDtype("bfloat16");
        var pipeline = new PipelineModel("t4j-test", new org.apache.spark.ml.Transformer[] {classifier, extractor});
        Path saved = tmp.resolve("saved-pipeline");
        pipeline.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        PipelineStage[] stages = loaded.stages();
        assertThat(stages[0]).isInstanceOf(T4jTextClassifier.class);
        var c = (T4jTextClassifier) stages[0];
        assertThat(c.getInputCol()).isEqualTo("review");
        assertThat(c.getModel()).startsWith("file:").endsWith("/stages/0_" + classifier.uid() + "/model");
        assertThat(Path.of(java.net.URI.create(c.getModel())).resolve("model.safetensors")).exists();
        assertThat(((T4jFeatureExtractor) stages[1]).getDtype()).isEqualTo("bfloat16");
        List<Row> before = pipeline.transform(reviews).select("id", "sentiment", "vec").collectAsList();
        List<Row> after = loaded.transform(reviews).select("id", "sentiment", "vec").collectAsList();
        assertThat(after).isEqualTo(before);
        assertThat(T4jTextClassifier.load(saved.resolve("stages").resolve("0_" + classifier.uid()).toString()).getOutputCol())
                .isEqualTo("sentiment");
    }

    @Test
    void aModelOnARemoteFilesystemIsCopiedOnceAndReused() throws Exception {
        String uri = RemoteTestFileSystem.SCHEME + "://" + model.toAbsolutePath();
        var classifier = new T4jTextClassifier().setModel(uri).setInputCol("review");
        long scored = classifier.transform(reviews).filter("prediction is not null").count();
        assertThat(scored).isEqualTo(texts.stream().filter(java.util.Objects::nonNull).count());
        try (var cached = Files.list(tmp.resolve("model-cache"))) {
            List<Path> copies = cached.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            assertThat(copies).hasSize(1);
            assertThat(copies.get(0).getFileName().toString()).endsWith("-bert");
            assertThat(copies.get(0).resolve("config.json")).exists();
            assertThat(Files.mismatch(copies.get(0).resolve("model.safetensors"), model.resolve("model.safetensors"))).isEqualTo(-1);
        }
        classifier.transform(reviews).count(); // the same model again: no second copy
        try (var cached = Files.list(tmp.resolve("model-cache"))) {
            assertThat(cached.filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(1);
        }
        assertThatThrownBy(() -> new T4jTextClassifier().setModel(RemoteTestFileSystem.SCHEME + "://" + tmp.resolve("nothing"))
                .setInputCol("review").transform(reviews).count()).hasMessageContaining("nothing");
    }

    @Test
    void badParamsFailOnTheDriverNamingTheValue() {
        assertThatThrownBy(() -> new T4jTextClassifier().setModel(model.toString()).setInputCol("missing").transform(reviews))
                .hasMessageContaining("input column 'missing' is not in the data (columns: id, review)");
        assertThatThrownBy(() -> new T4jTextClassifier().setModel(model.toString()).setInputCol("id").transform(reviews))
                .hasMessageContaining("input column 'id' must be a string, but it is int");
        assertThatThrownBy(() -> new T4jTextClassifier().setDtype("float16")).hasMessageContaining("float32 or bfloat16, got 'float16'");
        assertThatThrownBy(() -> new T4jFeatureExtractor().setPooling("max")).hasMessageContaining("cls, mean or pooler, got 'max'");
        assertThatThrownBy(() -> new T4jTextClassifier().setInputCol("review").transform(reviews)).hasMessageContaining("model is not set");
    }

    @Test
    void eachTaskGetsTheCoresOfItsSlot() {
        assertThat(ExecutorRuntime.threadsPerTask(8, 1)).isEqualTo(1);
        assertThat(ExecutorRuntime.threadsPerTask(8, 2)).isEqualTo(2);
        assertThat(ExecutorRuntime.threadsPerTask(8, 8)).isEqualTo(8);
        assertThat(ExecutorRuntime.threadsPerTask(2, 4)).isEqualTo(2);
        assertThat(ExecutorRuntime.executorCores(spark.sparkContext().getConf())).isEqualTo(2); // local[2]
        assertThat(ModelSource.isHadoopUri("hdfs://nn/models/x")).isTrue();
        assertThat(ModelSource.isHadoopUri("file:/tmp/x")).isTrue();
        assertThat(ModelSource.isHadoopUri("BAAI/bge-small-en-v1.5")).isFalse();
        assertThat(ModelSource.isHadoopUri("/tmp/x")).isFalse();
    }

    /**
     * What Spark 4.2 on JDK 25 puts on the classpath next to t4j: Hadoop must be Spark's 3.5.0 (t4j-data's 3.4.1
     * fails in UserGroupInformation on JDK 25), one SLF4J provider (Spark's log4j; t4j's library modules bring none),
     * Spark's Jackson 2.21 reading t4j's JSON, Spark's Guava under jinjava, and t4j-data's Parquet reader on Hadoop 3.5.
     */
    @Test
    void theDependencyConflictsAreResolved() throws Exception {
        assertThat(org.apache.hadoop.util.VersionInfo.getVersion()).isEqualTo("3.5.0");
        assertThat(org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName()).isNotBlank();
        List<String> providers = ServiceLoader.load(SLF4JServiceProvider.class).stream().map(p -> p.type().getName()).toList();
        assertThat(providers).containsExactly("org.apache.logging.slf4j.SLF4JServiceProvider");
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion()).isEqualTo(21);
        assertThat(io.t4j.trainer.TrainingArguments.fromJson(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"output_dir\": \"x\", \"learning_rate\": \"3e-5\"}"),
                "test").learningRate()).isEqualTo(3e-5);
        String rendered = ChatTemplate.of("{% for m in messages %}{{ m.role }}: {{ m.content | upper }}\n{% endfor %}", "test")
                .apply(List.of(ChatTemplate.Message.user("hi")), false, null, null);
        assertThat(rendered).isEqualTo("user: HI\n");
        System.out.println("classpath under Spark: Hadoop " + org.apache.hadoop.util.VersionInfo.getVersion() + ", Jackson "
                + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION + ", Guava "
                + com.google.common.collect.ImmutableList.class.getProtectionDomain().getCodeSource().getLocation() + ", SLF4J " + providers);
        Path parquet = tmp.resolve("reviews.parquet");
        reviews.filter("review is not null").withColumnRenamed("review", "sentence").withColumn("label", org.apache.spark.sql.functions.lit(1))
                .coalesce(1).write().parquet(parquet.toString());
        var ds = LoadDataset.fromFiles(parquet + "/*.parquet", LoadOptions.textClassification("sentence", "label"));
        assertThat(ds.numRows()).isEqualTo(texts.stream().filter(java.util.Objects::nonNull).count());
    }
}
