package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code FeatureExtractionPipeline} (transformers/pipelines/feature_extraction.py): token vectors
 * ({@code last_hidden_state} at a text's real tokens) per text, or pooled sentence vectors (CLS, mean over real
 * tokens, or the pooler), optionally L2-normalised, as sentence-transformers and TEI's {@code /embed} give them.
 */
public final class FeatureExtractionPipeline
        extends Pipeline<EncoderModel<?>, String, ModelInputs, BaseModelOutput, float[][], FeatureExtractionOptions> {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureExtractionPipeline.class);
    private final AtomicBoolean warnedPooler = new AtomicBoolean();

    FeatureExtractionPipeline(EncoderModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        super(model, tokenizer, owned);
    }

    /** HF's output for one text: [T, C] token vectors (real tokens only, special tokens included). */
    public float[][] apply(String text) {
        return run(List.of(text), FeatureExtractionOptions.tokens()).getFirst();
    }

    /** Whether the pooler is not the checkpoint's but newly initialised (e.g. an ONNX export without one). */
    public boolean poolerNewlyInitialized() {
        return model.loadingInfo().missingKeys().stream().anyMatch(k -> k.startsWith("pooler."));
    }

    /** One vector per text, pooled as asked, optionally L2-normalised; {@code batchSize} texts per forward. */
    public List<float[]> embed(List<String> texts, Pooling pooling, boolean normalize, int batchSize) {
        return embed(texts, FeatureExtractionOptions.pooled(pooling, normalize, batchSize));
    }

    /** One vector per text with {@code options} (a pooling is required). */
    public List<float[]> embed(List<String> texts, FeatureExtractionOptions options) {
        if (options.pooling() == null) {
            throw new IllegalArgumentException("embed needs a pooling (cls, mean or pooler); apply() gives token vectors");
        }
        if (options.pooling() == Pooling.POOLER && !model.hasPooler()) {
            throw new IllegalArgumentException("this model has no pooler; use cls or mean pooling");
        }
        if (options.pooling() == Pooling.POOLER && poolerNewlyInitialized() && warnedPooler.compareAndSet(false, true)) {
            LOG.warn("pooling 'pooler': the checkpoint has no pooler weights, so {} {} newly initialized and "
                    + "pooler_output is untrained; use cls or mean pooling, or fine-tune first",
                    model.getClass().getSimpleName(), model.loadingInfo().missingKeys().stream()
                            .filter(k -> k.startsWith("pooler.")).toList());
        }
        return run(texts, options).stream().map(v -> v[0]).toList();
    }

    @Override
    protected int batchSize(FeatureExtractionOptions options) {
        return options.batchSize();
    }

    @Override
    protected ModelInputs preprocess(List<String> texts, FeatureExtractionOptions options) {
        return ModelInputs.of(tokenizer.encode(texts, EncodeOptions.padLongest().withTruncation(options.truncation()).withMaxLength(options.maxLength())));
    }

    @Override
    protected BaseModelOutput forward(ModelInputs in, FeatureExtractionOptions options) {
        return model.forward(in);
    }

    /** Token vectors [T_i][C] per text, or its pooled vector as a [1][C] array. */
    @Override
    protected List<float[][]> postprocess(List<String> texts, ModelInputs in, BaseModelOutput out,
                                          FeatureExtractionOptions options) {
        return options.pooling() == null ? tokenVectors(out.lastHiddenState(), in.attentionMask())
                : pooled(out, in.attentionMask(), options);
    }

    private static List<float[][]> tokenVectors(Tensor hidden, Tensor attentionMask) {
        int t = (int) hidden.size(1);
        int c = (int) hidden.size(2);
        float[] flat = Tensors.toFloats(hidden.to(ScalarType.Float));
        int[] mask = Tensors.toInts(attentionMask);
        List<float[][]> out = new ArrayList<>();
        for (int b = 0; b < hidden.size(0); b++) {
            List<float[]> rows = new ArrayList<>();
            for (int j = 0; j < t; j++) {
                if (mask[b * t + j] == 1) { // real tokens, whichever side the padding is on
                    int at = (b * t + j) * c;
                    rows.add(Arrays.copyOfRange(flat, at, at + c));
                }
            }
            out.add(rows.toArray(new float[0][]));
        }
        return out;
    }

    private static List<float[][]> pooled(BaseModelOutput out, Tensor attentionMask, FeatureExtractionOptions options) {
        Tensor v = pool(out, attentionMask, options.pooling()).to(ScalarType.Float); // [B,C]
        if (options.normalize()) {
            v = torch.normalize(v); // F.normalize: L2 over dim 1
        }
        float[] flat = Tensors.toFloats(v);
        int c = (int) v.size(1);
        List<float[][]> rows = new ArrayList<>();
        for (int i = 0; i < v.size(0); i++) {
            rows.add(new float[][] {Arrays.copyOfRange(flat, i * c, (i + 1) * c)});
        }
        return rows;
    }

    private static Tensor pool(BaseModelOutput out, Tensor attentionMask, Pooling pooling) {
        Tensor h = out.lastHiddenState(); // [B,T,C]
        return switch (pooling) {
            case CLS -> h.select(1, 0); // [B,C]
            case MEAN -> {
                Tensor m = attentionMask.to(h.scalar_type()).unsqueeze(-1); // [B,T] -> [B,T,1]
                yield h.mul(m).sum(1).div(m.sum(1).clamp_min(new Scalar(1e-9))); // [B,C]
            }
            case POOLER -> {
                if (out.poolerOutput() == null) {
                    throw new IllegalArgumentException("this model has no pooler; use cls or mean pooling");
                }
                yield out.poolerOutput();
            }
        };
    }
}
