package io.t4j.models.phi3;

import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.ModuleList;
import io.t4j.engine.nn.RMSNorm;
import io.t4j.models.AttentionMasks;
import io.t4j.models.ModelInputs;
import io.t4j.models.PreTrainedModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.decoder.Attention;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalLMOutput;
import io.t4j.models.decoder.CausalMask;
import io.t4j.models.decoder.CosSin;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.models.decoder.DynamicCache;
import io.t4j.models.decoder.DynamicCache.LayerCache;
import io.t4j.models.decoder.LastTokenPooling;
import io.t4j.models.decoder.PositionEmbedding;
import io.t4j.models.decoder.Rope;
import io.t4j.models.decoder.RopeUtils;
import io.t4j.models.decoder.RotaryEmbedding;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The Phi-3 forward path, ported from transformers/models/phi3/modeling_phi3.py (v4.46.1): Llama's block with fused
 * {@code qkv_proj} and {@code gate_up_proj}, residual dropouts, and LongRoPE (Phi-3.5). Attribute names are the
 * checkpoint keys. Shapes: B batch, T new tokens, S keys (cached + new), C hidden, H query heads, Hkv key/value
 * heads, D head dim, I intermediate, V vocab.
 */
public final class Phi3Modeling {
    private Phi3Modeling() {}

    /**
     * {@code Phi3LongRoPEScaledRotaryEmbedding}: {@code inv_freq = 1 / (ext * theta^(2i/D))} with
     * {@code ext = long_factor} when {@code max(position_ids) + 1 > original_max_position_embeddings} (over the whole
     * batch) else {@code short_factor}; cos and sin are multiplied by
     * {@code sqrt(1 + ln(max_pos / orig_max) / ln(orig_max))} (1 when max_pos <= orig_max), for both factor sets.
     */
    public static final class Phi3LongRoPEScaledRotaryEmbedding extends Module implements PositionEmbedding {
        private final Tensor shortInvFreq;
        private final Tensor longInvFreq;
        private final long originalMaxPositionEmbeddings;
        private final double scalingFactor;

        public Phi3LongRoPEScaledRotaryEmbedding(Phi3Config c) {
            shortInvFreq = invFreq(c.ropeScaling().shortFactor(), c);
            longInvFreq = invFreq(c.ropeScaling().longFactor(), c);
            shortInvFreq.retainReference(); // buffers: live as long as the model
            longInvFreq.retainReference();
            originalMaxPositionEmbeddings = c.originalMaxPositionEmbeddings();
            double scale = (double) c.maxPositionEmbeddings() / c.originalMaxPositionEmbeddings();
            scalingFactor = scale <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(scale) / Math.log(c.originalMaxPositionEmbeddings()));
        }

        private static Tensor invFreq(List<Double> factors, Phi3Config c) {
            float[] ext = new float[factors.size()];
            for (int i = 0; i < ext.length; i++) {
                ext[i] = factors.get(i).floatValue();
            }
            Tensor base = torch.pow(new Scalar(c.ropeTheta()), RopeUtils.exponents(c.headDim())); // theta^(2i/D), [D/2]
            return io.t4j.engine.Tensors.fromFloats(ext, ext.length).mul(base).reciprocal();
        }

        public double scalingFactor() {
            return scalingFactor;
        }

        /** Whether positions up to {@code maxPosition} use the long factors. */
        public boolean usesLongFactors(long maxPosition) {
            return maxPosition + 1 > originalMaxPositionEmbeddings;
        }

        @Override
        public CosSin forward(Tensor x, Tensor positionIds) {
            Tensor invFreq = usesLongFactors(positionIds.max().item_long()) ? longInvFreq : shortInvFreq;
            return RotaryEmbedding.cosSin(invFreq, positionIds, scalingFactor, x.scalar_type().intern());
        }
    }

    /** {@code Phi3Attention}: fused qkv_proj (rows q, k, v), RoPE, the KV cache, grouped-query SDPA, o_proj. */
    public static final class Phi3Attention extends Module {
        public final Linear oProj;
        public final Linear qkvProj;
        private final long numHeads;
        private final long numKeyValueHeads;
        private final long headDim;
        private final double attentionDropout;

        public Phi3Attention(Phi3Config c) {
            numHeads = c.numAttentionHeads();
            numKeyValueHeads = c.numKeyValueHeads();
            headDim = c.headDim();
            attentionDropout = c.attentionDropout();
            oProj = register("o_proj", new Linear(numHeads * headDim, c.hiddenSize(), false));
            qkvProj = register("qkv_proj", new Linear(c.hiddenSize(), (numHeads + 2 * numKeyValueHeads) * headDim, false));
        }

        /** x [B,T,C], mask, cos/sin [B,T,D], the layer's cache or null → [B,T,C] */
        public Tensor forward(Tensor x, CausalMask mask, CosSin rope, LayerCache cache) {
            long b = x.size(0);
            long t = x.size(1);
            Tensor qkv = qkvProj.forward(x);                                                  // [B,T,(H+2Hkv)*D]
            long qPos = numHeads * headDim;
            long kvSize = numKeyValueHeads * headDim;
            Tensor q = qkv.narrow(-1, 0, qPos).view(b, t, numHeads, headDim).transpose(1, 2);              // [B,T,H*D] -> [B,H,T,D]
            Tensor k = qkv.narrow(-1, qPos, kvSize).view(b, t, numKeyValueHeads, headDim).transpose(1, 2); // [B,T,Hkv*D] -> [B,Hkv,T,D]
            Tensor v = qkv.narrow(-1, qPos + kvSize, kvSize)
                    .view(b, t, numKeyValueHeads, headDim).transpose(1, 2);                           // [B,T,Hkv*D] -> [B,Hkv,T,D]
            Rope.QueryKey qk = Rope.applyRotaryPosEmb(q, k, rope);
            k = qk.key();
            if (cache != null) {
                DynamicCache.KeyValue kv = cache.update(k, v);                                 // [B,Hkv,S,D]
                k = kv.keys();
                v = kv.values();
            }
            Tensor y = Attention.scaledDotProduct(qk.query(), k, v, mask, numHeads / numKeyValueHeads,
                    isTraining() ? attentionDropout : 0.0);                                        // [B,H,T,D]
            return oProj.forward(y.transpose(1, 2).reshape(b, t, numHeads * headDim));           // [B,H,T,D] -> [B,T,H*D]
        }
    }

    /** {@code Phi3MLP}: fused gate_up_proj (rows gate, up), {@code down_proj(up * act(gate))}. */
    public static final class Phi3MLP extends Module {
        public final Linear gateUpProj;
        public final Linear downProj;
        private final UnaryOperator<Tensor> act;

        public Phi3MLP(Phi3Config c) {
            gateUpProj = register("gate_up_proj", new Linear(c.hiddenSize(), 2L * c.intermediateSize(), false));
            downProj = register("down_proj", new Linear(c.intermediateSize(), c.hiddenSize(), false));
            act = Activations.get(c.hiddenAct());
        }

        /** [B,T,C] → [B,T,2I] → [B,T,C] */
        public Tensor forward(Tensor x) {
            TensorVector gateUp = gateUpProj.forward(x).chunk(2, -1); // [B,T,2I] -> 2 x [B,T,I]
            return downProj.forward(gateUp.get(1).mul(act.apply(gateUp.get(0))));
        }
    }

    /** {@code Phi3DecoderLayer}: pre-norm attention and MLP, each with a residual dropout. */
    public static final class Phi3DecoderLayer extends Module {
        public final RMSNorm inputLayernorm;
        public final Phi3Attention selfAttn;
        public final Dropout residAttnDropout;
        public final RMSNorm postAttentionLayernorm;
        public final Phi3MLP mlp;
        public final Dropout residMlpDropout;

        public Phi3DecoderLayer(Phi3Config c) {
            inputLayernorm = register("input_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
            selfAttn = register("self_attn", new Phi3Attention(c));
            residAttnDropout = register("resid_attn_dropout", new Dropout(c.residPdrop()));
            postAttentionLayernorm = register("post_attention_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
            mlp = register("mlp", new Phi3MLP(c));
            residMlpDropout = register("resid_mlp_dropout", new Dropout(c.residPdrop()));
        }

        /** x [B,T,C] → [B,T,C] */
        public Tensor forward(Tensor x, CausalMask mask, CosSin rope, LayerCache cache) {
            Tensor h = x.add(residAttnDropout.forward(selfAttn.forward(inputLayernorm.forward(x), mask, rope, cache)));
            return h.add(residMlpDropout.forward(mlp.forward(postAttentionLayernorm.forward(h))));
        }
    }

    /** {@code Phi3Model}: token embeddings (with dropout), the decoder layers and the final RMSNorm. */
    public static final class Phi3Model extends PreTrainedModel<Phi3Config> {
        public final Embedding embedTokens;
        public final Dropout embedDropout;
        public final ModuleList<Phi3DecoderLayer> layers;
        public final RMSNorm norm;
        /** Phi3RotaryEmbedding (plain RoPE) or Phi3LongRoPEScaledRotaryEmbedding; HF builds one per attention layer. */
        public final PositionEmbedding rotaryEmb;

        public Phi3Model(Phi3Config config) {
            super(config, Phi3Family.INSTANCE);
            embedTokens = register("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize(),
                    config.padTokenId() == null ? -1 : config.padTokenId()));
            embedDropout = register("embed_dropout", new Dropout(config.embdPdrop()));
            layers = register("layers", new ModuleList<>(config.numHiddenLayers(), i -> new Phi3DecoderLayer(config)));
            norm = register("norm", new RMSNorm(config.hiddenSize(), config.rmsNormEps()));
            rotaryEmb = config.ropeScaling() == null
                    ? register("rotary_emb", new RotaryEmbedding(config))
                    : register("rotary_emb", new Phi3LongRoPEScaledRotaryEmbedding(config));
            postInit();
        }

        public static Phi3Model fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, Phi3Config.class, Phi3Model::new);
        }

        /** input_ids [B,T], attention_mask [B,S] or null, position_ids or null, cache or null → [B,T,C] (after the norm). */
        public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor positionIds, DynamicCache cache) {
            AttentionMasks.checkIds(inputIds, config.vocabSize(), "input_ids", "vocab_size");
            long past = cache == null ? 0 : cache.seqLength();
            long t = inputIds.size(1);
            Tensor pos = positionIds != null ? positionIds : CausalLMInputs.defaultPositionIds(past, t);
            Tensor h = embedDropout.forward(embedTokens.forward(inputIds));
            CausalMask mask = CausalMask.of(attentionMask, past, t, config.slidingWindow());
            CosSin rope = rotaryEmb.forward(h, pos);
            for (int i = 0; i < layers.size(); i++) {
                h = layers.get(i).forward(h, mask, rope, cache == null ? null : cache.layer(i));
            }
            return norm.forward(h);
        }
    }

    /** {@code Phi3ForCausalLM}: Phi3Model and {@code lm_head}; drops the cache once when LongRoPE switches factors. */
    public static final class Phi3ForCausalLM extends PreTrainedModel<Phi3Config> implements CausalLM {
        public final Phi3Model model;
        public final Linear lmHead;

        public Phi3ForCausalLM(Phi3Config config) {
            super(config, Phi3Family.INSTANCE);
            model = register("model", new Phi3Model(config));
            lmHead = register("lm_head", config.tieWordEmbeddings()
                    ? Linear.tied(model.embedTokens.weight, null)
                    : new Linear(config.hiddenSize(), config.vocabSize(), false));
            postInit();
        }

        public static Phi3ForCausalLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static Phi3ForCausalLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, Phi3Config.class, Phi3ForCausalLM::new);
        }

        /** → logits [B,T,V] (or the last logitsToKeep positions), loss when labels are given. */
        @Override
        public CausalLMOutput forward(CausalLMInputs in) {
            Tensor h = model.forward(in.inputIds(), in.attentionMask(), in.positionIds(), in.pastKeyValues());
            if (in.logitsToKeep() > 0) {
                h = h.narrow(1, h.size(1) - in.logitsToKeep(), in.logitsToKeep()); // [B,T,C] -> [B,k,C]
            }
            Tensor logits = lmHead.forward(h);
            Tensor loss = in.labels() == null ? null : CausalLMOutput.causalLmLoss(logits, in.labels());
            return new CausalLMOutput(loss, logits, in.pastKeyValues());
        }

        /**
         * HF's {@code Phi3ForCausalLM.prepare_inputs_for_generation}: with rope_scaling, the first time the sequence
         * reaches original_max_position_embeddings + 1 tokens while the cache holds at most
         * original_max_position_embeddings, the cache (built with the short factors) is dropped and everything is
         * re-encoded with the long factors.
         */
        @Override
        public boolean dropsCacheBeforeStep(long sequenceLength, long pastLength) {
            long orig = config.originalMaxPositionEmbeddings();
            return config.ropeScaling() != null && sequenceLength >= orig + 1 && pastLength <= orig;
        }

        @Override
        public DecoderConfig decoderConfig() {
            return config;
        }
    }

    /**
     * {@code Phi3ForSequenceClassification}: Phi3Model and {@code score} C → num_labels (no bias), read at each row's
     * last token before the first pad ({@link LastTokenPooling}, HF 4.46's rule); the loss of HF's problem type.
     * Copied from io.t4j.models.llama.LlamaModeling.LlamaForSequenceClassification with Llama->Phi3
     */
    public static final class Phi3ForSequenceClassification extends SequenceClassificationModel<Phi3Config> {
        public final Phi3Model model;
        public final Linear score;

        public Phi3ForSequenceClassification(Phi3Config config) {
            super(config, Phi3Family.INSTANCE);
            model = register("model", new Phi3Model(config));
            score = register("score", new Linear(config.hiddenSize(), config.numLabels(), false));
            postInit();
        }

        public static Phi3ForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, Phi3Config.class, Phi3ForSequenceClassification::new);
        }

        /** input_ids, attention_mask [B,T] → logits [B, num_labels] (score is linear: pooling before it equals HF's after). */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor h = model.forward(in.inputIds(), in.attentionMask(), null, null);           // [B,T,C]
            Tensor pooled = LastTokenPooling.pool(h, in.inputIds(), config.padTokenId());      // [B,C]
            return SequenceClassifierOutput.of(score.forward(pooled), in.labels(), config);
        }
    }
}
