package io.t4j.server;

import io.t4j.models.EncoderModel;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.List;

/**
 * {@code POST /v1/embed}, TEI's {@code /embed} and OpenAI's {@code /v1/embeddings}: a feature-extraction pipeline
 * over the served model's base encoder (HF's {@code base_model}: the same weights as the task head, never a second
 * load). The folder's sentence-transformers prompts and pooling come with it; texts truncated on the other side
 * (TEI's {@code truncation_direction}) go through a second pipeline whose tokenizer truncates there.
 */
public final class EmbedRunner implements TaskRunner, AutoCloseable {
    private final FeatureExtractionPipeline pipeline;
    private final PreTrainedTokenizer tokenizer;
    private final SentenceTransformersConfig sentenceTransformers;
    private FeatureExtractionPipeline otherSide;
    private PreTrainedTokenizer otherTokenizer;

    EmbedRunner(EncoderModel<?> encoder, PreTrainedTokenizer tokenizer, SentenceTransformersConfig sentenceTransformers) {
        this.pipeline = Pipeline.featureExtraction(encoder, tokenizer);
        this.tokenizer = tokenizer;
        this.sentenceTransformers = sentenceTransformers;
    }

    @Override
    public String task() {
        return "embed";
    }

    public EncoderModel<?> encoder() {
        return pipeline.model();
    }

    /** The folder's sentence-transformers prompts and pooling. */
    public SentenceTransformersConfig sentenceTransformers() {
        return sentenceTransformers;
    }

    /** Whether the encoder computes a pooler output ({@code pooling: "pooler"}); DistilBERT and RoBERTa heads have none. */
    public boolean hasPooler() {
        return pipeline.model().hasPooler();
    }

    /** A job for {@code texts}, truncated on the tokenizer's side. */
    public EmbedJob job(List<String> texts, Pooling pooling, boolean normalize) {
        return job(texts, pooling, normalize, tokenizer.truncationSide(), 0);
    }

    /** A job truncating on {@code side}; {@code tokens}: the longest text in tokens, for the token budget (0: unknown). */
    public EmbedJob job(List<String> texts, Pooling pooling, boolean normalize, Side side, int tokens) {
        return new EmbedJob(texts, pooling, normalize, side, tokens);
    }

    /** Texts to embed with a pooling, optionally L2-normalised. */
    public final class EmbedJob extends BatchJob<List<float[]>> {
        private final List<String> texts;
        private final Pooling pooling;
        private final boolean normalize;
        private final Side side;
        private final int tokens;

        private EmbedJob(List<String> texts, Pooling pooling, boolean normalize, Side side, int tokens) {
            this.texts = List.copyOf(texts);
            this.pooling = pooling;
            this.normalize = normalize;
            this.side = side;
            this.tokens = tokens;
        }

        @Override
        public int size() {
            return texts.size();
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public Object batchKey() {
            return List.of(EmbedJob.class, pooling, normalize, side);
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            embed(as(EmbedJob.class, batch), pooling, normalize, side);
        }
    }

    private void embed(List<EmbedJob> jobs, Pooling pooling, boolean normalize, Side side) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        List<float[]> all = pipeline(side).embed(texts, pooling, normalize, texts.size());
        int row = 0;
        for (EmbedJob job : jobs) {
            job.complete(List.copyOf(all.subList(row, row + job.texts.size())));
            row += job.texts.size();
        }
    }

    /** The pipeline truncating on {@code side} (called on the inference thread only). */
    private FeatureExtractionPipeline pipeline(Side side) {
        if (side == tokenizer.truncationSide()) {
            return pipeline;
        }
        if (otherSide == null) {
            otherTokenizer = tokenizer.withTruncationSide(side);
            otherSide = Pipeline.featureExtraction(pipeline.model(), otherTokenizer);
        }
        return otherSide;
    }

    @Override
    public void close() {
        if (otherTokenizer != null) {
            otherTokenizer.close();
        }
    }
}
