package io.t4j.server;

import io.t4j.models.SequenceClassificationModel;
import io.t4j.pipelines.ClassificationInput;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/classify}, TEI's {@code /predict} and {@code /rerank}: a text-classification pipeline over the
 * served classifier. A batch's texts and text pairs go through the pipeline in one call (one scope, one padded
 * forward; the batcher bounds its size) and each job gets its own rows back. Texts truncated on the left (TEI's
 * {@code truncation_direction: "Left"}) go through a second pipeline over the same model, whose tokenizer is the
 * served one with the other {@code truncation_side}, made on first use and closed with the runner.
 */
public final class ClassifyRunner implements TaskRunner, AutoCloseable {
    private final TextClassificationPipeline pipeline;
    private final PreTrainedTokenizer tokenizer;
    private TextClassificationPipeline otherSide;
    private PreTrainedTokenizer otherTokenizer;

    ClassifyRunner(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        this.pipeline = Pipeline.textClassification(model, tokenizer);
        this.tokenizer = tokenizer;
    }

    @Override
    public String task() {
        return "classify";
    }

    public SequenceClassificationModel<?> model() {
        return pipeline.model();
    }

    /** A job for {@code texts}, truncated on the tokenizer's side. */
    public ClassifyJob job(List<String> texts, FunctionToApply functionToApply, int topK) {
        return job(texts.stream().map(ClassificationInput::of).toList(), functionToApply, topK, tokenizer.truncationSide(), 0);
    }

    /**
     * A job for texts and text pairs: every label's score per input ({@code topK} best first), truncated on
     * {@code side}; {@code tokens} is the longest input in tokens, for the batcher's token budget (0: unknown).
     */
    public ClassifyJob job(List<ClassificationInput> inputs, FunctionToApply functionToApply, int topK, Side side, int tokens) {
        return new ClassifyJob(inputs, functionToApply, topK, side, tokens);
    }

    /** Texts to classify, with HF's function to apply and how many labels each text gets back. */
    public final class ClassifyJob extends BatchJob<List<List<ClassificationResult>>> {
        private final List<ClassificationInput> inputs;
        private final FunctionToApply functionToApply;
        private final int topK;
        private final Side side;
        private final int tokens;

        private ClassifyJob(List<ClassificationInput> inputs, FunctionToApply functionToApply, int topK, Side side,
                            int tokens) {
            this.inputs = List.copyOf(inputs);
            this.functionToApply = functionToApply;
            this.topK = topK;
            this.side = side;
            this.tokens = tokens;
        }

        @Override
        public int size() {
            return inputs.size();
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public Object batchKey() {
            return Arrays.asList(ClassifyJob.class, functionToApply, side); // top_k is applied per job after the forward
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            classify(as(ClassifyJob.class, batch), functionToApply, side);
        }
    }

    private void classify(List<ClassifyJob> jobs, FunctionToApply f, Side side) {
        List<ClassificationInput> inputs = jobs.stream().flatMap(j -> j.inputs.stream()).toList();
        var options = TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS)
                .withFunctionToApply(f).withBatchSize(inputs.size()); // the batcher bounds a batch
        List<List<ClassificationResult>> all = pipeline(side).applyInputs(inputs, options); // every label, best first
        int row = 0;
        for (ClassifyJob job : jobs) {
            List<List<ClassificationResult>> mine = new ArrayList<>(job.inputs.size());
            for (int i = 0; i < job.inputs.size(); i++) {
                List<ClassificationResult> labels = all.get(row++);
                mine.add(List.copyOf(job.topK == TextClassificationOptions.ALL_LABELS ? labels : labels.subList(0, job.topK)));
            }
            job.complete(mine);
        }
    }

    /** The pipeline truncating on {@code side} (called on the inference thread only). */
    private TextClassificationPipeline pipeline(Side side) {
        if (side == tokenizer.truncationSide()) {
            return pipeline;
        }
        if (otherSide == null) {
            otherTokenizer = tokenizer.withTruncationSide(side);
            otherSide = Pipeline.textClassification(pipeline.model(), otherTokenizer);
        }
        return otherSide;
    }

    /** Closes the other-side tokenizer, if one was made (the model and served tokenizer are the ServedModel's). */
    @Override
    public void close() {
        if (otherTokenizer != null) {
            otherTokenizer.close();
        }
    }
}
