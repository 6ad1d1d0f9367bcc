package io.t4j.server;

import io.t4j.models.AutoModel;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.EncoderModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoder model (BERT, RoBERTa, DistilBERT) served for classify and embed: a text-classification and a
 * feature-extraction pipeline over one tokenizer, and the batch runner the {@link MicroBatcher} calls. A batch's
 * texts go through the pipeline in one call (one PointerScope and one padded forward; the batcher bounds its size)
 * and each job gets its own rows back.
 */
public final class EncoderRunner implements AutoCloseable {
    private final PreTrainedTokenizer tokenizer;
    private final SequenceClassificationModel<?> classificationModel;
    private final EncoderModel<?> encoderModel;
    private final TextClassificationPipeline classifier;
    private final FeatureExtractionPipeline embedder;
    private final boolean hasPooler;

    /** A job of either task. */
    public abstract static sealed class Job<R> extends BatchJob<R> permits ClassifyJob, EmbedJob {}

    /** Texts to classify, with HF's function to apply and how many labels each text gets back. */
    public static final class ClassifyJob extends Job<List<List<ClassificationResult>>> {
        private final List<String> texts;
        private final FunctionToApply functionToApply;
        private final int topK;

        public ClassifyJob(List<String> texts, FunctionToApply functionToApply, int topK) {
            this.texts = List.copyOf(texts);
            this.functionToApply = functionToApply;
            this.topK = topK;
        }

        @Override
        public int size() {
            return texts.size();
        }

        @Override
        public Object batchKey() {
            return functionToApply; // top_k is applied per job after the forward
        }
    }

    /** Texts to embed with a pooling, optionally L2-normalised. */
    public static final class EmbedJob extends Job<List<float[]>> {
        private final List<String> texts;
        private final Pooling pooling;
        private final boolean normalize;

        public EmbedJob(List<String> texts, Pooling pooling, boolean normalize) {
            this.texts = List.copyOf(texts);
            this.pooling = pooling;
            this.normalize = normalize;
        }

        @Override
        public int size() {
            return texts.size();
        }

        @Override
        public Object batchKey() {
            return List.of(pooling, normalize);
        }
    }

    private EncoderRunner(PreTrainedTokenizer tokenizer, SequenceClassificationModel<?> classificationModel,
                          EncoderModel<?> encoderModel) {
        this.tokenizer = tokenizer;
        this.classificationModel = classificationModel;
        this.encoderModel = encoderModel;
        this.classifier = Pipeline.textClassification(classificationModel, tokenizer);
        this.embedder = Pipeline.featureExtraction(encoderModel, tokenizer);
        this.hasPooler = probePooler();
    }

    /**
     * Loads the folder's tokenizer, its model with a classification head (HF's AutoModelForSequenceClassification:
     * a new head when the checkpoint has none) and its base model, and runs one text through both (warm-up).
     */
    public static EncoderRunner load(Path dir, PretrainedOptions options) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
        SequenceClassificationModel<?> classification = null;
        try {
            classification = AutoModelForSequenceClassification.fromPretrained(dir, options);
            return new EncoderRunner(tokenizer, classification, AutoModel.fromPretrained(dir, options));
        } catch (RuntimeException e) {
            if (classification != null) {
                classification.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    private boolean probePooler() {
        classifier.apply(List.of("warm up"), TextClassificationOptions.defaults());
        embedder.embed(List.of("warm up"), Pooling.CLS, false, 1); // not POOLER: that warns when the pooler is new
        return embedder.hasPooler();
    }

    public SequenceClassificationModel<?> classificationModel() {
        return classificationModel;
    }

    public EncoderModel<?> encoderModel() {
        return encoderModel;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    /** Whether the model has a pooler ({@code pooling: "pooler"}); DistilBERT has none. */
    public boolean hasPooler() {
        return hasPooler;
    }

    /** Token counts of {@code texts} without truncation, special tokens included. */
    public int[] tokenCounts(List<String> texts) {
        int[][] ids = tokenizer.encode(texts, EncodeOptions.noTruncation()).inputIds();
        int[] counts = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            counts[i] = ids[i].length;
        }
        return counts;
    }

    /** Runs one batch of jobs with equal keys (the {@link MicroBatcher}'s runner). */
    public void run(List<Job<?>> batch) {
        switch (batch.getFirst()) {
            case ClassifyJob first -> classify(batch.stream().map(ClassifyJob.class::cast).toList(), first.functionToApply);
            case EmbedJob first -> embed(batch.stream().map(EmbedJob.class::cast).toList(), first.pooling, first.normalize);
        }
    }

    private void classify(List<ClassifyJob> jobs, FunctionToApply f) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        var options = TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS)
                .withFunctionToApply(f).withBatchSize(texts.size()); // the batcher bounds a batch
        List<List<ClassificationResult>> all = classifier.apply(texts, options); // every label, best first
        int row = 0;
        for (ClassifyJob job : jobs) {
            List<List<ClassificationResult>> mine = new ArrayList<>(job.texts.size());
            for (int i = 0; i < job.texts.size(); i++) {
                mine.add(List.copyOf(all.get(row++).subList(0, job.topK)));
            }
            job.complete(mine);
        }
    }

    private void embed(List<EmbedJob> jobs, Pooling pooling, boolean normalize) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        List<float[]> all = embedder.embed(texts, pooling, normalize, texts.size());
        int row = 0;
        for (EmbedJob job : jobs) {
            job.complete(List.copyOf(all.subList(row, row + job.texts.size())));
            row += job.texts.size();
        }
    }

    /** Frees both models' weights and the tokenizer. */
    @Override
    public void close() {
        classificationModel.close();
        encoderModel.close();
        tokenizer.close();
    }
}
