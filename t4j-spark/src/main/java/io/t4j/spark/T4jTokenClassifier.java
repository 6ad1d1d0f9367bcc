package io.t4j.spark;

import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * HF's {@code pipeline("token-classification")} (alias {@code ner}) as a Spark ML transformer: the output column is
 * the text's records, HF's dicts as structs. With an {@code aggregationStrategy} other than {@code none} (by default
 * {@code simple}, as HF's Inference API) each record is an entity,
 * {@code array<struct<entity_group, score, word, start, end>>}; with {@code none} each is a token,
 * {@code array<struct<entity, score, index, word, start, end>>}. {@code start}/{@code end} are indices into the text
 * ({@code substring(start, end)} is the entity as written). Labels in {@code ignoreLabels} (default {@code O}) are left
 * out. A long text is truncated to the model's maximum length unless {@code stride} is set: then it runs in
 * overlapping windows sharing {@code stride} tokens and comes out whole.
 *
 * <p>A text without tokens (empty, or only characters the tokenizer removes) gets an empty array, as HF gives
 * {@code []}; a null text a null.
 *
 * <pre>{@code
 * var ner = new T4jTokenClassifier().setModel("hdfs:///models/ner").setInputCol("text").setOutputCol("entities");
 * ner.transform(docs).select(explode(col("entities")).as("e")).select("e.entity_group", "e.word", "e.score");
 * }</pre>
 */
public final class T4jTokenClassifier extends T4jTransformer<T4jTokenClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> aggregationStrategy;
    private final StringArrayParam ignoreLabels;
    private final IntParam stride;

    public T4jTokenClassifier() {
        this(Identifiable.randomUID("t4jTokenClassifier"));
    }

    public T4jTokenClassifier(String uid) {
        super(uid);
        this.aggregationStrategy = new Param<>(this, "aggregationStrategy",
                "none, simple, first, average or max: how tokens become entities (HF's aggregation_strategy)");
        this.ignoreLabels = new StringArrayParam(this, "ignoreLabels",
                "labels (or entity types) left out of the output (HF's ignore_labels)");
        this.stride = new IntParam(this, "stride", "unset: truncate a long text to the model's max length; "
                + "a number: run it in overlapping windows sharing this many tokens (HF's stride; not with none)");
        setDefault(outputCol(), "entities");
        setDefault(aggregationStrategy, "simple");
        setDefault(ignoreLabels, new String[] {"O"});
    }

    public Param<String> aggregationStrategy() { return aggregationStrategy; }
    public StringArrayParam ignoreLabels() { return ignoreLabels; }
    public IntParam stride() { return stride; }

    public String getAggregationStrategy() { return getOrDefault(aggregationStrategy); }
    public String[] getIgnoreLabels() { return getOrDefault(ignoreLabels); }

    /** The stride, or null when unset (truncation). */
    public Integer getStride() {
        return isDefined(stride) ? (Integer) getOrDefault(stride) : null;
    }

    public T4jTokenClassifier setAggregationStrategy(String value) {
        set(aggregationStrategy, AggregationStrategy.parse(value).hfName());
        return this;
    }

    public T4jTokenClassifier setIgnoreLabels(String... value) {
        set(ignoreLabels, value.clone());
        return this;
    }

    public T4jTokenClassifier setStride(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("stride must be >= 0, got " + value);
        }
        set(stride, value);
        return this;
    }

    /** The pipeline's options for these params (checked here, on the driver, naming the bad combination). */
    TokenClassificationOptions options() {
        return TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.parse(getAggregationStrategy()))
                .withIgnoreLabels(Arrays.asList(getIgnoreLabels())).withStride(getStride()).withBatchSize(getBatchSize());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (getMaxLength() != 0) {
            throw new IllegalArgumentException("T4jTokenClassifier: maxLength is not an option of token classification "
                    + "(got " + getMaxLength() + "): HF's pipeline truncates to the model's max length, or set stride to "
                    + "run long texts in windows");
        }
        options();
        return super.transformSchema(schema);
    }

    @Override
    protected DataType outputDataType() {
        StructType record = AggregationStrategy.parse(getAggregationStrategy()) == AggregationStrategy.NONE
                ? new StructType().add("entity", DataTypes.StringType, false).add("score", DataTypes.FloatType, false)
                        .add("index", DataTypes.IntegerType, false)
                : new StructType().add("entity_group", DataTypes.StringType, false).add("score", DataTypes.FloatType, false);
        record = record.add("word", DataTypes.StringType, false).add("start", DataTypes.IntegerType, false)
                .add("end", DataTypes.IntegerType, false);
        return DataTypes.createArrayType(record, false);
    }

    @Override
    protected InferenceTask<?, ?> inferenceTask(StructType schema) {
        return new Task(schema.fieldIndex(getInputCol()), getAggregationStrategy(), List.of(getIgnoreLabels()), getStride(),
                getBatchSize());
    }

    /** Token classification on an executor (the settings as plain values: the pipeline's options are not serializable). */
    record Task(int column, String aggregationStrategy, List<String> ignoreLabels, Integer stride, int batchSize)
            implements InferenceTask<TokenClassificationPipeline, String> {
        TokenClassificationOptions options() {
            return TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.parse(aggregationStrategy))
                    .withIgnoreLabels(ignoreLabels).withStride(stride).withBatchSize(batchSize);
        }

        @Override
        public String task() {
            return TokenClassificationPipeline.TASK;
        }

        @Override
        public TokenClassificationPipeline load(Path modelDir, PretrainedOptions loadOptions) {
            return Pipeline.tokenClassification(modelDir, loadOptions);
        }

        @Override
        public String input(Row row) {
            return row.isNullAt(column) ? null : row.getString(column);
        }

        /** A text without tokens gets HF's empty list; the batch runs again without it. */
        @Override
        public List<Object> apply(TokenClassificationPipeline pipeline, List<String> texts) {
            TokenClassificationOptions options = options();
            List<List<TokenClassificationResult>> results = new ArrayList<>(texts.size());
            List<String> rest = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                results.add(null);
                rest.add(texts.get(i));
                at.add(i);
            }
            while (!rest.isEmpty()) {
                try {
                    List<List<TokenClassificationResult>> got = pipeline.apply(rest, options);
                    for (int i = 0; i < got.size(); i++) {
                        results.set(at.get(i), got.get(i));
                    }
                    break;
                } catch (TokenClassificationPipeline.NoTokensException e) {
                    if (!rest.contains(e.text())) {
                        throw e;
                    }
                    for (int i = rest.size() - 1; i >= 0; i--) {
                        if (rest.get(i).equals(e.text())) {
                            results.set(at.get(i), List.of());
                            rest.remove(i);
                            at.remove(i);
                        }
                    }
                }
            }
            List<Object> out = new ArrayList<>(texts.size());
            for (List<TokenClassificationResult> records : results) {
                List<Row> rows = new ArrayList<>(records.size());
                for (TokenClassificationResult r : records) {
                    rows.add(r.entityGroup() != null
                            ? RowFactory.create(r.entityGroup(), (float) r.score(), r.word(), r.start(), r.end())
                            : RowFactory.create(r.entity(), (float) r.score(), r.index(), r.word(), r.start(), r.end()));
                }
                out.add(scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq()); // a Spark array: a Scala Seq
            }
            return out;
        }
    }

    public static MLReader<T4jTokenClassifier> read() {
        return new Reader<>(T4jTokenClassifier.class);
    }

    public static T4jTokenClassifier load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "T4jTokenClassifier(%s, aggregationStrategy=%s)", uid(), getAggregationStrategy());
    }
}
