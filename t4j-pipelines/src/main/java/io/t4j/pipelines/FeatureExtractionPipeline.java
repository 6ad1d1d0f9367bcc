package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.ModelInputs;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code FeatureExtractionPipeline} (transformers/pipelines/feature_extraction.py): token vectors
 * ({@code last_hidden_state}) per text, plus pooled sentence vectors. One PointerScope per call; thread-safe.
 */
public final class FeatureExtractionPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureExtractionPipeline.class);
    private final EncoderModel<?> model;
    private final PreTrainedTokenizer tokenizer;
    private final boolean owned;
    private final AtomicBoolean warnedPooler = new AtomicBoolean();

    FeatureExtractionPipeline(EncoderModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.owned = owned;
        model.eval();
    }

    /** HF's output for one text: [T, C] token vectors (real tokens only, special tokens included). */
    public float[][] apply(String text) {
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            ModelInputs in = tokenizer.encode(List.of(text), EncodeOptions.defaults()).toTensors();
            Tensor h = model.forward(in).lastHiddenState().select(0, 0).to(ScalarType.Float); // [1,T,C] -> [T,C]
            int t = (int) h.size(0);
            int c = (int) h.size(1);
            float[] flat = Tensors.toFloats(h);
            float[][] out = new float[t][];
            for (int i = 0; i < t; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
            }
            return out;
        }
    }

    /** Whether the model computes pooler_output (DistilBERT has no pooler). */
    public boolean hasPooler() {
        return model.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("pooler."));
    }

    /** Whether the pooler is not the checkpoint's but newly initialised (e.g. an ONNX export without one). */
    public boolean poolerNewlyInitialized() {
        return model.loadingInfo().missingKeys().stream().anyMatch(k -> k.startsWith("pooler."));
    }

    /** One vector per text, pooled as asked, optionally L2-normalised; batched by {@code batchSize}. */
    public List<float[]> embed(List<String> texts, Pooling pooling, boolean normalize, int batchSize) {
        if (pooling == Pooling.POOLER && poolerNewlyInitialized() && warnedPooler.compareAndSet(false, true)) {
            LOG.warn("pooling 'pooler': the checkpoint has no pooler weights, so {} {} newly initialized and "
                    + "pooler_output is untrained; use cls or mean pooling, or fine-tune first",
                    model.getClass().getSimpleName(), model.loadingInfo().missingKeys().stream()
                            .filter(k -> k.startsWith("pooler.")).toList());
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
                ModelInputs in = tokenizer.encode(batch, EncodeOptions.padLongest()).toTensors();
                Tensor v = pool(model.forward(in), in.attentionMask(), pooling).to(ScalarType.Float); // [B,C]
                if (normalize) {
                    v = torch.normalize(v); // F.normalize: L2 over dim 1
                }
                float[] flat = Tensors.toFloats(v);
                int c = (int) v.size(1);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c));
                }
            }
        }
        return out;
    }

    private static Tensor pool(BaseModelOutput out, Tensor attentionMask, Pooling pooling) {
        Tensor h = out.lastHiddenState(); // [B,T,C]
        return switch (pooling) {
            case CLS -> h.select(1, 0); // [B,C]
            case MEAN -> {
                Tensor m = attentionMask.to(h.scalar_type()).unsqueeze(-1); // [B,T] -> [B,T,1]
                yield h.mul(m).sum(1).div(m.sum(1).clamp_min(new org.bytedeco.pytorch.Scalar(1e-9))); // [B,C]
            }
            case POOLER -> {
                if (out.poolerOutput() == null) {
                    throw new IllegalArgumentException("this model has no pooler; use cls or mean pooling");
                }
                yield out.poolerOutput();
            }
        };
    }

    @Override
    public void close() {
        if (owned) {
            model.close();
            tokenizer.close();
        }
    }
}
