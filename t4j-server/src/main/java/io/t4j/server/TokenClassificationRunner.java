package io.t4j.server;

import io.t4j.models.TokenClassificationModel;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;

/**
 * {@code POST /v1/token-classification}: HF's token-classification pipeline over the served token classifier. Jobs
 * with the same parameters (aggregation strategy, ignore_labels, stride) share one pipeline call: one scope, one
 * padded forward of every window of their texts; each job gets its own texts' entities back.
 */
public final class TokenClassificationRunner implements TaskRunner {
    private final TokenClassificationPipeline pipeline;

    TokenClassificationRunner(TokenClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        this.pipeline = Pipeline.tokenClassification(model, tokenizer);
    }

    @Override
    public String task() {
        return TokenClassificationPipeline.TASK;
    }

    public TokenClassificationModel<?> model() {
        return pipeline.model();
    }

    /** A job for {@code texts} with the request's parameters ({@code batchSize} is set per batch). */
    public TokenClassificationJob job(List<String> texts, TokenClassificationOptions options) {
        return new TokenClassificationJob(texts, options.withBatchSize(1));
    }

    /** Texts to label, and the parameters that shape their results. */
    public final class TokenClassificationJob extends BatchJob<List<List<TokenClassificationResult>>> {
        private final List<String> texts;
        private final TokenClassificationOptions options;

        private TokenClassificationJob(List<String> texts, TokenClassificationOptions options) {
            this.texts = List.copyOf(texts);
            this.options = options;
        }

        @Override
        public int size() {
            return texts.size();
        }

        @Override
        public Object batchKey() {
            return List.of(TokenClassificationJob.class, options);
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            label(as(TokenClassificationJob.class, batch), options);
        }
    }

    private void label(List<TokenClassificationJob> jobs, TokenClassificationOptions options) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        List<List<TokenClassificationResult>> all = pipeline.apply(texts, options.withBatchSize(texts.size())); // the batcher bounds it
        int row = 0;
        for (TokenClassificationJob job : jobs) {
            job.complete(List.copyOf(all.subList(row, row + job.texts.size())));
            row += job.texts.size();
        }
    }
}
