package io.t4j.server;

import io.t4j.models.EncoderModel;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;

/**
 * {@code POST /v1/embed}: a feature-extraction pipeline over the served model's base encoder (HF's
 * {@code base_model}: the same weights as the task head, never a second load).
 */
public final class EmbedRunner implements TaskRunner {
    private final FeatureExtractionPipeline pipeline;

    EmbedRunner(EncoderModel<?> encoder, PreTrainedTokenizer tokenizer) {
        this.pipeline = Pipeline.featureExtraction(encoder, tokenizer);
    }

    @Override
    public String task() {
        return "embed";
    }

    public EncoderModel<?> encoder() {
        return pipeline.model();
    }

    /** Whether the encoder computes a pooler output ({@code pooling: "pooler"}); DistilBERT and RoBERTa heads have none. */
    public boolean hasPooler() {
        return pipeline.model().hasPooler();
    }

    /** A job for {@code texts}. */
    public EmbedJob job(List<String> texts, Pooling pooling, boolean normalize) {
        return new EmbedJob(texts, pooling, normalize);
    }

    /** Texts to embed with a pooling, optionally L2-normalised. */
    public final class EmbedJob extends BatchJob<List<float[]>> {
        private final List<String> texts;
        private final Pooling pooling;
        private final boolean normalize;

        private EmbedJob(List<String> texts, Pooling pooling, boolean normalize) {
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
            return List.of(EmbedJob.class, pooling, normalize);
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            embed(as(EmbedJob.class, batch), pooling, normalize);
        }
    }

    private void embed(List<EmbedJob> jobs, Pooling pooling, boolean normalize) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        List<float[]> all = pipeline.embed(texts, pooling, normalize, texts.size());
        int row = 0;
        for (EmbedJob job : jobs) {
            job.complete(List.copyOf(all.subList(row, row + job.texts.size())));
            row += job.texts.size();
        }
    }
}
