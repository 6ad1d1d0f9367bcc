package io.t4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
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

/**
 * T4jTokenClassifier and T4jQuestionAnswerer in Spark {@code local[2]} against the same pipelines called one input at
 * a time in this JVM, row for row, on the tiny bert-tokcls and bert-qa fixtures (model max length 64, word-level
 * tokenizer): order and nulls kept, batches across rows, long texts in windows, saving in a PipelineModel.
 */
class SparkTaskTransformersTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static Path tokcls;
    static Path qa;
    static Dataset<Row> docs;
    static List<String[]> inputs = new ArrayList<>(); // id -> {question, context}

    @BeforeAll
    static void start() {
        System.setProperty(ModelSource.CACHE_PROPERTY, tmp.resolve("model-cache").toString());
        tokcls = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), tmp.resolve("bert-tokcls"));
        qa = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), tmp.resolve("bert-qa"));
        spark = SparkSessions.local2();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String question = i % 9 == 4 ? null : SparkTransformersTest.words(i + 100);
            // contexts of 1 to 12 words, and every 8th one of 70 to 100 words: over the 64 tokens of a window
            String context = i % 11 == 6 ? null : i % 8 == 5 ? longText(70 + i) : SparkTransformersTest.words(i);
            inputs.add(new String[] {question, context});
            rows.add(RowFactory.create(i, question, context));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("question", DataTypes.StringType)
                .add("context", DataTypes.StringType);
        docs = spark.createDataFrame(rows, schema).repartition(3).sortWithinPartitions("id"); // 3 partitions of shuffled rows
    }

    @AfterAll
    static void clearProperty() {
        System.clearProperty(ModelSource.CACHE_PROPERTY);
    }

    static String longText(int words) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < words; t++) {
            sb.append(t == 0 ? "" : " ").append('w').append(5 + (words * 13 + t * 7) % 116);
        }
        return sb.toString();
    }

    static List<Integer> ids(List<Row> rows) {
        return rows.stream().map(r -> r.getInt(0)).toList();
    }

    /** The rows' entities against the pipeline's, one text at a time; the largest score difference. */
    static double compareEntities(List<Row> rows, TokenClassificationPipeline pipe, TokenClassificationOptions options) {
        double maxDiff = 0;
        boolean none = options.aggregationStrategy() == AggregationStrategy.NONE;
        for (Row r : rows) {
            String text = inputs.get(r.getInt(0))[1];
            assertThat(r.getString(2)).isEqualTo(text);
            if (text == null) {
                assertThat(r.isNullAt(3)).as("null in, null out").isTrue();
                continue;
            }
            List<TokenClassificationResult> expected = pipe.apply(text, options.withBatchSize(1));
            List<Row> got = r.getList(3);
            assertThat(got).as("entities of '%s'", text).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                TokenClassificationResult e = expected.get(i);
                Row g = got.get(i);
                assertThat(g.getString(0)).isEqualTo(e.label());
                maxDiff = Math.max(maxDiff, Math.abs(g.getFloat(1) - e.score()));
                int at = none ? 3 : 2;
                if (none) {
                    assertThat(g.getInt(2)).isEqualTo(e.index());
                }
                assertThat(g.getString(at)).isEqualTo(e.word());
                assertThat(g.getInt(at + 1)).isEqualTo(e.start());
                assertThat(g.getInt(at + 2)).isEqualTo(e.end());
            }
        }
        return maxDiff;
    }

    @Test
    void tokenClassifierEqualsTheSingleJvmPipelineRowForRowKeepingOrderAndNulls() {
        var ner = new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context").setBatchSize(4);
        Dataset<Row> out = ner.transform(docs);
        assertThat(out.schema().fieldNames()).containsExactly("id", "question", "context", "entities");
        assertThat(out.schema().apply("entities").dataType().simpleString())
                .isEqualTo("array<struct<entity_group:string,score:float,word:string,start:int,end:int>>");
        List<Row> rows = out.collectAsList();
        assertThat(ids(rows)).isEqualTo(ids(docs.collectAsList()));
        double maxDiff;
        int entities = 0;
        try (TokenClassificationPipeline pipe = Pipeline.tokenClassification(tokcls)) {
            var simple = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.SIMPLE);
            maxDiff = compareEntities(rows, pipe, simple);
            for (Row r : rows) {
                entities += r.isNullAt(3) ? 0 : r.getList(3).size();
            }

            // every token (none, nothing ignored), with the token's index in the model's input
            var tokens = new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context").setOutputCol("tokens")
                    .setAggregationStrategy("none").setIgnoreLabels().setBatchSize(3);
            Dataset<Row> out2 = tokens.transform(docs);
            assertThat(out2.schema().apply("tokens").dataType().simpleString())
                    .isEqualTo("array<struct<entity:string,score:float,index:int,word:string,start:int,end:int>>");
            maxDiff = Math.max(maxDiff, compareEntities(out2.collectAsList(), pipe,
                    TokenClassificationOptions.defaults().withIgnoreLabels(List.of())));
        }
        System.out.printf("T4jTokenClassifier in local[2] (batches of 3 and 4 across rows) vs the pipeline one text at a "
                + "time: %d entities, max score difference %.3g%n", entities, maxDiff);
        assertThat(entities).isPositive();
        assertThat(maxDiff).isLessThan(1e-6); // fp32 softmax of the same logits; padding to another length changes ~1e-7
    }

    @Test
    void tokenClassifierRunsLongTextsInWindowsWithAStride() {
        var ner = new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context").setAggregationStrategy("first")
                .setStride(16).setBatchSize(5);
        List<Row> rows = ner.transform(docs).collectAsList();
        double maxDiff;
        try (TokenClassificationPipeline pipe = Pipeline.tokenClassification(tokcls)) {
            var first = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.FIRST).withStride(16);
            maxDiff = compareEntities(rows, pipe, first);
            // the long texts were not truncated: an entity ends past the first window's 62 words' characters
            String longest = inputs.stream().map(p -> p[1]).filter(t -> t != null).max(java.util.Comparator.comparingInt(String::length))
                    .orElseThrow();
            int lastEnd = pipe.apply(longest, first).stream().mapToInt(TokenClassificationResult::end).max().orElse(0);
            int truncatedEnd = pipe.apply(longest, TokenClassificationOptions.defaults()
                    .withAggregationStrategy(AggregationStrategy.FIRST)).stream().mapToInt(TokenClassificationResult::end).max().orElse(0);
            assertThat(lastEnd).isGreaterThan(truncatedEnd);
        }
        System.out.printf("T4jTokenClassifier with stride 16 in local[2] vs the pipeline: max score difference %.3g%n", maxDiff);
        assertThat(maxDiff).isLessThan(1e-6);
    }

    @Test
    void aTextWithoutTokensGetsHfsEmptyListAndTheRestOfItsBatchIsScored() {
        List<Row> rows = List.of(RowFactory.create(0, "w7 w9 w11"), RowFactory.create(1, ""), RowFactory.create(2, "w42 w50"));
        Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
                .coalesce(1);
        List<Row> out = new T4jTokenClassifier().setModel(tokcls.toString()).setIgnoreLabels().transform(df).orderBy("id")
                .collectAsList();
        assertThat(out.get(1).getList(2)).isEmpty();
        try (TokenClassificationPipeline pipe = Pipeline.tokenClassification(tokcls)) {
            var options = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.SIMPLE)
                    .withIgnoreLabels(List.of());
            assertThat(out.get(0).getList(2)).hasSameSizeAs(pipe.apply("w7 w9 w11", options)).isNotEmpty();
            assertThat(out.get(2).getList(2)).hasSameSizeAs(pipe.apply("w42 w50", options)).isNotEmpty();
        }
    }

    /** The rows' answers against the pipeline's, one question at a time; the largest score difference. */
    static double compareAnswers(List<Row> rows, QuestionAnsweringPipeline pipe, QuestionAnsweringOptions options, int col) {
        double maxDiff = 0;
        for (Row r : rows) {
            String[] in = inputs.get(r.getInt(0));
            if (in[0] == null || in[1] == null) {
                assertThat(r.isNullAt(col)).as("null in, null out").isTrue();
                continue;
            }
            List<QuestionAnsweringResult> expected = pipe.apply(in[0], in[1], options.withBatchSize(1));
            List<Row> got = options.topK() > 1 ? r.getList(col) : List.of(r.getStruct(col));
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                QuestionAnsweringResult e = expected.get(i);
                Row g = got.get(i);
                assertThat(g.getString(0)).isEqualTo(e.answer());
                maxDiff = Math.max(maxDiff, Math.abs(g.getFloat(1) - e.score()));
                assertThat(g.getInt(2)).isEqualTo(e.start());
                assertThat(g.getInt(3)).isEqualTo(e.end());
                assertThat(in[1].substring(g.getInt(2), g.getInt(3))).isEqualTo(g.getString(0));
            }
        }
        return maxDiff;
    }

    @Test
    void questionAnswererEqualsTheSingleJvmPipelineRowForRowKeepingOrderAndNulls() {
        var qaBest = new T4jQuestionAnswerer().setModel(qa.toString()).setBatchSize(4);
        Dataset<Row> out = qaBest.transform(docs);
        assertThat(out.schema().apply("answer").dataType().simpleString())
                .isEqualTo("struct<answer:string,score:float,start:int,end:int>");
        List<Row> rows = out.collectAsList();
        assertThat(ids(rows)).isEqualTo(ids(docs.collectAsList()));
        double maxDiff;
        try (QuestionAnsweringPipeline pipe = Pipeline.questionAnswering(qa)) {
            maxDiff = compareAnswers(rows, pipe, QuestionAnsweringOptions.defaults(), 3);

            var qaTop3 = new T4jQuestionAnswerer().setModel(qa.toString()).setOutputCol("answers").setTopK(3)
                    .setMaxAnswerLen(4).setDocStride(20).setHandleImpossibleAnswer(true).setBatchSize(3);
            Dataset<Row> out3 = qaTop3.transform(docs);
            assertThat(out3.schema().apply("answers").dataType().simpleString())
                    .isEqualTo("array<struct<answer:string,score:float,start:int,end:int>>");
            maxDiff = Math.max(maxDiff, compareAnswers(out3.collectAsList(), pipe, QuestionAnsweringOptions.defaults()
                    .withTopK(3).withMaxAnswerLen(4).withDocStride(20).withHandleImpossibleAnswer(true), 3));
        }
        System.out.printf("T4jQuestionAnswerer in local[2] (batches of 3 and 4 across rows, long contexts in windows) vs the "
                + "pipeline one question at a time: max score difference %.3g%n", maxDiff);
        assertThat(maxDiff).isLessThan(1e-6);
    }

    @Test
    void bothSavedInAPipelineModelAndLoadedBack() throws Exception {
        var ner = new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context").setAggregationStrategy("max")
                .setIgnoreLabels("O", "LOC").setStride(8);
        var answerer = new T4jQuestionAnswerer().setModel(qa.toString()).setOutputCol("answers").setTopK(2).setMaxSeqLen(48)
                .setHandleImpossibleAnswer(true);
        var pipeline = new PipelineModel("t4j-tasks", new Transformer[] {ner, answerer});
        Path saved = tmp.resolve("saved-tasks");
        pipeline.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        PipelineStage[] stages = loaded.stages();
        var n = (T4jTokenClassifier) stages[0];
        assertThat(n.getAggregationStrategy()).isEqualTo("max");
        assertThat(n.getIgnoreLabels()).containsExactly("O", "LOC");
        assertThat(n.getStride()).isEqualTo(8);
        assertThat(n.getModel()).startsWith("file:").endsWith("/stages/0_" + ner.uid() + "/model");
        var a = (T4jQuestionAnswerer) stages[1];
        assertThat(a.getTopK()).isEqualTo(2);
        assertThat(a.getMaxSeqLen()).isEqualTo(48);
        assertThat(a.getDocStride()).isNull();
        assertThat(a.getHandleImpossibleAnswer()).isTrue();
        assertThat(a.getModel()).endsWith("/stages/1_" + answerer.uid() + "/model");
        List<Row> before = pipeline.transform(docs).select("id", "entities", "answers").collectAsList();
        List<Row> after = loaded.transform(docs).select("id", "entities", "answers").collectAsList();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void badParamsFailOnTheDriverNamingTheValue() {
        assertThatThrownBy(() -> new T4jTokenClassifier().setAggregationStrategy("mean")).hasMessageContaining("got 'mean'");
        assertThatThrownBy(() -> new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context")
                .setAggregationStrategy("none").setStride(4).transform(docs)).hasMessageContaining("aggregation_strategy is \"none\"");
        assertThatThrownBy(() -> new T4jTokenClassifier().setModel(tokcls.toString()).setInputCol("context").setMaxLength(16)
                .transform(docs)).hasMessageContaining("maxLength is not an option of token classification (got 16)");
        assertThatThrownBy(() -> new T4jQuestionAnswerer().setTopK(0)).hasMessageContaining("top_k parameter should be >= 1 (got 0)");
        assertThatThrownBy(() -> new T4jQuestionAnswerer().setModel(qa.toString()).setMaxSeqLen(32).setDocStride(40).transform(docs))
                .hasMessageContaining("`doc_stride` (40) is larger than `max_seq_len` (32)");
        assertThatThrownBy(() -> new T4jQuestionAnswerer().setModel(qa.toString()).setContextCol("text").transform(docs))
                .hasMessageContaining("input column 'text' is not in the data (columns: id, question, context)");
        Dataset<Row> empty = spark.createDataFrame(List.of(RowFactory.create("w9", "")),
                new StructType().add("question", DataTypes.StringType).add("context", DataTypes.StringType));
        assertThatThrownBy(() -> new T4jQuestionAnswerer().setModel(qa.toString()).transform(empty).collectAsList())
                .hasMessageContaining("column 'context' holds an empty string");
    }
}
