package io.t4j.server;

import io.t4j.models.SequenceClassificationModel;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/classify}: a text-classification pipeline over the served classifier. A batch's texts go through
 * the pipeline in one call (one scope, one padded forward; the batcher bounds its size) and each job gets its own
 * rows back.
 */
public final class ClassifyRunner implements TaskRunner {
    private final TextClassificationPipeline pipeline;

    ClassifyRunner(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        this.pipeline = Pipeline.textClassification(model, tokenizer);
    }

    @Override
    public String task() {
        return "classify";
    }

    public SequenceClassificationModel<?> model() {
        return pipeline.model();
    }

    /** A job for {@code texts}. */
    public ClassifyJob job(List<String> texts, FunctionToApply functionToApply, int topK) {
        return new ClassifyJob(texts, functionToApply, topK);
    }

    /** Texts to classify, with HF's function to apply and how many labels each text gets back. */
    public final class ClassifyJob extends BatchJob<List<List<ClassificationResult>>> {
        private final List<String> texts;
        private final FunctionToApply functionToApply;
        private final int topK;

        private ClassifyJob(List<String> texts, FunctionToApply functionToApply, int topK) {
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
            return java.util.Arrays.asList(ClassifyJob.class, functionToApply); // top_k is applied per job after the forward
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            classify(as(ClassifyJob.class, batch), functionToApply);
        }
    }

    private void classify(List<ClassifyJob> jobs, FunctionToApply f) {
        List<String> texts = jobs.stream().flatMap(j -> j.texts.stream()).toList();
        var options = TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS)
                .withFunctionToApply(f).withBatchSize(texts.size()); // the batcher bounds a batch
        List<List<ClassificationResult>> all = pipeline.apply(texts, options); // every label, best first
        int row = 0;
        for (ClassifyJob job : jobs) {
            List<List<ClassificationResult>> mine = new ArrayList<>(job.texts.size());
            for (int i = 0; i < job.texts.size(); i++) {
                mine.add(List.copyOf(all.get(row++).subList(0, job.topK)));
            }
            job.complete(mine);
        }
    }
}
