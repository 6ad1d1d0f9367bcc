package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.ModelInputs;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code TextClassificationPipeline} (transformers/pipelines/text_classification.py): texts in, labels with
 * scores out. Each call runs in its own {@link PointerScope} under inference mode, so concurrent callers share the
 * (read-only, eval-mode) model safely and every native tensor of a call is freed when it returns.
 */
public final class TextClassificationPipeline implements AutoCloseable {
    private final SequenceClassificationModel<?> model;
    private final PreTrainedTokenizer tokenizer;
    private final boolean owned;

    TextClassificationPipeline(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.owned = owned;
        model.eval();
    }

    public SequenceClassificationModel<?> model() {
        return model;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
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

    /** Scores [texts][labels] after the function to apply (raw logits with NONE), {@code batchSize} texts per forward. */
    public float[][] scores(List<String> texts, TextClassificationOptions options) {
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += options.batchSize()) {
            float[][] batch = batchScores(texts.subList(start, Math.min(texts.size(), start + options.batchSize())), options);
            System.arraycopy(batch, 0, out, start, batch.length);
        }
        return out;
    }

    private float[][] batchScores(List<String> texts, TextClassificationOptions options) {
        FunctionToApply f = options.functionToApply() != null ? options.functionToApply()
                : FunctionToApply.defaultFor(model.config());
        EncodeOptions encode = EncodeOptions.padLongest().withTruncation(options.truncation()).withMaxLength(options.maxLength());
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            ModelInputs in = tokenizer.encode(texts, encode).toTensors();
            Tensor logits = model.forward(in).logits().to(ScalarType.Float); // [B, num_labels]
            Tensor scores = switch (f) {
                case SOFTMAX -> torch.softmax(logits, -1);
                case SIGMOID -> torch.sigmoid(logits);
                case NONE -> logits;
            };
            float[] flat = Tensors.toFloats(scores);
            int n = (int) logits.size(1);
            float[][] rows = new float[texts.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * n, (i + 1) * n);
            }
            return rows;
        }
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

    /** Closes the model and tokenizer if this pipeline loaded them. */
    @Override
    public void close() {
        if (owned) {
            model.close();
            tokenizer.close();
        }
    }
}
