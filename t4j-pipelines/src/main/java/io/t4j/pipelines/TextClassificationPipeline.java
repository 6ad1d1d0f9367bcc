package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code TextClassificationPipeline} (transformers/pipelines/text_classification.py): texts in, labels with
 * scores out. The scores are the function to apply (softmax, sigmoid or none, HF's default by problem type) over
 * the logits; {@code top_k} picks the best labels.
 */
public final class TextClassificationPipeline
        extends Pipeline<SequenceClassificationModel<?>, String, ModelInputs, Tensor, float[], TextClassificationOptions> {

    TextClassificationPipeline(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        super(model, tokenizer, owned);
    }

    /** The labels of one text, best first (HF: {@code classifier("text", top_k=...)}). */
    public List<ClassificationResult> apply(String text, TextClassificationOptions options) {
        return apply(List.of(text), options).get(0);
    }

    public List<ClassificationResult> apply(String text) {
        return apply(text, TextClassificationOptions.defaults());
    }

    /** The labels of each text, in input order. */
    public List<List<ClassificationResult>> apply(List<String> texts, TextClassificationOptions options) {
        int numLabels = model.config().numLabels();
        if (options.topK() > numLabels) {
            throw new IllegalArgumentException("top_k " + options.topK() + " is larger than the number of labels ("
                    + numLabels + ": " + model.config().id2label().values() + ")");
        }
        List<List<ClassificationResult>> out = new ArrayList<>(texts.size());
        for (float[] row : scores(texts, options)) {
            out.add(topK(row, options.topK()));
        }
        return out;
    }

    /** Scores [texts][labels] in label order, after the function to apply (raw logits with NONE). */
    public float[][] scores(List<String> texts, TextClassificationOptions options) {
        return run(texts, options).toArray(new float[0][]);
    }

    @Override
    protected int batchSize(TextClassificationOptions options) {
        return options.batchSize();
    }

    @Override
    protected ModelInputs preprocess(List<String> texts, TextClassificationOptions options) {
        return ModelInputs.of(tokenizer.encode(texts, EncodeOptions.padLongest().withTruncation(options.truncation()).withMaxLength(options.maxLength())));
    }

    @Override
    protected Tensor forward(ModelInputs in, TextClassificationOptions options) {
        return model.forward(in).logits(); // [B, num_labels]
    }

    @Override
    protected List<float[]> postprocess(List<String> texts, ModelInputs in, Tensor logits, TextClassificationOptions options) {
        FunctionToApply f = options.functionToApply() != null ? options.functionToApply()
                : FunctionToApply.defaultFor(model.config());
        Tensor x = logits.to(ScalarType.Float);
        Tensor scores = switch (f) {
            case SOFTMAX -> torch.softmax(x, -1);
            case SIGMOID -> torch.sigmoid(x);
            case NONE -> x;
        };
        float[] flat = Tensors.toFloats(scores);
        int n = (int) logits.size(1);
        List<float[]> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            rows.add(Arrays.copyOfRange(flat, i * n, (i + 1) * n));
        }
        return rows;
    }

    private List<ClassificationResult> topK(float[] scores, int k) {
        Map<Integer, String> id2label = model.config().id2label();
        List<ClassificationResult> all = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            all.add(new ClassificationResult(id2label.get(i), scores[i]));
        }
        all.sort(Comparator.comparingDouble(ClassificationResult::score).reversed());
        return k == TextClassificationOptions.ALL_LABELS ? all : all.subList(0, k);
    }
}
