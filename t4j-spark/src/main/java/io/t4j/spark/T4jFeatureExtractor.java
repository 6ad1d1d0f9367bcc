package io.t4j.spark;

import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.FeatureExtractionOptions;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * HF's {@code pipeline("feature-extraction")} pooled into one vector per text, as a Spark ML transformer: the
 * output column is an {@code array<float>} (the CLS token, the mean over real tokens, or the pooler), optionally
 * L2-normalised, as sentence-transformers and TEI's {@code /embed} give it. {@code array_to_vector} turns it into an
 * ML vector.
 */
public final class T4jFeatureExtractor extends T4jTransformer<T4jFeatureExtractor> {
    private static final long serialVersionUID = 1L;

    private final Param<String> pooling;
    private final BooleanParam normalize;

    public T4jFeatureExtractor() {
        this(Identifiable.randomUID("t4jFeatureExtractor"));
    }

    public T4jFeatureExtractor(String uid) {
        super(uid);
        this.pooling = new Param<>(this, "pooling", "cls, mean (over real tokens) or pooler");
        this.normalize = new BooleanParam(this, "normalize", "L2-normalise each vector");
        setDefault(outputCol(), "embedding");
        setDefault(pooling, "cls");
        setDefault(normalize, false);
    }

    public Param<String> pooling() { return pooling; }
    public BooleanParam normalize() { return normalize; }

    public String getPooling() { return getOrDefault(pooling); }
    public boolean getNormalize() { return (Boolean) getOrDefault(normalize); }

    public T4jFeatureExtractor setPooling(String value) {
        pooling(value);
        set(pooling, value);
        return this;
    }

    public T4jFeatureExtractor setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    private static Pooling pooling(String value) {
        return switch (value) {
            case "cls" -> Pooling.CLS;
            case "mean" -> Pooling.MEAN;
            case "pooler" -> Pooling.POOLER;
            default -> throw new IllegalArgumentException("pooling must be cls, mean or pooler, got '" + value + "'");
        };
    }

    @Override
    protected DataType outputDataType() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }

    @Override
    protected InferenceTask<?, ?> inferenceTask(StructType schema) {
        return new Task(schema.fieldIndex(getInputCol()), getPooling(), getNormalize(), getBatchSize(), maxLengthOrNull());
    }

    /** Pooled embeddings on an executor (the settings as plain values: the pipeline's options are not serializable). */
    record Task(int column, String pooling, boolean normalize, int batchSize, Integer maxLength)
            implements InferenceTask<FeatureExtractionPipeline, String> {
        FeatureExtractionOptions options() {
            return FeatureExtractionOptions.pooled(T4jFeatureExtractor.pooling(pooling), normalize, batchSize).withMaxLength(maxLength);
        }

        @Override
        public String task() {
            return "feature-extraction";
        }

        @Override
        public FeatureExtractionPipeline load(Path modelDir, PretrainedOptions loadOptions) {
            return Pipeline.featureExtraction(modelDir, loadOptions);
        }

        @Override
        public String input(Row row) {
            return row.isNullAt(column) ? null : row.getString(column);
        }

        @Override
        public List<Object> apply(FeatureExtractionPipeline pipeline, List<String> texts) {
            return new ArrayList<>(pipeline.embed(texts, options()));
        }
    }

    public static MLReader<T4jFeatureExtractor> read() {
        return new Reader<>(T4jFeatureExtractor.class);
    }

    public static T4jFeatureExtractor load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "T4jFeatureExtractor(%s, pooling=%s)", uid(), getPooling());
    }
}
