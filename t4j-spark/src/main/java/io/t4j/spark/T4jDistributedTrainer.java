package io.t4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.data.Column;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.LongColumn;
import io.t4j.data.StringColumn;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainerControl;
import io.t4j.trainer.TrainerState;
import io.t4j.trainer.TrainingArguments;
import io.t4j.trainer.distributed.DistributedContext;
import io.t4j.trainer.distributed.StoreSocket;
import io.t4j.trainer.metrics.Average;
import io.t4j.trainer.metrics.Metrics;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.bytedeco.javacpp.PointerScope;
import scala.reflect.ClassTag$;

/**
 * Fine-tunes a text classifier on a DataFrame with t4j's {@link Trainer}, data-parallel over Spark's barrier mode:
 * {@code fit} repartitions the rows into {@code numRanks} partitions and runs one barrier task per rank (all start
 * together, or none). Rank 0 opens the c10d store on its executor's address with a free port, shares the port
 * through {@code BarrierTaskContext.allGather}, and the ranks join one Gloo group ({@link DistributedContext}); each
 * trains on its own partition (shuffled every epoch, padded to the largest partition as DistributedSampler pads),
 * gradients are averaged across ranks, and rank 0 evaluates on {@link #setValidationData} and saves. The result is
 * a {@link T4jTextClassifier} over the saved model.
 *
 * <p>{@code trainingArguments} is HF's TrainingArguments as JSON ({@code {"output_dir": "hdfs:///runs/sst2",
 * "num_train_epochs": 3, "learning_rate": 3e-5, "per_device_train_batch_size": 16}}). An {@code output_dir} on a
 * remote filesystem is written through a local folder on rank 0's machine and copied there (the final model, and
 * every checkpoint when it is saved); a {@code resume_from_checkpoint} there is copied to every rank first.
 *
 * <p>Run one rank per executor ({@code spark.task.cpus} = {@code spark.executor.cores}) so each rank has the cores
 * of its machine; Spark refuses a barrier stage with more ranks than free task slots. A failed rank fails the
 * stage (Spark then retries the whole stage, from scratch or from {@code resume_from_checkpoint}); the other ranks
 * end within {@code ddp_timeout} at worst.
 */
public final class T4jDistributedTrainer extends Estimator<T4jTextClassifier> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final Param<String> labelCol;
    private final IntParam numRanks;
    private final Param<String> trainingArguments;
    private final IntParam maxLength;
    private final StringArrayParam labels;
    private transient org.apache.spark.sql.Dataset<Row> validationData;
    private transient Map<String, Double> lastMetrics = Map.of();

    public T4jDistributedTrainer() {
        this(Identifiable.randomUID("t4jDistributedTrainer"));
    }

    public T4jDistributedTrainer(String uid) {
        this.uid = uid;
        this.model = new Param<>(this, "model", "the model to fine-tune: a local folder (on every machine), a hub repo id or a Hadoop URI");
        this.inputCol = new Param<>(this, "inputCol", "the text column");
        this.labelCol = new Param<>(this, "labelCol", "the label column: strings (class names) or integers (class ids)");
        this.numRanks = new IntParam(this, "numRanks", "data-parallel ranks, one barrier task each (>= 1)");
        this.trainingArguments = new Param<>(this, "trainingArguments", "HF's TrainingArguments as JSON (output_dir required)");
        this.maxLength = new IntParam(this, "maxLength", "truncate to this many tokens; 0 for the model's max length");
        this.labels = new StringArrayParam(this, "labels", "the class names in id order (default: the sorted distinct "
                + "string labels, or LABEL_0.. for integer labels)");
        setDefault(inputCol, "text");
        setDefault(labelCol, "label");
        setDefault(numRanks, 2);
        setDefault(maxLength, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() { return model; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> labelCol() { return labelCol; }
    public IntParam numRanks() { return numRanks; }
    public Param<String> trainingArguments() { return trainingArguments; }
    public IntParam maxLength() { return maxLength; }
    public StringArrayParam labels() { return labels; }

    public T4jDistributedTrainer setModel(String v) { set(model, v); return this; }
    public T4jDistributedTrainer setInputCol(String v) { set(inputCol, v); return this; }
    public T4jDistributedTrainer setLabelCol(String v) { set(labelCol, v); return this; }
    public T4jDistributedTrainer setMaxLength(int v) { set(maxLength, v); return this; }
    public T4jDistributedTrainer setLabels(String... v) { set(labels, v); return this; }

    public T4jDistributedTrainer setNumRanks(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("numRanks must be at least 1, got " + v);
        }
        set(numRanks, v);
        return this;
    }

    /** HF's TrainingArguments as JSON; checked here, on the driver. */
    public T4jDistributedTrainer setTrainingArguments(String json) {
        try {
            TrainingArguments.fromJson(JSON.readTree(json), "trainingArguments");
        } catch (IOException e) {
            throw new IllegalArgumentException("trainingArguments: not JSON: " + e.getMessage(), e);
        }
        set(trainingArguments, json);
        return this;
    }

    public T4jDistributedTrainer setTrainingArguments(TrainingArguments args) {
        return setTrainingArguments(args.toJson());
    }

    /** HF's {@code eval_dataset}: collected to the driver and evaluated by rank 0 (keep it to a validation set's size). */
    public T4jDistributedTrainer setValidationData(org.apache.spark.sql.Dataset<Row> data) {
        this.validationData = data;
        return this;
    }

    /** The metrics of the last {@link #fit}: rank 0's train metrics, and its final evaluation when there is one. */
    public Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        check(schema, getOrDefault(inputCol), true);
        check(schema, getOrDefault(labelCol), false);
        return schema.add(getOrDefault(inputCol) + "_prediction", new T4jTextClassifier().outputDataType(), true);
    }

    private static void check(StructType schema, String col, boolean text) {
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(col)) {
            throw new IllegalArgumentException("T4jDistributedTrainer: column '" + col + "' is not in the data (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        DataType t = schema.apply(col).dataType();
        boolean ok = text ? t.equals(DataTypes.StringType) : t.equals(DataTypes.StringType) || t instanceof NumericType;
        if (!ok) {
            throw new IllegalArgumentException("T4jDistributedTrainer: column '" + col + "' must be " + (text ? "a string" :
                    "a string or a number") + ", but it is " + t.simpleString());
        }
    }

    @Override
    public T4jTextClassifier fit(org.apache.spark.sql.Dataset<?> data) {
        transformSchema(data.schema());
        if (!isDefined(model) || !isDefined(trainingArguments)) {
            throw new IllegalArgumentException("T4jDistributedTrainer: set model and trainingArguments (with output_dir) first");
        }
        String text = getOrDefault(inputCol);
        String label = getOrDefault(labelCol);
        org.apache.spark.sql.Dataset<Row> rows = data.toDF().select(text, label).filter(data.col(text).isNotNull()
                .and(data.col(label).isNotNull()));
        boolean stringLabels = data.schema().apply(label).dataType().equals(DataTypes.StringType);
        List<String> names = isDefined(labels) ? List.of(getOrDefault(labels)) : classNames(rows, label, stringLabels);
        List<String[]> eval = new ArrayList<>();
        if (validationData != null) {
            for (Row r : validationData.select(text, label).collectAsList()) {
                if (!r.isNullAt(0) && !r.isNullAt(1)) {
                    eval.add(new String[] {r.getString(0), r.get(1).toString()});
                }
            }
        }
        TrainingArguments args = args(getOrDefault(trainingArguments));
        Configuration conf = data.sparkSession().sparkContext().hadoopConfiguration();
        RankTask task = new RankTask(new ModelSource(getOrDefault(model), conf), getOrDefault(trainingArguments), names,
                stringLabels, eval, (Integer) getOrDefault(maxLength), new SerializableConfiguration(conf));
        int ranks = (Integer) getOrDefault(numRanks);
        String[] results = (String[]) rows.repartition(ranks).rdd().barrier()
                .mapPartitions(task, false, ClassTag$.MODULE$.apply(String.class)).collect();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<String> checksums = new ArrayList<>();
        for (String r : results) {
            try {
                var node = JSON.readTree(r);
                checksums.add(node.get("parameters_checksum").asText());
                if (node.has("metrics")) {
                    node.get("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
                }
            } catch (IOException e) {
                throw new IllegalStateException("a rank returned " + r, e);
            }
        }
        if (checksums.stream().distinct().count() != 1) {
            throw new IllegalStateException("the ranks ended with different weights " + checksums
                    + ": gradients were not averaged alike (a t4j bug; please report it)");
        }
        this.lastMetrics = metrics;
        String saved = args.outputDir();
        if (!ModelSource.isHadoopUri(saved)) {
            saved = Path.of(saved).toAbsolutePath().toString();
        }
        T4jTextClassifier classifier = new T4jTextClassifier().setModel(saved).setInputCol(text)
                .setOutputCol(text + "_prediction").setMaxLength((Integer) getOrDefault(maxLength));
        return classifier.setParent(this);
    }

    private static List<String> classNames(org.apache.spark.sql.Dataset<Row> rows, String label, boolean strings) {
        if (strings) {
            TreeSet<String> distinct = new TreeSet<>();
            rows.select(label).distinct().collectAsList().forEach(r -> distinct.add(r.getString(0)));
            return List.copyOf(distinct);
        }
        long max = rows.selectExpr("max(cast(" + label + " as long))").first().getLong(0);
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            names.add("LABEL_" + i);
        }
        return names;
    }

    static TrainingArguments args(String json) {
        try {
            return TrainingArguments.fromJson(JSON.readTree(json), "trainingArguments");
        } catch (IOException e) {
            throw new IllegalArgumentException("trainingArguments: not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public T4jDistributedTrainer copy(ParamMap extra) {
        T4jDistributedTrainer copy = defaultCopy(extra);
        copy.validationData = validationData;
        return copy;
    }

    /** One rank: rendezvous through the barrier, train its partition, rank 0 saves; returns one JSON line. */
    static final class RankTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Row>,
            scala.collection.Iterator<String>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ModelSource model;
        private final String argsJson;
        private final List<String> names;
        private final boolean stringLabels;
        private final List<String[]> eval;
        private final int maxLength;
        private final SerializableConfiguration conf;

        RankTask(ModelSource model, String argsJson, List<String> names, boolean stringLabels, List<String[]> eval,
                 int maxLength, SerializableConfiguration conf) {
            this.model = model;
            this.argsJson = argsJson;
            this.names = List.copyOf(names);
            this.stringLabels = stringLabels;
            this.eval = eval;
            this.maxLength = maxLength;
            this.conf = conf;
        }

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Row> partition) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId();
            BarrierTaskInfo[] infos = ctx.getTaskInfos();
            String masterHost = host(infos[0].address());
            int localRank = 0;
            int localWorld = 0;
            for (int r = 0; r < infos.length; r++) {
                if (host(infos[r].address()).equals(host(infos[rank].address()))) {
                    localWorld++;
                    localRank += r < rank ? 1 : 0;
                }
            }
            List<String> texts = new ArrayList<>();
            List<String> labelValues = new ArrayList<>();
            partition.foreach(row -> {
                texts.add(row.getString(0));
                labelValues.add(row.get(1).toString());
                return null;
            });
            TrainingArguments args = args(argsJson);
            StoreSocket socket = null;
            String store;
            try {
                if (rank == 0) {
                    socket = StoreSocket.open(InetAddress.getByName(masterHost), 0);
                }
                String[] gathered = ctx.allGather(rank == 0 ? masterHost + ":" + socket.port() : "");
                store = gathered[0];
            } catch (IOException e) {
                throw new UncheckedIOException("rank " + rank + ": cannot resolve the master host " + masterHost, e);
            } catch (RuntimeException e) {
                if (socket != null) {
                    socket.close();
                }
                throw e;
            }
            int colon = store.lastIndexOf(':');
            var rendezvous = new DistributedContext.Rendezvous(rank, infos.length, localRank, localWorld,
                    store.substring(0, colon), Integer.parseInt(store.substring(colon + 1)),
                    Duration.ofSeconds(args.ddpTimeout()), true, socket);
            ExecutorRuntime.start();
            try (DistributedContext dist = DistributedContext.join(rendezvous)) {
                return scala.jdk.javaapi.CollectionConverters.asScala(List.of(train(dist, args, texts, labelValues)).iterator());
            }
        }

        private String train(DistributedContext dist, TrainingArguments args, List<String> texts, List<String> labelValues) {
            Path dir = model.resolve();
            String outputDir = args.outputDir();
            boolean remoteOutput = ModelSource.isHadoopUri(outputDir) && !outputDir.startsWith("file:");
            Path localOutput;
            try {
                localOutput = remoteOutput ? Files.createTempDirectory("t4j-train-")
                        : outputDir.startsWith("file:") ? Path.of(java.net.URI.create(outputDir)) : Path.of(outputDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var builder = args.toBuilder().outputDir(localOutput.toString());
            String resume = args.resumeFromCheckpoint();
            if (resume != null && ModelSource.isHadoopUri(resume)) {
                resume = new ModelSource(resume, conf.value()).resolve().toString();
            }
            args = builder.build();
            try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir)) {
                EncodeOptions encode = EncodeOptions.defaults().withMaxLength(maxLength > 0 ? maxLength : null);
                Dataset train = dataset(texts, labelValues).tokenize(tokenizer, "text", encode);
                Dataset evalSet = null;
                if (!eval.isEmpty()) {
                    evalSet = dataset(eval.stream().map(e -> e[0]).toList(), eval.stream().map(e -> e[1]).toList())
                            .tokenize(tokenizer, "text", encode);
                }
                Trainer.setSeed(args.seed());
                SequenceClassificationModel<?> classifier = classifier(dir);
                var trainer = Trainer.builder(classifier, args).trainDataset(train).evalDataset(evalSet)
                        .processingClass(tokenizer).computeMetrics(metrics()).distributed(dist);
                if (remoteOutput && dist.isWorldProcessZero()) {
                    trainer.callback(new CopyCheckpoints(localOutput, outputDir, conf));
                }
                Trainer<?> t = trainer.build();
                Map<String, Double> result = new LinkedHashMap<>(t.train(resume).metrics());
                if (evalSet != null) {
                    result.putAll(t.evaluate());
                }
                t.saveModel(localOutput);
                if (remoteOutput && dist.isWorldProcessZero()) {
                    copyFiles(localOutput, new org.apache.hadoop.fs.Path(outputDir), conf.value());
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("rank", dist.rank());
                line.put("parameters_checksum", checksum(classifier));
                if (dist.isWorldProcessZero()) {
                    line.put("metrics", result);
                }
                classifier.close();
                return JSON.writeValueAsString(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Dataset dataset(List<String> texts, List<String> labelValues) {
            long[] ids = new long[labelValues.size()];
            for (int i = 0; i < ids.length; i++) {
                String v = labelValues.get(i);
                int id = stringLabels ? names.indexOf(v) : (int) Double.parseDouble(v);
                if (id < 0 || id >= names.size()) {
                    throw new IllegalArgumentException("label '" + v + "' is not one of the labels " + names);
                }
                ids[i] = id;
            }
            Map<String, Column> columns = new LinkedHashMap<>();
            columns.put("text", new StringColumn(texts.toArray(new String[0])));
            columns.put("label", new LongColumn(ids));
            return Dataset.fromColumns(columns, Map.of("label", new Feature.ClassLabel(names)));
        }

        private SequenceClassificationModel<?> classifier(Path dir) {
            PretrainedConfig config = AutoConfig.fromPretrained(dir);
            boolean hasHead = config.architectures() != null
                    && config.architectures().stream().anyMatch(a -> a.endsWith("ForSequenceClassification"));
            if (hasHead && config.numLabels() != names.size()) {
                throw new IllegalArgumentException(dir + ": the model's classification head has num_labels="
                        + config.numLabels() + " but the data has " + names.size() + " labels " + names);
            }
            Map<Integer, String> id2label = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                id2label.put(i, names.get(i));
            }
            return AutoModelForSequenceClassification.fromPretrained(dir, PretrainedOptions.defaults().withId2label(id2label));
        }

        private java.util.function.Function<io.t4j.trainer.metrics.EvalPrediction, Map<String, Double>> metrics() {
            Average average = names.size() == 2 ? Average.BINARY : Average.MACRO;
            return p -> {
                int[] pred = p.argmax();
                int[] gold = p.labelIds().toInts();
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("accuracy", Metrics.accuracy(gold, pred));
                m.put("f1", Metrics.f1(gold, pred, average));
                return m;
            };
        }

        /** The sum of every weight's absolute value, in float64: equal on every rank when the ranks are in sync. */
        private static String checksum(SequenceClassificationModel<?> m) {
            double sum = 0;
            try (PointerScope scope = new PointerScope()) {
                for (Parameter p : ((io.t4j.engine.nn.Module) m).parameters()) {
                    sum += p.data().abs().sum().item_double();
                }
            }
            return Double.toString(sum);
        }

        private static String host(String address) {
            int colon = address.lastIndexOf(':');
            return colon < 0 ? address : address.substring(0, colon);
        }
    }

    /** Rank 0 with a remote output_dir: each checkpoint, once written locally, is copied there. */
    static final class CopyCheckpoints implements TrainerCallback {
        private final Path local;
        private final String remote;
        private final SerializableConfiguration conf;

        CopyCheckpoints(Path local, String remote, SerializableConfiguration conf) {
            this.local = local;
            this.remote = remote;
            this.conf = conf;
        }

        @Override
        public void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {
            Path checkpoint = local.resolve("checkpoint-" + state.globalStep());
            if (Files.isDirectory(checkpoint)) {
                copyFiles(checkpoint, new org.apache.hadoop.fs.Path(remote, checkpoint.getFileName().toString()), conf.value());
            }
        }
    }

    static void copyFiles(Path localDir, org.apache.hadoop.fs.Path target, Configuration conf) {
        try (var files = Files.list(localDir)) {
            FileSystem fs = target.getFileSystem(conf);
            fs.mkdirs(target);
            FileSystem local = FileSystem.getLocal(conf);
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                FileUtil.copy(local, new org.apache.hadoop.fs.Path(f.toUri()), fs,
                        new org.apache.hadoop.fs.Path(target, f.getFileName().toString()), false, true, conf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + localDir + " to " + target + ": " + e.getMessage(), e);
        }
    }
}
