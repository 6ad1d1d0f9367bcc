package io.t4j.server;

import io.t4j.models.QuestionAnsweringModel;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringInput;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/question-answering}: a question-answering pipeline over the served model's question-answering head.
 * The questions of a batch of jobs with the same parameters go through the pipeline in one call: every window of
 * every context in one forward (the batcher bounds how many questions), and each job gets its own answers back.
 */
public final class QuestionAnsweringRunner implements TaskRunner {
    private final QuestionAnsweringPipeline pipeline;

    QuestionAnsweringRunner(QuestionAnsweringModel<?> model, PreTrainedTokenizer tokenizer) {
        this.pipeline = Pipeline.questionAnswering(model, tokenizer);
    }

    @Override
    public String task() {
        return "question-answering";
    }

    public QuestionAnsweringPipeline pipeline() {
        return pipeline;
    }

    /** A job for {@code inputs}, answered with {@code options} (its batch size is ignored: the batcher sets it). */
    public QuestionAnsweringJob job(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
        return new QuestionAnsweringJob(inputs, options.withBatchSize(1));
    }

    /** Questions on contexts, with HF's pipeline parameters; one list of answers per question. */
    public final class QuestionAnsweringJob extends BatchJob<List<List<QuestionAnsweringResult>>> {
        private final List<QuestionAnsweringInput> inputs;
        private final QuestionAnsweringOptions options;

        private QuestionAnsweringJob(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
            this.inputs = List.copyOf(inputs);
            this.options = options;
        }

        @Override
        public int size() {
            return inputs.size();
        }

        @Override
        public Object batchKey() {
            return List.of(QuestionAnsweringJob.class, options); // windows and answers depend on every parameter
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            answer(as(QuestionAnsweringJob.class, batch), options);
        }
    }

    private void answer(List<QuestionAnsweringJob> jobs, QuestionAnsweringOptions options) {
        List<QuestionAnsweringInput> all = jobs.stream().flatMap(j -> j.inputs.stream()).toList();
        List<List<QuestionAnsweringResult>> answers = pipeline.apply(all, options.withBatchSize(all.size()));
        int row = 0;
        for (QuestionAnsweringJob job : jobs) {
            List<List<QuestionAnsweringResult>> mine = new ArrayList<>(job.inputs.size());
            for (int i = 0; i < job.inputs.size(); i++) {
                mine.add(answers.get(row++));
            }
            job.complete(mine);
        }
    }
}
