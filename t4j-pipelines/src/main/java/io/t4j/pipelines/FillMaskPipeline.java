package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code FillMaskPipeline} (transformers/pipelines/fill_mask.py): for each mask token in a text, the
 * {@code top_k} most probable tokens (softmax over the vocabulary at that position), each with the input re-decoded
 * with the mask replaced. The mask is the tokenizer's own ({@code [MASK]} for BERT, {@code <mask>} for RoBERTa).
 * With one mask the sequence is decoded without special tokens; with several, each candidate fills only its own
 * mask and special tokens are kept, as HF does.
 */
public final class FillMaskPipeline extends Pipeline<MaskedLMModel<?>, String, ModelInputs, Tensor,
        List<List<FillMaskResult>>, FillMaskPipeline.Options> {
    /** HF's default {@code top_k}. */
    public static final int DEFAULT_TOP_K = 5;

    /** The call options: {@code top_k} candidates per mask, {@code batchSize} texts per forward. */
    public record Options(int topK, int batchSize) {
        public Options {
            if (topK < 1) {
                throw new IllegalArgumentException("top_k must be at least 1, got " + topK);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
            }
        }
    }

    private final int maskTokenId;

    FillMaskPipeline(MaskedLMModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        super(model, tokenizer, owned);
        if (tokenizer.maskToken() == null || tokenizer.maskTokenId() == null) {
            throw new IllegalArgumentException("the tokenizer in " + tokenizer.source() + " has no mask_token, which the "
                    + "fill-mask pipeline needs");
        }
        this.maskTokenId = tokenizer.maskTokenId();
    }

    /** The mask token to write in inputs: {@code [MASK]}, {@code <mask>}, ... */
    public String maskToken() {
        return tokenizer.maskToken();
    }

    /** The 5 best tokens for the one mask in {@code text} (HF: {@code fill_mask("the movie was [MASK] .")}). */
    public List<FillMaskResult> apply(String text) {
        return apply(text, DEFAULT_TOP_K);
    }

    /** The {@code topK} best tokens for the one mask in {@code text}; a text with none or several masks is an error. */
    public List<FillMaskResult> apply(String text, int topK) {
        List<List<FillMaskResult>> perMask = applyToEachMask(text, topK);
        if (perMask.size() != 1) {
            throw new IllegalArgumentException("expected exactly one " + maskToken() + " in \"" + text + "\" but found "
                    + perMask.size() + "; use applyToEachMask for several");
        }
        return perMask.getFirst();
    }

    /** The {@code topK} best tokens for each mask of {@code text}, masks in order. */
    public List<List<FillMaskResult>> applyToEachMask(String text, int topK) {
        return apply(List.of(text), topK).getFirst();
    }

    /** For each text, for each of its masks, the {@code topK} best tokens; 32 texts per padded forward. */
    public List<List<List<FillMaskResult>>> apply(List<String> texts, int topK) {
        return run(texts, new Options(topK, 32));
    }

    @Override
    protected int batchSize(Options options) {
        return options.batchSize();
    }

    @Override
    protected ModelInputs preprocess(List<String> texts, Options options) {
        return ModelInputs.of(tokenizer.encode(texts, EncodeOptions.padLongest()));
    }

    @Override
    protected Tensor forward(ModelInputs in, Options options) {
        return model.forward(in).logits(); // [B,T,V]
    }

    @Override
    protected List<List<List<FillMaskResult>>> postprocess(List<String> texts, ModelInputs in, Tensor logits, Options options) {
        int t = (int) in.sequenceLength();
        int[] ids = Tensors.toInts(in.inputIds());
        int[] mask = Tensors.toInts(in.attentionMask());
        int k = (int) Math.min(options.topK(), model.vocabSize());
        List<List<List<FillMaskResult>>> out = new ArrayList<>();
        for (int b = 0; b < texts.size(); b++) {
            int[] row = Arrays.copyOfRange(ids, b * t, (b + 1) * t);
            int[] real = Arrays.copyOfRange(mask, b * t, (b + 1) * t);
            List<Integer> positions = new ArrayList<>();
            for (int j = 0; j < t; j++) {
                if (row[j] == maskTokenId && real[j] == 1) {
                    positions.add(j);
                }
            }
            if (positions.isEmpty()) {
                throw new IllegalArgumentException("No mask_token (" + maskToken() + ") found on the input \""
                        + texts.get(b) + "\"");
            }
            List<List<FillMaskResult>> perMask = new ArrayList<>();
            for (int position : positions) {
                Tensor probs = torch.softmax(logits.select(0, b).select(0, position).to(ScalarType.Float), -1); // [B,T,V] -> [V]
                perMask.add(candidates(probs, k, row, real, position, positions.size() == 1));
            }
            out.add(perMask);
        }
        return out;
    }

    private List<FillMaskResult> candidates(Tensor probs, int k, int[] row, int[] real, int position, boolean singleMask) {
        T_TensorTensor_T top = probs.topk(k); // values [k], indices [k], best first
        float[] values = Tensors.toFloats(top.get0());
        long[] tokens = Tensors.toLongs(top.get1());
        List<FillMaskResult> results = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            int token = (int) tokens[i];
            int[] filled = IntStream.range(0, row.length).filter(j -> real[j] == 1)
                    .map(j -> j == position ? token : row[j]).toArray(); // the input without padding, this mask filled
            results.add(new FillMaskResult(values[i], token, tokenizer.decode(new int[] {token}, false),
                    tokenizer.decode(filled, singleMask)));
        }
        return results;
    }
}
