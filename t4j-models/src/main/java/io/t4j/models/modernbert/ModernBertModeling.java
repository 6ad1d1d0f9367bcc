package io.t4j.models.modernbert;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.ActivationCheckpoint;
import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.GradientCheckpointable;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.LayerNorm;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.ModuleList;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AttentionMasks;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderAttention;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.decoder.CosSin;
import io.t4j.models.decoder.Rope;
import io.t4j.models.decoder.RopeUtils;
import io.t4j.models.decoder.RotaryEmbedding;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The ModernBERT forward path, ported from transformers/models/modernbert/modeling_modernbert.py (the v4.48 tree):
 * pre-norm layers without biases (layer 0 has no {@code attn_norm}), a fused {@code Wqkv}, RoPE with a global and
 * a local theta, global attention every {@code global_attn_every_n_layers} layers and sliding-window attention
 * ({@code |i - j| <= local_attention // 2}) in the others, a GeGLU MLP ({@code Wi} is 2 x intermediate),
 * {@code final_norm}, and the heads over {@code head} (dense, activation, norm).
 *
 * <p>The layers run on the batch's real tokens [N,C] ({@link Unpadding}, which ports this file's
 * {@code _unpad_modernbert_input} / {@code _pad_modernbert_output}); attention re-pads q/k/v to [B,T]. Real positions
 * equal HF's padded eager path (positions 0..T-1 per row, RoPE being relative); padding positions of
 * last_hidden_state are 0. A batch without padding, or a left-padded one, runs the padded computation as HF's eager
 * path does, including its uniform attention for a padded query whose window holds no real key.
 *
 * <p>Shapes: B batch, T tokens, N real tokens, C hidden, H heads, D head dim, I intermediate, V vocab.
 */
public final class ModernBertModeling {
    private ModernBertModeling() {}

    /** Which of {@code _init_weights}'s standard deviations a linear layer takes ("in", "out", "final_out"). */
    enum Role { IN, OUT, FINAL_OUT }

    /**
     * The role of each linear layer, as HF's {@code _init_weights} assigns it from the parent module's type; kept
     * per layer (weakly) so that a newly initialised head layer gets its own std when initialised alone.
     */
    private static final Map<Linear, Role> ROLES = Collections.synchronizedMap(new WeakHashMap<>());

    private static Linear linear(long in, long out, boolean bias, Role role) {
        Linear l = new Linear(in, out, bias);
        ROLES.put(l, role);
        return l;
    }

    /** {@code ModernBertEmbeddings}: norm(tok_embeddings(ids)), dropout; no positions, no token types. */
    public static final class ModernBertEmbeddings extends Module {
        public final Embedding tokEmbeddings;
        public final LayerNorm norm;
        public final Dropout drop;

        public ModernBertEmbeddings(ModernBertConfig c) {
            tokEmbeddings = register("tok_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), c.padTokenId()));
            norm = register("norm", new LayerNorm(c.hiddenSize(), c.normEps(), c.normBias()));
            drop = register("drop", new Dropout(c.embeddingDropout()));
        }

        /** input_ids [B,T] → [B,T,C] */
        public Tensor forward(Tensor inputIds) {
            return drop.forward(norm.forward(tokEmbeddings.forward(inputIds)));
        }
    }

    /** {@code ModernBertMLP}: GeGLU, {@code Wo(drop(act(input) * gate))} with {@code input, gate = Wi(x).chunk(2)}. */
    public static final class ModernBertMLP extends Module {
        public final Linear wi;
        public final Dropout drop;
        public final Linear wo;
        private final UnaryOperator<Tensor> act;

        public ModernBertMLP(ModernBertConfig c) {
            wi = register("Wi", linear(c.hiddenSize(), 2L * c.intermediateSize(), c.mlpBias(), Role.IN));
            act = Activations.get(c.hiddenActivation());
            drop = register("drop", new Dropout(c.mlpDropout()));
            wo = register("Wo", linear(c.intermediateSize(), c.hiddenSize(), c.mlpBias(), Role.OUT));
        }

        /** [N,C] → [N,C] */
        public Tensor forward(Tensor x) {
            Tensor h = wi.forward(x);                                   // [N,2I]
            long i = h.size(-1) / 2;
            Tensor input = h.narrow(-1, 0, i);                          // [N,I]
            Tensor gate = h.narrow(-1, i, i);                           // [N,I]
            return wo.forward(drop.forward(act.apply(input).mul(gate)));
        }
    }

    /**
     * {@code ModernBertAttention}: {@code Wqkv} (q, k, v blocks, each head-major), RoPE on q and k, attention (global
     * or within the sliding window, as the mask says), {@code Wo}.
     */
    public static final class ModernBertAttention extends Module {
        public final Linear wqkv;
        public final Linear wo;
        public final Dropout outDrop;
        private final long numHeads;
        private final long headDim;
        private final double attentionDropout;
        private final boolean local;

        public ModernBertAttention(ModernBertConfig c, int layerId) {
            numHeads = c.numAttentionHeads();
            headDim = c.headDim();
            attentionDropout = c.attentionDropout();
            local = c.isLocalLayer(layerId);
            wqkv = register("Wqkv", linear(c.hiddenSize(), 3L * c.hiddenSize(), c.attentionBias(), Role.IN));
            wo = register("Wo", linear(c.hiddenSize(), c.hiddenSize(), c.attentionBias(), Role.OUT));
            outDrop = register("out_drop", new Dropout(c.attentionDropout()));
        }

        /** Whether this layer attends within the sliding window. */
        public boolean isLocal() {
            return local;
        }

        /**
         * x [N,C] (real tokens), u the padding, rope cos/sin [1,T,D], mask (true = attend), blind [B,1,T,1] (true
         * where a query sees no key; null when none does), window the banded form of a local mask (null: use mask)
         * → [N,C]
         */
        public Tensor forward(Tensor x, Unpadding u, CosSin rope, Tensor mask, Tensor blind, SlidingWindow window) {
            Tensor qkv = u.padInput(wqkv.forward(x));                                        // [B,T,3C]
            qkv = qkv.view(qkv.size(0), qkv.size(1), 3, numHeads, headDim).permute(2, 0, 3, 1, 4); // [B,T,3,H,D] -> [3,B,H,T,D]
            Rope.QueryKey qk = Rope.applyRotaryPosEmb(qkv.select(0, 0), qkv.select(0, 1), rope); // [B,H,T,D] each
            Tensor v = qkv.select(0, 2);                                                     // [B,H,T,D]
            double dropout = isTraining() ? attentionDropout : 0.0;
            Tensor y = window != null
                    ? window.attend(qk.query(), qk.key(), v, dropout)                        // the band only
                    : EncoderAttention.scaledDotProduct(qk.query(), qk.key(), v, mask, dropout); // [B,H,T,D]
            if (blind != null) { // HF's additive finfo.min mask: every score equal, so uniform attention over all keys
                y = torch.where(blind, v.mean(-2).unsqueeze(2), y);                     // [B,1,T,1], [B,H,D] -> [B,H,1,D], [B,H,T,D]
            }
            return outDrop.forward(wo.forward(u.unpadInput(y.transpose(1, 2))));             // [B,H,T,D] -> [B,T,H,D] -> [N,C]
        }
    }

    /** {@code ModernBertEncoderLayer}: {@code x + attn(attn_norm(x))}, then {@code x + mlp(mlp_norm(x))}. */
    public static final class ModernBertEncoderLayer extends Module {
        public final LayerNorm attnNorm;
        public final ModernBertAttention attn;
        public final LayerNorm mlpNorm;
        public final ModernBertMLP mlp;

        public ModernBertEncoderLayer(ModernBertConfig c, int layerId) {
            attnNorm = layerId == 0 ? null : register("attn_norm", new LayerNorm(c.hiddenSize(), c.normEps(), c.normBias())); // nn.Identity in layer 0
            attn = register("attn", new ModernBertAttention(c, layerId));
            mlpNorm = register("mlp_norm", new LayerNorm(c.hiddenSize(), c.normEps(), c.normBias()));
            mlp = register("mlp", new ModernBertMLP(c));
        }

        /** x [N,C], u the padding, rope, mask, blind query rows and banded window of this layer's kind → [N,C] */
        public Tensor forward(Tensor x, Unpadding u, CosSin rope, Tensor mask, Tensor blind, SlidingWindow window) {
            Tensor h = x.add(attn.forward(attnNorm == null ? x : attnNorm.forward(x), u, rope, mask, blind, window));
            return h.add(mlp.forward(mlpNorm.forward(h)));
        }
    }

    /**
     * The attention masks and RoPE tables of one batch: {@code globalMask} is the padding mask [B,1,1,T];
     * {@code localMask} adds the sliding window ([B,1,T,T]; HF's {@code sliding_window_mask}); {@code localBlind}
     * [B,1,T,1] marks the padded queries whose window holds only padding (null when the layers skip padding, or when
     * there are none): HF's additive finfo.min mask gives them uniform attention over all keys. {@code localWindow}
     * is the band the local layers compute instead of the [T,T] grid, or null when they use {@code localMask}.
     */
    public record LayerInputs(Tensor globalMask, Tensor localMask, Tensor localBlind, SlidingWindow localWindow,
                              CosSin globalRope, CosSin localRope) {
        public Tensor mask(ModernBertAttention a) {
            return a.isLocal() ? localMask : globalMask;
        }

        public Tensor blind(ModernBertAttention a) {
            return a.isLocal() ? localBlind : null;
        }

        public CosSin rope(ModernBertAttention a) {
            return a.isLocal() ? localRope : globalRope;
        }

        /** Runs {@code layer} with this batch's inputs for its kind: x [N,C] → [N,C]. */
        public Tensor run(ModernBertEncoderLayer layer, Tensor x, Unpadding u) {
            return layer.forward(x, u, rope(layer.attn), mask(layer.attn), blind(layer.attn),
                    layer.attn.isLocal() ? localWindow : null);
        }
    }

    /** {@code ModernBertModel}: embeddings, the layers, {@code final_norm}. */
    public static final class ModernBertModel extends EncoderModel<ModernBertConfig> implements GradientCheckpointable {
        public final ModernBertEmbeddings embeddings;
        public final ModuleList<ModernBertEncoderLayer> layers;
        public final LayerNorm finalNorm;
        private boolean gradientCheckpointing;

        public ModernBertModel(ModernBertConfig config) {
            super(config, ModernBertFamily.INSTANCE);
            embeddings = register("embeddings", new ModernBertEmbeddings(config));
            layers = register("layers", new ModuleList<>(config.numHiddenLayers(), i -> new ModernBertEncoderLayer(config, i)));
            finalNorm = register("final_norm", new LayerNorm(config.hiddenSize(), config.normEps(), config.normBias()));
            postInit();
        }

        public static ModernBertModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static ModernBertModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ModernBertConfig.class, ModernBertModel::new);
        }

        @Override
        public void gradientCheckpointing(boolean enable) {
            gradientCheckpointing = enable;
        }

        @Override
        public boolean gradientCheckpointing() {
            return gradientCheckpointing;
        }

        /** input_ids, attention_mask [B,T] → last_hidden_state [B,T,C] (after final_norm; 0 at skipped padding) */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), everyPosition);
            Tensor h = u.unpadInput(embeddings.forward(in.inputIds()));                     // [B,T,C] -> [N,C]
            LayerInputs li = layerInputs(u, Tensors.scalarType(h));
            for (ModernBertEncoderLayer layer : layers) {
                h = gradientCheckpointing && isTraining()
                        ? ActivationCheckpoint.checkpoint(y -> li.run(layer, y, u), h) // recomputed in backward
                        : li.run(layer, h, u);
            }
            return new BaseModelOutput(u.padInput(finalNorm.forward(h)), null);
        }

        /** The masks and RoPE tables of the batch {@code u} (positions 0..T-1 in every row, as HF's padded path). */
        public LayerInputs layerInputs(Unpadding u, ScalarType dtype) {
            long t = u.seqLen();
            Tensor positions = torch.arange(new Scalar(t), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,T]
            CosSin global = RotaryEmbedding.cosSin(RopeUtils.defaultInvFreq(config.globalRopeTheta(), config.headDim()),
                    positions, 1.0, dtype);                                                  // [1,T,D]
            CosSin local = RotaryEmbedding.cosSin(RopeUtils.defaultInvFreq(config.localRopeTheta(), config.headDim()),
                    positions, 1.0, dtype);                                                  // [1,T,D]
            Tensor localMask = slidingWindowMask(u.mask(), t, config.localAttention() / 2);      // [B,1,T,T]
            Tensor blind = null;
            if (u.indices() == null) { // the dense path computes padded queries: find those that see no key
                Tensor rows = localMask.any(-1, true).logical_not();                             // [B,1,T,1]
                blind = rows.any().item_bool() ? rows : null;
            }
            SlidingWindow window = SlidingWindow.use(t, config.localAttention() / 2)
                    ? SlidingWindow.of(u.mask(), t, config.localAttention() / 2) : null;
            return new LayerInputs(u.mask(), localMask, blind, window, global, local);
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }
    }

    /**
     * HF's {@code sliding_window_mask} as a boolean mask: key j is visible from query i iff {@code |i - j| <= half}
     * and j is not padding; padding [B,1,1,T] → [B,1,T,T].
     */
    public static Tensor slidingWindowMask(Tensor padding, long seqLen, long half) {
        Tensor rows = torch.arange(new Scalar(seqLen), new TensorOptions(ScalarType.Long));    // [T]
        Tensor distance = rows.unsqueeze(1).sub(rows.unsqueeze(0)).abs();                     // [T,1] - [1,T] -> [T,T]
        Tensor window = distance.le(new Scalar(half)).unsqueeze(0).unsqueeze(0);              // [1,1,T,T]
        return window.logical_and(padding);                                                   // [B,1,T,T]
    }

    /**
     * Sliding-window attention over the band only, as flash attention's {@code window_size} does on GPU: the queries
     * in blocks of {@code half} rows, each block against the {@code 3 * half} keys around it (the only ones its
     * window can reach), so a local layer costs T x 3·half scores instead of T x T. The same result as the masked
     * [T,T] grid (HF's eager and SDPA paths) up to float rounding; used when the band is narrower than the sequence
     * ({@code 3 * half < T}). {@code -Dt4j.modernbert.window=banded|masked} forces one form.
     *
     * @param half   local_attention // 2: key j is visible from query i iff |i - j| <= half
     * @param block  query rows per block (= half, at least 1)
     * @param seqLen T
     * @param blocks ceil(T / block)
     * @param mask   [B*blocks,1,block,block+2·half]: window, sequence bounds and key padding (true = attend)
     */
    public record SlidingWindow(long half, long block, long seqLen, long blocks, Tensor mask) {

        /** Whether the local layers of a T-token batch use the band (it is narrower than T), unless forced. */
        public static boolean use(long seqLen, long half) {
            return switch (System.getProperty("t4j.modernbert.window", "auto")) {
                case "banded" -> true;
                case "masked" -> false;
                default -> 3 * Math.max(half, 1) < seqLen;
            };
        }

        /** The band of a batch: padding [B,1,1,T] (true = token), T, half. */
        public static SlidingWindow of(Tensor padding, long seqLen, long half) {
            long block = Math.max(half, 1);
            long blocks = (seqLen + block - 1) / block;
            long width = block + 2 * half;
            TensorOptions longs = new TensorOptions(ScalarType.Long);
            Tensor start = torch.arange(new Scalar(blocks), longs).mul(new Scalar(block)).view(blocks, 1, 1); // [nb,1,1]
            Tensor query = start.add(torch.arange(new Scalar(block), longs).view(1, block, 1));               // [nb,S,1]
            Tensor key = start.sub(new Scalar(half)).add(torch.arange(new Scalar(width), longs).view(1, 1, width)); // [nb,1,K]
            Tensor band = query.sub(key).abs().le(new Scalar(half))
                    .logical_and(key.ge(new Scalar(0L))).logical_and(key.lt(new Scalar(seqLen)));             // [nb,S,K]
            long b = padding.size(0);
            Tensor keys = torch.constant_pad_nd(padding.view(b, seqLen).to(ScalarType.Long),
                    new long[] {half, blocks * block - seqLen + half}, new Scalar(0L));                         // [B,nb*S+2h]
            keys = keys.unfold(1, width, block).to(ScalarType.Bool).unsqueeze(2);                              // [B,nb,1,K]
            Tensor mask = band.unsqueeze(0).logical_and(keys).reshape(b * blocks, 1, block, width);           // [B*nb,1,S,K]
            return new SlidingWindow(half, block, seqLen, blocks, mask);
        }

        /** q, k, v [B,H,T,D] → [B,H,T,D], each query attending to the keys of its window (dropout on the probabilities). */
        public Tensor attend(Tensor q, Tensor k, Tensor v, double dropout) {
            long b = q.size(0);
            long h = q.size(1);
            long d = q.size(3);
            long padded = blocks * block;
            long width = block + 2 * half;
            Tensor qb = torch.constant_pad_nd(q, new long[] {0, 0, 0, padded - seqLen}, new Scalar(0.0))  // [B,H,nb*S,D]
                    .view(b, h, blocks, block, d).permute(0, 2, 1, 3, 4).reshape(b * blocks, h, block, d); // [B*nb,H,S,D]
            Tensor y = EncoderAttention.scaledDotProduct(qb, keyBlocks(k), keyBlocks(v), mask, dropout);   // [B*nb,H,S,D]
            return y.view(b, blocks, h, block, d).permute(0, 2, 1, 3, 4).reshape(b, h, padded, d)          // [B,H,nb*S,D]
                    .narrow(2, 0, seqLen);                                                                  // [B,H,T,D]
        }

        /** [B,H,T,D] → the keys (or values) around each query block, [B*nb,H,S+2·half,D]. */
        private Tensor keyBlocks(Tensor x) {
            long b = x.size(0);
            long h = x.size(1);
            long d = x.size(3);
            long width = block + 2 * half;
            Tensor padded = torch.constant_pad_nd(x, new long[] {0, 0, half, blocks * block - seqLen + half}, new Scalar(0.0)); // [B,H,nb*S+2h,D]
            return padded.unfold(2, width, block)                                  // [B,H,nb,D,K]
                    .permute(0, 2, 1, 4, 3).reshape(b * blocks, h, width, d);      // [B,nb,H,K,D] -> [B*nb,H,K,D]
        }
    }

    /** {@code ModernBertPredictionHead}: norm(act(dense(x))), dense with classifier_bias, act classifier_activation. */
    public static final class ModernBertPredictionHead extends Module {
        public final Linear dense;
        public final LayerNorm norm;
        private final UnaryOperator<Tensor> act;

        public ModernBertPredictionHead(ModernBertConfig c) {
            dense = register("dense", linear(c.hiddenSize(), c.hiddenSize(), c.classifierBias(), Role.OUT));
            act = Activations.get(c.classifierActivation());
            norm = register("norm", new LayerNorm(c.hiddenSize(), c.normEps(), c.normBias()));
        }

        /** [..., C] → [..., C] */
        public Tensor forward(Tensor x) {
            return norm.forward(dense.forward(x, act));
        }
    }

    /** The family's {@code _init_weights}: truncated normals cut at ±initializer_cutoff_factor std, per role. */
    static void initModernBertWeights(Module m, ModernBertConfig c) {
        double cutoff = c.initializerCutoffFactor();
        switch (m) {
            case Linear l when l.isTied() -> { // the decoder: its weight is tok_embeddings' (HF ties after init)
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Linear l -> {
                double std = switch (ROLES.getOrDefault(l, Role.IN)) {
                    case IN -> c.initializerRange();
                    case OUT -> c.initializerRange() / Math.sqrt(2.0 * c.numHiddenLayers());
                    case FINAL_OUT -> Math.pow(c.hiddenSize(), -0.5);
                };
                Init.truncNormal(l.weight, 0.0, std, -cutoff * std, cutoff * std);
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Embedding e -> Init.truncNormal(e.weight, 0.0, c.initializerRange(),
                    -cutoff * c.initializerRange(), cutoff * c.initializerRange()); // the pad row is not zeroed
            case LayerNorm n -> {
                Init.ones(n.weight);
                if (n.bias != null) {
                    Init.zeros(n.bias);
                }
            }
            default -> { }
        }
    }

    /**
     * {@code ModernBertForSequenceClassification}: pooling ({@code classifier_pooling} cls: the first token; mean: the
     * mean over real tokens), {@code head}, dropout, {@code classifier} (with bias).
     */
    public static final class ModernBertForSequenceClassification extends SequenceClassificationModel<ModernBertConfig> {
        public final ModernBertModel model;
        public final ModernBertPredictionHead head;
        public final Dropout drop;
        public final Linear classifier;

        public ModernBertForSequenceClassification(ModernBertConfig config) {
            super(config, ModernBertFamily.INSTANCE);
            model = register("model", new ModernBertModel(config));
            head = register("head", new ModernBertPredictionHead(config));
            drop = register("drop", new Dropout(config.classifierDropout()));
            classifier = register("classifier", linear(config.hiddenSize(), config.numLabels(), true, Role.FINAL_OUT));
            postInit();
        }

        public static ModernBertForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ModernBertConfig.class, ModernBertForSequenceClassification::new);
        }

        /** → logits [B, num_labels], and the loss of HF's problem type when labels are given. */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor pooled = pool(model.forward(in).lastHiddenState(), in.attentionMask());
            Tensor logits = classifier.forward(drop.forward(head.forward(pooled)));
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }

        /** last_hidden_state [B,T,C], attention_mask [B,T] or null → [B,C] */
        public Tensor pool(Tensor lastHiddenState, Tensor attentionMask) {
            if (config.classifierPooling().equals("cls")) {
                return lastHiddenState.select(1, 0);
            }
            if (attentionMask == null) {
                return lastHiddenState.mean(new long[] {1});
            }
            Tensor m = attentionMask.unsqueeze(-1).to(Tensors.scalarType(lastHiddenState));   // [B,T] -> [B,T,1]
            return lastHiddenState.mul(m).sum(new long[] {1}).div(m.sum(new long[] {1}));     // [B,C] / [B,1]
        }
    }

    /** {@code ModernBertForTokenClassification}: {@code head}, dropout, {@code classifier} on every token. */
    public static final class ModernBertForTokenClassification extends TokenClassificationModel<ModernBertConfig> {
        public final ModernBertModel model;
        public final ModernBertPredictionHead head;
        public final Dropout drop;
        public final Linear classifier;

        public ModernBertForTokenClassification(ModernBertConfig config) {
            super(config, ModernBertFamily.INSTANCE);
            model = register("model", new ModernBertModel(config));
            head = register("head", new ModernBertPredictionHead(config));
            drop = register("drop", new Dropout(config.classifierDropout()));
            classifier = register("classifier", linear(config.hiddenSize(), config.numLabels(), true, Role.FINAL_OUT));
            postInit();
        }

        public static ModernBertForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ModernBertConfig.class, ModernBertForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor h = head.forward(model.forward(in).lastHiddenState());
            return TokenClassifierOutput.of(classifier.forward(drop.forward(h)), in.labels());
        }
    }

    /**
     * {@code ModernBertForQuestionAnswering} (added to HF after v4.48): {@code head}, dropout, {@code classifier} C → 2
     * (start, end) on every token.
     */
    public static final class ModernBertForQuestionAnswering extends QuestionAnsweringModel<ModernBertConfig> {
        public final ModernBertModel model;
        public final ModernBertPredictionHead head;
        public final Dropout drop;
        public final Linear classifier;

        public ModernBertForQuestionAnswering(ModernBertConfig config) {
            super(config, ModernBertFamily.INSTANCE);
            model = register("model", new ModernBertModel(config));
            head = register("head", new ModernBertPredictionHead(config));
            drop = register("drop", new Dropout(config.classifierDropout()));
            classifier = register("classifier", linear(config.hiddenSize(), config.numLabels(), true, Role.FINAL_OUT));
            postInit();
        }

        public static ModernBertForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ModernBertConfig.class, ModernBertForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor h = head.forward(model.forward(in, in.startPositions() != null).lastHiddenState()); // the loss reads padding too
            return spans(classifier.forward(drop.forward(h)), in); // [B,T,C] -> [B,T,2]
        }
    }

    /**
     * {@code ModernBertForMaskedLM}: {@code head}, then the {@code decoder} C → V whose weight is
     * {@code model.embeddings.tok_embeddings.weight} (stored once) and whose bias is its own ({@code decoder.bias},
     * when decoder_bias). With sparse_prediction and labels, logits are computed only where the label is not
     * sparse_pred_ignore_index: [M,V] instead of [B,T,V].
     */
    public static final class ModernBertForMaskedLM extends MaskedLMModel<ModernBertConfig> {
        public final ModernBertModel model;
        public final ModernBertPredictionHead head;
        public final Linear decoder;

        public ModernBertForMaskedLM(ModernBertConfig config) {
            super(config, ModernBertFamily.INSTANCE);
            model = register("model", new ModernBertModel(config));
            head = register("head", new ModernBertPredictionHead(config));
            Parameter bias = null;
            if (config.decoderBias()) {
                bias = Parameter.empty(config.vocabSize());
                if (!Init.skipping()) {
                    Init.zeros(bias);
                }
            }
            decoder = register("decoder", Linear.tied(model.embeddings.tokEmbeddings.weight, bias));
            postInit();
        }

        public static ModernBertForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static ModernBertForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ModernBertConfig.class, ModernBertForMaskedLM::new);
        }

        /** → logits [B,T,V] (or [M,V], see the class comment), and the masked-LM loss when labels [B,T] are given. */
        @Override
        public MaskedLMOutput forward(ModelInputs in) {
            Tensor h = model.forward(in).lastHiddenState();                                  // [B,T,C]
            Tensor labels = in.labels();
            if (config.sparsePrediction() && labels != null) {
                Tensor flat = labels.reshape(-1);                                            // [B,T] -> [B*T]
                Tensor keep = torch.nonzero(flat.ne(new Scalar((long) config.sparsePredIgnoreIndex()))).flatten(); // [M]
                h = h.reshape(flat.size(0), -1).index_select(0, keep);                       // [B*T,C] -> [M,C]
                labels = flat.index_select(0, keep);                                         // [M]
            }
            return MaskedLMOutput.of(decoder.forward(head.forward(h)), labels);
        }

        @Override
        public Embedding inputEmbeddings() {
            return model.embeddings.tokEmbeddings;
        }

        @Override
        public Linear outputEmbeddings() {
            return decoder;
        }
    }
}
