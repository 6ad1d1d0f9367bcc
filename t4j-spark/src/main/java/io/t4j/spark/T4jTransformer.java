package io.t4j.spark;

import io.t4j.hub.Pretrained;
import io.t4j.models.PretrainedOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The Spark ML {@code Transformer} over a t4j pipeline (a {@code Model}, so {@link T4jDistributedTrainer} can return
 * one from {@code fit}): {@link #transform} appends an output column computed by the
 * pipeline on the executors. What every task shares lives here; a task adds its output type, its own params and its
 * {@link InferenceTask} (so token classification and question answering, once their pipelines exist, are one small
 * class each, like {@link T4jTextClassifier}).
 *
 * <p>On the executors: each JVM loads the model once ({@link ExecutorRuntime}) and all its tasks share it; a
 * partition is read in batches of {@code batchSize} rows with an input (so batches are built across rows, not
 * within one), and rows come out in their order with every input column kept; a null input gives a null output.
 * The model is {@code model}: a local folder present on every machine, a hub repo id (HF's cache on each machine),
 * or a Hadoop filesystem URI copied once per machine ({@link ModelSource}).
 *
 * @param <T> the concrete transformer, which the setters return
 *
 * <p>Saving ({@link MLWritable}, also inside a {@code PipelineModel}) writes the params and copies the model
 * folder's files into {@code <path>/model}, so a saved pipeline is self-contained; loading points {@code model} there.
 */
public abstract class T4jTransformer<T extends T4jTransformer<T>> extends Model<T> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final IntParam batchSize;
    private final IntParam maxLength;
    private final Param<String> dtype;

    protected T4jTransformer(String uid) {
        this.uid = uid;
        this.model = new Param<>(this, "model", "the model: a local folder (on every machine), a hub repo id (HF's cache)"
                + " or a Hadoop filesystem URI (hdfs://, s3a://, file:/...) copied once per machine");
        this.inputCol = new Param<>(this, "inputCol", "the text column");
        this.outputCol = new Param<>(this, "outputCol", "the output column");
        this.batchSize = new IntParam(this, "batchSize", "rows per forward pass (>= 1)");
        this.maxLength = new IntParam(this, "maxLength", "truncate to this many tokens; 0 for the model's max length");
        this.dtype = new Param<>(this, "dtype", "weights' dtype: float32 or bfloat16");
        setDefault(inputCol, "text");
        setDefault(batchSize, 32);
        setDefault(maxLength, 0);
        setDefault(dtype, "float32");
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params: Spark finds them through these public no-argument methods ----

    public Param<String> model() { return model; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> outputCol() { return outputCol; }
    public IntParam batchSize() { return batchSize; }
    public IntParam maxLength() { return maxLength; }
    public Param<String> dtype() { return dtype; }

    public String getModel() { return getOrDefault(model); }
    public String getInputCol() { return getOrDefault(inputCol); }
    public String getOutputCol() { return getOrDefault(outputCol); }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
    public int getMaxLength() { return (Integer) getOrDefault(maxLength); }
    public String getDtype() { return getOrDefault(dtype); }

    public T setModel(String value) {
        set(model, value);
        return self();
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public T setOutputCol(String value) {
        set(outputCol, value);
        return self();
    }

    public T setBatchSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + value);
        }
        set(batchSize, value);
        return self();
    }

    public T setMaxLength(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("maxLength must be 0 (the model's) or positive, got " + value);
        }
        set(maxLength, value);
        return self();
    }

    public T setDtype(String value) {
        scalarType(value);
        set(dtype, value);
        return self();
    }

    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    /** {@code maxLength} for the pipeline options: null for the model's own. */
    protected Integer maxLengthOrNull() {
        return getMaxLength() == 0 ? null : getMaxLength();
    }

    // ---- what a task adds ----

    /** The output column's type. */
    protected abstract DataType outputDataType();

    /** The columns the task reads (each a string). */
    protected List<String> inputColumns() {
        return List.of(getInputCol());
    }

    /** The executor-side task for rows of {@code schema}. */
    protected abstract InferenceTask<?, ?> inferenceTask(StructType schema);

    // ---- Transformer ----

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(outputCol)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": outputCol is not set");
        }
        for (String col : inputColumns()) {
            if (!Arrays.asList(schema.fieldNames()).contains(col)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + col
                        + "' is not in the data (columns: " + String.join(", ", schema.fieldNames()) + ")");
            }
            DataType type = schema.apply(col).dataType();
            if (!type.equals(DataTypes.StringType)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + col
                        + "' must be a string, but it is " + type.simpleString());
            }
        }
        if (Arrays.asList(schema.fieldNames()).contains(getOutputCol())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": output column '" + getOutputCol()
                    + "' already exists");
        }
        return schema.add(new StructField(getOutputCol(), outputDataType(), true, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        if (!isDefined(model)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": model is not set");
        }
        Configuration conf = dataset.sparkSession().sparkContext().hadoopConfiguration();
        var runner = new PartitionRunner<>(new ModelSource(getModel(), conf), inferenceTask(dataset.schema()),
                getBatchSize(), getDtype());
        return dataset.toDF().mapPartitions(runner, Encoders.row(out));
    }

    @Override
    @SuppressWarnings("unchecked")
    public T copy(ParamMap extra) {
        return (T) defaultCopy(extra);
    }

    static ScalarType scalarType(String dtype) {
        return switch (dtype) {
            case "float32" -> ScalarType.Float;
            case "bfloat16" -> ScalarType.BFloat16;
            default -> throw new IllegalArgumentException("dtype must be float32 or bfloat16, got '" + dtype + "'");
        };
    }

    /** One partition: batches of rows with an input through the shared pipeline, rows out in order. */
    static final class PartitionRunner<P, I> implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ModelSource source;
        private final InferenceTask<P, I> task;
        private final int batchSize;
        private final String dtype;

        PartitionRunner(ModelSource source, InferenceTask<P, I> task, int batchSize, String dtype) {
            this.source = source;
            this.task = task;
            this.batchSize = batchSize;
            this.dtype = dtype;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            String key = task.task() + " " + source.model() + " " + dtype;
            PretrainedOptions options = PretrainedOptions.defaults().withDtype(scalarType(dtype)).withZeroCopy(true);
            P pipeline = ExecutorRuntime.pipeline(key, () -> task.load(source.resolve(), options));
            return new Iterator<>() {
                private final Deque<Row> ready = new ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    if (ready.isEmpty() && rows.hasNext()) {
                        nextBatch();
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.removeFirst();
                }

                private void nextBatch() {
                    List<Row> batch = new ArrayList<>();
                    List<I> inputs = new ArrayList<>();
                    List<Integer> at = new ArrayList<>();
                    while (rows.hasNext() && inputs.size() < batchSize) {
                        Row row = rows.next();
                        I input = task.input(row);
                        if (input != null) {
                            inputs.add(input);
                            at.add(batch.size());
                        }
                        batch.add(row);
                    }
                    Object[] outputs = new Object[batch.size()];
                    if (!inputs.isEmpty()) {
                        List<Object> results = task.apply(pipeline, inputs);
                        for (int i = 0; i < results.size(); i++) {
                            outputs[at.get(i)] = results.get(i);
                        }
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        Row row = batch.get(i);
                        Object[] values = new Object[row.length() + 1];
                        for (int c = 0; c < row.length(); c++) {
                            values[c] = row.get(c);
                        }
                        values[row.length()] = outputs[i];
                        ready.addLast(RowFactory.create(values));
                    }
                }
            };
        }
    }

    // ---- MLWritable / MLReadable ----

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Params as Spark's DefaultParamsWriter writes them, plus the model folder's files in {@code <path>/model}. */
    static final class Writer extends MLWriter {
        private final T4jTransformer<?> instance;

        Writer(T4jTransformer<?> instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            if (!instance.isDefined(instance.model)) {
                throw new IllegalArgumentException(instance.getClass().getSimpleName() + ": cannot save without a model");
            }
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            copyModel(instance.getModel(), new org.apache.hadoop.fs.Path(path, "model"), sc().hadoopConfiguration());
        }
    }

    /** Copies the model folder's files (not its subfolders, such as checkpoints) to {@code target}. */
    static void copyModel(String model, org.apache.hadoop.fs.Path target, Configuration conf) {
        try {
            org.apache.hadoop.fs.Path source;
            FileSystem sourceFs;
            if (ModelSource.isHadoopUri(model)) {
                source = new org.apache.hadoop.fs.Path(model);
                sourceFs = source.getFileSystem(conf);
            } else {
                source = new org.apache.hadoop.fs.Path(Pretrained.resolve(model).toAbsolutePath().toUri());
                sourceFs = FileSystem.getLocal(conf);
            }
            FileSystem targetFs = target.getFileSystem(conf);
            targetFs.mkdirs(target);
            for (FileStatus f : sourceFs.listStatus(source)) {
                if (f.isFile()) {
                    FileUtil.copy(sourceFs, f.getPath(), targetFs, new org.apache.hadoop.fs.Path(target, f.getPath().getName()),
                            false, conf);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the model " + model + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads what {@link Writer} wrote; {@code model} becomes the saved copy (a qualified URI, so executors find it). */
    static final class Reader<T extends T4jTransformer<T>> extends MLReader<T> {
        private final Class<T> type;

        Reader(Class<T> type) {
            this.type = type;
        }

        @Override
        public T load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
            T instance;
            try {
                instance = type.getConstructor(String.class).newInstance(metadata.uid());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type.getName() + " needs a public constructor taking its uid", e);
            }
            metadata.getAndSetParams(instance, scala.Option.empty());
            try {
                org.apache.hadoop.fs.Path saved = new org.apache.hadoop.fs.Path(path, "model");
                FileSystem fs = saved.getFileSystem(sc().hadoopConfiguration());
                if (!fs.exists(new org.apache.hadoop.fs.Path(saved, "config.json"))) {
                    throw new IllegalArgumentException(path + ": no model/config.json (not saved by " + type.getSimpleName() + ")");
                }
                instance.setModel(fs.makeQualified(saved).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": " + e.getMessage(), e);
            }
            return instance;
        }
    }
}
