package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
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
 * the logits; {@code top_k} picks the best labels. An input is a text or, as HF's {@code {"text", "text_pair"}}
 * dict, a sentence pair ({@link ClassificationInput}); a batch may mix both.
 */
public final class TextClassificationPipeline extends Pipeline<SequenceClassificationModel<?>, ClassificationInput,
        ModelInputs, Tensor, float[], TextClassificationOptions> {

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
        return applyInputs(texts.stream().map(ClassificationInput::of).toList(), options);
    }

    /** The labels of each text or text pair, in input order (HF: {@code classifier([{"text", "text_pair"}, ...])}). */
    public List<List<ClassificationResult>> applyInputs(List<ClassificationInput> inputs, TextClassificationOptions options) {
        int numLabels = model.config().numLabels();
        if (options.topK() > numLabels) {
            throw new IllegalArgumentException("top_k " + options.topK() + " is larger than the number of labels ("
                    + numLabels + ": " + model.config().id2label().values() + ")");
        }
        List<List<ClassificationResult>> out = new ArrayList<>(inputs.size());
        for (float[] row : scoresOf(inputs, options)) {
            out.add(topK(row, options.topK()));
        }
        return out;
    }

    /** Scores [texts][labels] in label order, after the function to apply (raw logits with NONE). */
    public float[][] scores(List<String> texts, TextClassificationOptions options) {
        return scoresOf(texts.stream().map(ClassificationInput::of).toList(), options);
    }

    /** Scores [inputs][labels] of texts and text pairs, as {@link #scores}. */
    public float[][] scoresOf(List<ClassificationInput> inputs, TextClassificationOptions options) {
        return run(inputs, options).toArray(new float[0][]);
    }

    @Override
    protected int batchSize(TextClassificationOptions options) {
        return options.batchSize();
    }

    /**
     * Texts and pairs tokenized as HF's tokenizer does each (pairs with {@code encodePairs}, truncated longest_first),
     * padded together to the longest row on the tokenizer's padding side.
     */
    @Override
    protected ModelInputs preprocess(List<ClassificationInput> inputs, TextClassificationOptions options) {
        EncodeOptions encode = EncodeOptions.padLongest().withTruncation(options.truncation()).withMaxLength(options.maxLength());
        List<ClassificationInput> singles = inputs.stream().filter(i -> !i.isPair()).toList();
        List<ClassificationInput> pairs = inputs.stream().filter(ClassificationInput::isPair).toList();
        if (pairs.isEmpty()) {
            return ModelInputs.of(tokenizer.encode(singles.stream().map(ClassificationInput::text).toList(), encode));
        }
        if (singles.isEmpty()) {
            return ModelInputs.of(encodePairs(pairs, encode));
        }
        EncodeOptions unpadded = encode.withPadding(Padding.DO_NOT_PAD);
        BatchEncoding one = tokenizer.encode(singles.stream().map(ClassificationInput::text).toList(), unpadded);
        BatchEncoding two = encodePairs(pairs, unpadded);
        int[][] ids = new int[inputs.size()][];
        int[][] types = tokenizer.returnsTokenTypeIds() ? new int[inputs.size()][] : null;
        int s = 0;
        int p = 0;
        for (int i = 0; i < inputs.size(); i++) {
            BatchEncoding from = inputs.get(i).isPair() ? two : one;
            int row = inputs.get(i).isPair() ? p++ : s++;
            ids[i] = from.inputIds()[row];
            if (types != null) {
                types[i] = from.tokenTypeIds()[row];
            }
        }
        return ModelInputs.of(padLongest(ids, types));
    }

    private BatchEncoding encodePairs(List<ClassificationInput> pairs, EncodeOptions encode) {
        return tokenizer.encodePairs(pairs.stream().map(ClassificationInput::text).toList(),
                pairs.stream().map(ClassificationInput::textPair).toList(), encode);
    }

    /** Rows of different lengths padded to the longest with the pad id (type id 0, mask 0) on the padding side. */
    private BatchEncoding padLongest(int[][] ids, int[][] types) {
        Integer padId = tokenizer.padTokenId();
        if (padId == null) {
            throw new IllegalArgumentException("the tokenizer in " + tokenizer.source() + " has no pad_token to pad a batch with");
        }
        int t = Arrays.stream(ids).mapToInt(r -> r.length).max().orElse(0);
        int[][] paddedIds = new int[ids.length][];
        int[][] mask = new int[ids.length][];
        int[][] paddedTypes = types == null ? null : new int[ids.length][];
        boolean left = tokenizer.paddingSide() == Side.LEFT;
        for (int i = 0; i < ids.length; i++) {
            int at = left ? t - ids[i].length : 0;
            paddedIds[i] = new int[t];
            Arrays.fill(paddedIds[i], padId);
            System.arraycopy(ids[i], 0, paddedIds[i], at, ids[i].length);
            mask[i] = new int[t];
            Arrays.fill(mask[i], at, at + ids[i].length, 1);
            if (paddedTypes != null) {
                paddedTypes[i] = new int[t];
                System.arraycopy(types[i], 0, paddedTypes[i], at, types[i].length);
            }
        }
        return new BatchEncoding(paddedIds, mask, paddedTypes);
    }

    @Override
    protected Tensor forward(ModelInputs in, TextClassificationOptions options) {
        return model.forward(in).logits(); // [B, num_labels]
    }

    @Override
    protected List<float[]> postprocess(List<ClassificationInput> texts, ModelInputs in, Tensor logits,
                                        TextClassificationOptions options) {
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
