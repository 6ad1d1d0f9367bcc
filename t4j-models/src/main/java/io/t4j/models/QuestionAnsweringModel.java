package io.t4j.models;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A model with an extractive question-answering head (HF's {@code AutoModelForQuestionAnswering} result): a start
 * and an end logit per token, what SQuAD-style training and the question-answering pipeline run.
 */
public abstract class QuestionAnsweringModel<C extends PretrainedConfig> extends PreTrainedModel<C>
        implements ModelWithLoss {
    protected QuestionAnsweringModel(C config, ModelFamily<C> family) {
        super(config, family);
    }

    /** → start and end logits [B,T], and HF's span loss when start_positions and end_positions [B] are given. */
    @Override
    public abstract QuestionAnsweringModelOutput forward(ModelInputs inputs);

    /** HF's label names for question answering. */
    @Override
    public List<String> labelNames() {
        return List.of("start_positions", "end_positions");
    }

    /** HF's {@code logits.split(1, dim=-1)}: [B,T,2] → start [B,T] and end [B,T], as the output record. */
    protected static QuestionAnsweringModelOutput spans(Tensor logits, ModelInputs in) {
        Tensor start = logits.select(-1, 0).contiguous(); // [B,T,2] -> [B,T]
        Tensor end = logits.select(-1, 1).contiguous();   // [B,T,2] -> [B,T]
        return QuestionAnsweringModelOutput.of(start, end, in.startPositions(), in.endPositions());
    }
}
