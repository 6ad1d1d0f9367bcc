package io.t4j.models.llama;

import io.t4j.engine.nn.Activations;
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
import io.t4j.models.decoder.Rope;
import io.t4j.models.decoder.RotaryEmbedding;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * The Llama forward path, ported from transformers/models/llama/modeling_llama.py (v4.46.1). Attribute names are
 * the checkpoint keys ({@code model.layers.0.self_attn.q_proj.weight}). Shapes: B batch, T new tokens, S keys
 * (cached + new), C hidden, H query heads, Hkv key/value heads, D head dim, I intermediate, V vocab.
 * Attention is {@code scaled_dot_product_attention} with a boolean causal/padding mask (HF's "sdpa").
 */
public final class LlamaModeling {
    private LlamaModeling() {}

    /** {@code LlamaAttention}: q/k/v projections, RoPE, the KV cache, grouped-query SDPA, o_proj. */
    public static final class LlamaAttention extends Module {
        public final Linear qProj;
        public final Linear kProj;
        public final Linear vProj;
        public final Linear oProj;
        private final long numHeads;
        private final long numKeyValueHeads;
        private final long headDim;
        private final double attentionDropout;

        public LlamaAttention(LlamaConfig c) {
            numHeads = c.numAttentionHeads();
            numKeyValueHeads = c.numKeyValueHeads();
            headDim = c.headDim();
            attentionDropout = c.attentionDropout();
            qProj = register("q_proj", new Linear(c.hiddenSize(), numHeads * headDim, c.attentionBias()));
            kProj = register("k_proj", new Linear(c.hiddenSize(), numKeyValueHeads * headDim, c.attentionBias()));
            vProj = register("v_proj", new Linear(c.hiddenSize(), numKeyValueHeads * headDim, c.attentionBias()));
            oProj = register("o_proj", new Linear(numHeads * headDim, c.hiddenSize(), c.attentionBias()));
        }

        /** x [B,T,C], mask, cos/sin [B,T,D], the layer's cache or null → [B,T,C] */
        public Tensor forward(Tensor x, CausalMask mask, CosSin rope, LayerCache cache) {
            long b = x.size(0);
            long t = x.size(1);
            Tensor q = qProj.forward(x).view(b, t, numHeads, headDim).transpose(1, 2);         // [B,T,H*D] -> [B,T,H,D] -> [B,H,T,D]
            Tensor k = kProj.forward(x).view(b, t, numKeyValueHeads, headDim).transpose(1, 2); // [B,T,Hkv*D] -> [B,Hkv,T,D]
            Tensor v = vProj.forward(x).view(b, t, numKeyValueHeads, headDim).transpose(1, 2); // [B,T,Hkv*D] -> [B,Hkv,T,D]
            Rope.QueryKey qk = Rope.applyRotaryPosEmb(q, k, rope);
            k = qk.key();
            if (cache != null) {
                DynamicCache.KeyValue kv = cache.update(k, v);                                   // [B,Hkv,S,D]
                k = kv.keys();
                v = kv.values();
            }
            Tensor y = Attention.scaledDotProduct(qk.query(), k, v, mask, numHeads / numKeyValueHeads,
                    isTraining() ? attentionDropout : 0.0);                                          // [B,H,T,D]
            return oProj.forward(y.transpose(1, 2).reshape(b, t, numHeads * headDim));             // [B,H,T,D] -> [B,T,H,D] -> [B,T,H*D]
        }
    }

    /** {@code LlamaMLP}: SwiGLU, {@code down_proj(act(gate_proj(x)) * up_proj(x))}. */
    public static final class LlamaMLP extends Module {
        public final Linear gateProj;
        public final Linear upProj;
        public final Linear downProj;
        private final UnaryOperator<Tensor> act;

        public LlamaMLP(LlamaConfig c) {
            gateProj = register("gate_proj", new Linear(c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
            upProj = register("up_proj", new Linear(c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
            downProj = register("down_proj", new Linear(c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
            act = Activations.get(c.hiddenAct());
        }

        /** [B,T,C] → [B,T,I] → [B,T,C] */
        public Tensor forward(Tensor x) {
            return downProj.forward(act.apply(gateProj.forward(x)).mul(upProj.forward(x)));
        }
    }

    /** {@code LlamaDecoderLayer}: pre-norm attention and pre-norm MLP, each with a residual. */
    public static final class LlamaDecoderLayer extends Module {
        public final LlamaAttention selfAttn;
        public final LlamaMLP mlp;
        public final RMSNorm inputLayernorm;
        public final RMSNorm postAttentionLayernorm;

        public LlamaDecoderLayer(LlamaConfig c) {
            selfAttn = register("self_attn", new LlamaAttention(c));
            mlp = register("mlp", new LlamaMLP(c));
            inputLayernorm = register("input_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
            postAttentionLayernorm = register("post_attention_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
        }

        /** x [B,T,C] → [B,T,C] */
        public Tensor forward(Tensor x, CausalMask mask, CosSin rope, LayerCache cache) {
            Tensor h = x.add(selfAttn.forward(inputLayernorm.forward(x), mask, rope, cache));
            return h.add(mlp.forward(postAttentionLayernorm.forward(h)));
        }
    }

    /** {@code LlamaModel}: token embeddings, the decoder layers and the final RMSNorm. */
    public static final class LlamaModel extends PreTrainedModel<LlamaConfig> {
        public final Embedding embedTokens;
        public final ModuleList<LlamaDecoderLayer> layers;
        public final RMSNorm norm;
        public final RotaryEmbedding rotaryEmb;

        public LlamaModel(LlamaConfig config) {
            super(config, LlamaFamily.INSTANCE);
            embedTokens = register("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize(),
                    config.padTokenId() == null ? -1 : config.padTokenId()));
            layers = register("layers", new ModuleList<>(config.numHiddenLayers(), i -> new LlamaDecoderLayer(config)));
            norm = register("norm", new RMSNorm(config.hiddenSize(), config.rmsNormEps()));
            rotaryEmb = register("rotary_emb", new RotaryEmbedding(config));
            postInit();
        }

        public static LlamaModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, LlamaConfig.class, LlamaModel::new);
        }

        /**
         * input_ids [B,T], attention_mask [B,S] or null, position_ids [B,T] or null, cache or null →
         * last_hidden_state [B,T,C] (after the final norm).
         */
        public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor positionIds, DynamicCache cache) {
            AttentionMasks.checkIds(inputIds, config.vocabSize(), "input_ids", "vocab_size");
            long past = cache == null ? 0 : cache.seqLength();
            long t = inputIds.size(1);
            Tensor pos = positionIds != null ? positionIds : CausalLMInputs.defaultPositionIds(past, t);
            Tensor h = embedTokens.forward(inputIds);
            CausalMask mask = CausalMask.of(attentionMask, past, t);
            CosSin rope = rotaryEmb.forward(h, pos);
            for (int i = 0; i < layers.size(); i++) {
                h = layers.get(i).forward(h, mask, rope, cache == null ? null : cache.layer(i));
            }
            return norm.forward(h);
        }
    }

    /** {@code LlamaForCausalLM}: LlamaModel and {@code lm_head} (tied to embed_tokens when tie_word_embeddings). */
    public static final class LlamaForCausalLM extends PreTrainedModel<LlamaConfig> implements CausalLM {
        public final LlamaModel model;
        public final Linear lmHead;

        public LlamaForCausalLM(LlamaConfig config) {
            super(config, LlamaFamily.INSTANCE);
            model = register("model", new LlamaModel(config));
            lmHead = register("lm_head", config.tieWordEmbeddings()
                    ? Linear.tied(model.embedTokens.weight, null)
                    : new Linear(config.hiddenSize(), config.vocabSize(), false));
            postInit();
        }

        public static LlamaForCausalLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static LlamaForCausalLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, LlamaConfig.class, LlamaForCausalLM::new);
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

        @Override
        public DecoderConfig decoderConfig() {
            return config;
        }
    }

    /**
     * {@code LlamaForSequenceClassification}: LlamaModel and {@code score} C → num_labels (no bias), read at each row's
     * last token before the first pad ({@link LastTokenPooling}, HF 4.46's rule); the loss of HF's problem type.
     */
    public static final class LlamaForSequenceClassification extends SequenceClassificationModel<LlamaConfig> {
        public final LlamaModel model;
        public final Linear score;

        public LlamaForSequenceClassification(LlamaConfig config) {
            super(config, LlamaFamily.INSTANCE);
            model = register("model", new LlamaModel(config));
            score = register("score", new Linear(config.hiddenSize(), config.numLabels(), false));
            postInit();
        }

        public static LlamaForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, LlamaConfig.class, LlamaForSequenceClassification::new);
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
