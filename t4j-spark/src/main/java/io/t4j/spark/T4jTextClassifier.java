package io.t4j.spark;

import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * HF's {@code pipeline("text-classification")} as a Spark ML transformer: the output column is a struct of the best
 * {@code label} and its {@code score}, and with {@code allScores} a {@code scores} map of every label's score (HF's
 * {@code top_k=None}). Scores are the model's {@code functionToApply} over the logits (softmax, sigmoid or none; by
 * default HF's choice from the problem type).
 *
 * <pre>{@code
 * var classifier = new T4jTextClassifier().setModel("hdfs:///models/sst2").setInputCol("review")
 *         .setOutputCol("sentiment").setBatchSize(64);
 * Dataset<Row> scored = classifier.transform(reviews);   // sentiment.label, sentiment.score
 * }</pre>
 */
public final class T4jTextClassifier extends T4jTransformer<T4jTextClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> functionToApply;
    private final BooleanParam allScores;

    public T4jTextClassifier() {
        this(Identifiable.randomUID("t4jTextClassifier"));
    }

    public T4jTextClassifier(String uid) {
        super(uid);
        this.functionToApply = new Param<>(this, "functionToApply", "softmax, sigmoid or none over the logits; "
                + "'default' for HF's choice by problem type");
        this.allScores = new BooleanParam(this, "allScores", "also output every label's score (HF's top_k=None)");
        setDefault(outputCol(), "prediction");
        setDefault(functionToApply, "default");
        setDefault(allScores, false);
    }

    public Param<String> functionToApply() { return functionToApply; }
    public BooleanParam allScores() { return allScores; }

    public String getFunctionToApply() { return getOrDefault(functionToApply); }
    public boolean getAllScores() { return (Boolean) getOrDefault(allScores); }

    public T4jTextClassifier setFunctionToApply(String value) {
        function(value);
        set(functionToApply, value);
        return this;
    }

    public T4jTextClassifier setAllScores(boolean value) {
        set(allScores, value);
        return this;
    }

    @Override
    protected DataType outputDataType() {
        StructType t = new StructType().add("label", DataTypes.StringType).add("score", DataTypes.FloatType);
        return getAllScores() ? t.add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType)) : t;
    }

    @Override
    protected InferenceTask<?, ?> inferenceTask(StructType schema) {
        return new Task(schema.fieldIndex(getInputCol()), getBatchSize(), getFunctionToApply(), maxLengthOrNull(), getAllScores());
    }

    private static FunctionToApply function(String value) {
        return switch (value) {
            case "default" -> null;
            case "softmax" -> FunctionToApply.SOFTMAX;
            case "sigmoid" -> FunctionToApply.SIGMOID;
            case "none" -> FunctionToApply.NONE;
            default -> throw new IllegalArgumentException("functionToApply must be default, softmax, sigmoid or none, got '"
                    + value + "'");
        };
    }

    /** Text classification on an executor (the settings as plain values: the pipeline's options are not serializable). */
    record Task(int column, int batchSize, String functionToApply, Integer maxLength, boolean allScores)
            implements InferenceTask<TextClassificationPipeline, String> {
        TextClassificationOptions options() {
            return TextClassificationOptions.defaults().withBatchSize(batchSize)
                    .withFunctionToApply(function(functionToApply)).withMaxLength(maxLength);
        }

        @Override
        public String task() {
            return "text-classification";
        }

        @Override
        public TextClassificationPipeline load(Path modelDir, PretrainedOptions loadOptions) {
            return Pipeline.textClassification(modelDir, loadOptions);
        }

        @Override
        public String input(Row row) {
            return row.isNullAt(column) ? null : row.getString(column);
        }

        @Override
        public List<Object> apply(TextClassificationPipeline pipeline, List<String> texts) {
            Map<Integer, String> id2label = pipeline.model().config().id2label();
            float[][] scores = pipeline.scores(texts, options());
            List<Object> out = new ArrayList<>(texts.size());
            for (float[] row : scores) {
                int best = 0;
                for (int i = 1; i < row.length; i++) {
                    if (row[i] > row[best]) {
                        best = i;
                    }
                }
                if (!allScores) {
                    out.add(RowFactory.create(id2label.get(best), row[best]));
                    continue;
                }
                Map<String, Float> all = new LinkedHashMap<>();
                for (int i = 0; i < row.length; i++) {
                    all.put(id2label.get(i), row[i]);
                }
                out.add(RowFactory.create(id2label.get(best), row[best], scala.jdk.javaapi.CollectionConverters.asScala(all)));
            }
            return out;
        }
    }

    public static MLReader<T4jTextClassifier> read() {
        return new Reader<>(T4jTextClassifier.class);
    }

    public static T4jTextClassifier load(String path) {
        return read().load(path);
    }
}
