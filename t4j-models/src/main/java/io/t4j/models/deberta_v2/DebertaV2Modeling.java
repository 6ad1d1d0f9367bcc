package io.t4j.models.deberta_v2;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.ActivationCheckpoint;
import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Conv1d;
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
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.ProblemType;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.Unpadding;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The DeBERTa-v2/v3 forward path, ported from transformers/models/deberta_v2/modeling_deberta_v2.py (v4.46.1):
 * disentangled self-attention (content-to-content plus the content-to-position and position-to-content terms over
 * log-bucketed relative positions), embeddings without absolute positions when {@code position_biased_input} is
 * false and multiplied by the attention mask, masking on both the query and the key side (XSoftmax), the optional
 * ConvLayer after the first layer, the ContextPooler and every task head of that file but multiple choice.
 *
 * <p>As the other encoders, the layers run on the batch's real tokens [N,C] ({@link Unpadding}); attention re-pads
 * q/k/v to [B,T] because the relative terms are functions of (query, key) positions. Real positions match HF;
 * padding positions of last_hidden_state are 0 where HF computes values nothing reads. A batch without padding, or
 * a left-padded one, runs HF's dense computation, padding rows included.
 *
 * <p>Shapes: B batch, T tokens, N real tokens, C hidden, E embedding size, H heads, D head dim, I intermediate,
 * V vocab, S the relative span ({@code pos_ebd_size}: position_buckets, or max_relative_positions).
 */
public final class DebertaV2Modeling {
    private DebertaV2Modeling() {}

    /**
     * {@code DebertaV2Embeddings}: word embeddings (+ absolute positions when position_biased_input, + token types when
     * type_vocab_size &gt; 0), {@code embed_proj} E → C when embedding_size differs, LayerNorm, times the attention mask.
     */
    public static final class DebertaV2Embeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final Embedding tokenTypeEmbeddings;
        public final Linear embedProj;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public DebertaV2Embeddings(DebertaV2Config c) {
            wordEmbeddings = register("word_embeddings", new Embedding(c.vocabSize(), c.embeddingSize(), c.padTokenId()));
            positionEmbeddings = c.positionBiasedInput()
                    ? register("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.embeddingSize())) : null;
            tokenTypeEmbeddings = c.typeVocabSize() > 0
                    ? register("token_type_embeddings", new Embedding(c.typeVocabSize(), c.embeddingSize())) : null;
            embedProj = c.embeddingSize().equals(c.hiddenSize())
                    ? null : register("embed_proj", new Linear(c.embeddingSize(), c.hiddenSize(), false));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        /** input_ids [B,T], token_type_ids [B,T] or null (zeros), attention_mask [B,T] or null → [B,T,C] */
        public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
            Tensor x = wordEmbeddings.forward(inputIds);                                   // [B,T,E]
            if (positionEmbeddings != null) {
                Tensor positionIds = torch.arange(new Scalar(inputIds.size(1)), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,T]
                x = x.add(positionEmbeddings.forward(positionIds));
            }
            if (tokenTypeEmbeddings != null) {
                x = x.add(tokenTypeEmbeddings.forward(tokenTypeIds != null ? tokenTypeIds : torch.zeros_like(inputIds)));
            }
            if (embedProj != null) {
                x = embedProj.forward(x);                                                  // [B,T,E] -> [B,T,C]
            }
            x = layerNorm.forward(x);
            if (attentionMask != null) {
                x = x.mul(attentionMask.unsqueeze(2).to(x.scalar_type().intern()));       // [B,T] -> [B,T,1]
            }
            return dropout.forward(x);
        }
    }

    /**
     * {@code DisentangledSelfAttention}: scores {@code q·k / s + q·pos_key[c] / s + k·pos_query[c] / s} with
     * {@code s = sqrt(D * (1 + len(pos_att_type)))} and {@code c = clamp(δ(q,k) + S, 0, 2S-1)}; with share_att_key
     * the position projections are the layer's own query_proj and key_proj.
     */
    public static final class DisentangledSelfAttention extends Module {
        public final Linear queryProj;
        public final Linear keyProj;
        public final Linear valueProj;
        public final Linear posKeyProj;
        public final Linear posQueryProj;
        public final Dropout posDropout;
        private final long numHeads;
        private final long headDim;
        private final boolean relativeAttention;
        private final boolean c2p;
        private final boolean p2c;
        private final boolean shareAttKey;
        private final long posEbdSize;
        private final double dropoutP;

        public DisentangledSelfAttention(DebertaV2Config c) {
            long allHeadSize = (long) c.numAttentionHeads() * c.attentionHeadSize();
            queryProj = register("query_proj", new Linear(c.hiddenSize(), allHeadSize));
            keyProj = register("key_proj", new Linear(c.hiddenSize(), allHeadSize));
            valueProj = register("value_proj", new Linear(c.hiddenSize(), allHeadSize));
            numHeads = c.numAttentionHeads();
            headDim = c.attentionHeadSize();
            relativeAttention = c.relativeAttention();
            c2p = c.posAttType().contains("c2p");
            p2c = c.posAttType().contains("p2c");
            shareAttKey = c.shareAttKey();
            posEbdSize = c.posEbdSize();
            boolean separate = relativeAttention && !shareAttKey;
            posKeyProj = separate && c2p ? register("pos_key_proj", new Linear(c.hiddenSize(), allHeadSize)) : null;
            posQueryProj = separate && p2c ? register("pos_query_proj", new Linear(c.hiddenSize(), allHeadSize)) : null;
            posDropout = relativeAttention ? register("pos_dropout", new Dropout(c.hiddenDropoutProb())) : null;
            dropoutP = c.attentionProbsDropoutProb();
        }

        /**
         * x [N,C] (the batch's real tokens), u its padding, mask the XSoftmax mask ([B,1,1,T] or [B,1,T,T], true =
         * attend; null = none), relativePos δ [T,T], relEmbeddings [2S,C] → context [N,C].
         *
         * <p>The scale is applied to q (and k for p2c) before the products rather than to the [B,H,T,T] scores (HF
         * divides k^T, c2p and p2c): equal up to float rounding, three passes over the score grid fewer. In fp32
         * without dropout (inference) the relative terms become SDPA's additive mask, as {@link
         * io.t4j.models.EncoderAttention} chooses for the other encoders; {@code -Dt4j.attention=eager|sdpa} forces
         * a form.
         */
        public Tensor forward(Tensor x, Unpadding u, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
            Tensor[] qkv = queryProj.forwardWith(x, keyProj, valueProj);                     // one GEMM when frozen
            Tensor q = u.padHeads(qkv[0], numHeads);                                        // [N,C] -> [B,H,T,D]
            Tensor k = u.padHeads(qkv[1], numHeads);                                        // [N,C] -> [B,H,T,D]
            Tensor v = u.padHeads(qkv[2], numHeads);                                        // [N,C] -> [B,H,T,D]
            int scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
            Scalar scale = new Scalar((float) Math.sqrt((float) headDim * scaleFactor));
            Tensor qs = q.div(scale);
            Tensor bias = relativeAttention
                    ? disentangledAttentionBias(qs, k, relativePos, posDropout.forward(relEmbeddings), scale) : null; // [B,H,T,T]
            double p = isTraining() ? dropoutP : 0.0;
            Tensor context = useSdpa(q, p) ? sdpa(qs, k, v, bias, mask) : eager(qs, k, v, bias, mask, p); // [B,H,T,D]
            return u.unpadInput(context.transpose(1, 2));                                    // [B,H,T,D] -> [B,T,H,D] -> [N,C]
        }

        private static boolean useSdpa(Tensor q, double dropout) {
            ScalarType t = Tensors.scalarType(q);
            String forced = System.getProperty("t4j.attention", "auto");
            return forced.equals("sdpa") || (forced.equals("auto") && dropout == 0 && (t == ScalarType.Float || t == ScalarType.Double));
        }

        /** HF's form: scores, the relative terms, XSoftmax, dropout, times v. */
        private static Tensor eager(Tensor qs, Tensor k, Tensor v, Tensor bias, Tensor mask, double dropout) {
            Tensor scores = torch.matmul(qs, k.transpose(-1, -2));                           // k^T [B,H,D,T] -> [B,H,T,T]
            if (bias != null) {
                scores.add_(bias);
            }
            Tensor probs = Dropout.dropout(xSoftmax(scores, mask), dropout);
            return torch.matmul(probs, v);                                                   // [B,H,T,D]
        }

        /**
         * The same through {@code scaled_dot_product_attention} with the relative terms as its additive mask (finfo.min
         * on masked keys, as XSoftmax fills); a query row XSoftmax masks (padding in the dense path) gets 0, as in HF.
         */
        private static Tensor sdpa(Tensor qs, Tensor k, Tensor v, Tensor bias, Tensor mask) {
            Tensor attnMask = bias;
            if (mask != null) {
                Tensor keys = mask.size(2) == 1 ? mask : mask.any(2, true);                   // [B,1,1,T]: the key side
                attnMask = bias != null
                        ? bias.masked_fill(keys.logical_not(), new Scalar(-Float.MAX_VALUE)) : keys;
            }
            Tensor y = torch.scaled_dot_product_attention(qs, k, v,
                    attnMask == null ? new org.bytedeco.pytorch.TensorOptional() : new org.bytedeco.pytorch.TensorOptional(attnMask),
                    0.0, false, new org.bytedeco.pytorch.DoubleOptional(1.0), false);       // [B,H,T,D]
            if (mask != null && mask.size(2) != 1) {
                y = y.mul(mask.any(-1, true).to(Tensors.scalarType(y)));                    // [B,1,T,1]: queries that attend
            }
            return y;
        }

        /**
         * c2p and p2c: qs = q / scale [B,H,T,D], k [B,H,T,D], δ [T,T], rel [2S,C] → [B,H,T,T], divided by {@code scale}
         * like qs. Only the R rows of rel that this grid's positions reach, S ± max|δ| (all 2S once the longest
         * distance reaches the last bucket), are projected and multiplied: the others are gathered by no (query, key)
         * pair, in HF too (their products are computed there, and get no gradient). R = 2T - 1 for T up to S/2.
         */
        Tensor disentangledAttentionBias(Tensor qs, Tensor k, Tensor relativePos, Tensor relEmbeddings, Scalar scale) {
            long span = posEbdSize;
            long reach = relativePos.abs().max().item_long();
            long lo = Math.max(0, span - reach);
            Tensor rel = relEmbeddings.narrow(0, lo, Math.min(2 * span - 1, span + reach) - lo + 1); // [R,C]
            long[] grid = {qs.size(0), numHeads, qs.size(2), k.size(2)};                    // [B,H,T,T]
            Tensor score = null;
            if (c2p) {
                Tensor posKey = relHeads((shareAttKey ? keyProj : posKeyProj).forward(rel));   // [H,R,D]
                Tensor c2pAtt = torch.matmul(qs, posKey.transpose(-1, -2));                  // [B,H,T,D] x [H,D,R] -> [B,H,T,R]
                Tensor c2pPos = clampSpan(relativePos.add(new Scalar(span)), span).sub(new Scalar(lo)); // [T,T] in [0,R)
                score = c2pAtt.gather(-1, c2pPos.expand(grid));                              // [B,H,T,T]
            }
            if (p2c) {
                Tensor posQuery = relHeads((shareAttKey ? queryProj : posQueryProj).forward(rel)); // [H,R,D]
                Tensor p2cAtt = torch.matmul(k.div(scale), posQuery.transpose(-1, -2));      // [B,H,T(key),R]
                Tensor p2cPos = clampSpan(relativePos.neg().add(new Scalar(span)), span).sub(new Scalar(lo)); // [Tk,Tq]
                Tensor t = p2cAtt.gather(-1, p2cPos.expand(grid)).transpose(-1, -2);         // [B,H,Tk,Tq] -> [B,H,Tq,Tk]
                score = score == null ? t : score.add_(t);
            }
            return score;
        }

        /** {@code torch.clamp(x, 0, 2S - 1)} */
        private static Tensor clampSpan(Tensor x, long span) {
            return x.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0L)),
                    new org.bytedeco.pytorch.ScalarOptional(new Scalar(2 * span - 1)));
        }

        /** Projected relative embeddings per head: [R,H*D] → [H,R,D]. */
        private Tensor relHeads(Tensor x) {
            return x.view(x.size(0), numHeads, headDim).transpose(0, 1); // [R,H*D] -> [R,H,D] -> [H,R,D]
        }
    }

    /**
     * HF's {@code XSoftmax}: masked scores set to finfo.min, softmax over keys (in float32), masked probabilities set
     * to 0, so a query row whose mask is all false attends to nothing. scores [B,H,T,T], mask broadcastable or null.
     */
    public static Tensor xSoftmax(Tensor scores, Tensor mask) {
        ScalarType dtype = Tensors.scalarType(scores);
        Tensor s = scores.to(ScalarType.Float);
        if (mask == null) {
            return s.softmax(-1).to(dtype);
        }
        Tensor rmask = mask.logical_not();
        Tensor probs = s.masked_fill(rmask, new Scalar(-Float.MAX_VALUE)).softmax(-1);
        if (mask.size(2) == 1) { // key side only: every row keeps a key, masked ones are already exactly 0
            return probs.to(dtype);
        }
        return probs.masked_fill(rmask, new Scalar(0.0)).to(dtype);
    }

    /** {@code DebertaV2SelfOutput}: dense, dropout, residual LayerNorm. */
    public static final class DebertaV2SelfOutput extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public DebertaV2SelfOutput(DebertaV2Config c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        public Tensor forward(Tensor hidden, Tensor input) {
            return layerNorm.forward(dropout.forward(dense.forward(hidden)).add(input));
        }
    }

    /** {@code DebertaV2Attention}: disentangled self-attention and its output block. */
    public static final class DebertaV2Attention extends Module {
        public final DisentangledSelfAttention self;
        public final DebertaV2SelfOutput output;

        public DebertaV2Attention(DebertaV2Config c) {
            self = register("self", new DisentangledSelfAttention(c));
            output = register("output", new DebertaV2SelfOutput(c));
        }

        public Tensor forward(Tensor x, Unpadding u, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
            return output.forward(self.forward(x, u, mask, relativePos, relEmbeddings), x);
        }
    }

    /** {@code DebertaV2Intermediate}: dense C → I and hidden_act. */
    public static final class DebertaV2Intermediate extends Module {
        public final Linear dense;
        private final UnaryOperator<Tensor> act;

        public DebertaV2Intermediate(DebertaV2Config c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.intermediateSize()));
            act = Activations.get(c.hiddenAct());
        }

        public Tensor forward(Tensor x) {
            return dense.forward(x, act); // the activation fused into a packed GEMM where it can be
        }
    }

    /** {@code DebertaV2Output}: dense I → C, dropout, residual LayerNorm. */
    public static final class DebertaV2Output extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public DebertaV2Output(DebertaV2Config c) {
            dense = register("dense", new Linear(c.intermediateSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        public Tensor forward(Tensor hidden, Tensor input) {
            return layerNorm.forward(dropout.forward(dense.forward(hidden)).add(input));
        }
    }

    /** {@code DebertaV2Layer}: attention, then the feed-forward block. */
    public static final class DebertaV2Layer extends Module {
        public final DebertaV2Attention attention;
        public final DebertaV2Intermediate intermediate;
        public final DebertaV2Output output;

        public DebertaV2Layer(DebertaV2Config c) {
            attention = register("attention", new DebertaV2Attention(c));
            intermediate = register("intermediate", new DebertaV2Intermediate(c));
            output = register("output", new DebertaV2Output(c));
        }

        /** x [N,C], u the batch's padding, mask, δ [T,T], rel [2S,C] → [N,C] */
        public Tensor forward(Tensor x, Unpadding u, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
            Tensor a = attention.forward(x, u, mask, relativePos, relEmbeddings);
            return output.forward(intermediate.forward(a), a);
        }
    }

    /**
     * {@code ConvLayer} (conv_kernel_size &gt; 0, DeBERTa-v2 xlarge/xxlarge): a 1-D convolution over the embeddings
     * output, zeroed at padding, conv_act, added to the first layer's output, LayerNorm, times the mask.
     */
    public static final class ConvLayer extends Module {
        public final Conv1d conv;
        public final LayerNorm layerNorm;
        public final Dropout dropout;
        private final UnaryOperator<Tensor> convAct;

        public ConvLayer(DebertaV2Config c) {
            int k = c.convKernelSize();
            conv = register("conv", new Conv1d(c.hiddenSize(), c.hiddenSize(), k, (k - 1) / 2, c.convGroups()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
            convAct = Activations.get(c.convAct());
        }

        /** hidden [B,T,C] (embeddings output), residual [N,C] (layer 0's output), mask [B,T] or null → [N,C] */
        public Tensor forward(Tensor hidden, Tensor residual, Unpadding u, Tensor attentionMask) {
            Tensor out = conv.forward(hidden.permute(0, 2, 1).contiguous()).permute(0, 2, 1); // [B,T,C] -> [B,C,T] -> [B,T,C]
            Tensor keep = attentionMask == null ? null : u.unpadInput(attentionMask.unsqueeze(-1).to(out.scalar_type().intern())); // [N,1]
            Tensor o = u.unpadInput(out);                                                    // [B,T,C] -> [N,C]
            if (keep != null) {
                o = o.mul(keep);                                                             // HF's masked_fill(rmask, 0)
            }
            Tensor y = layerNorm.forward(residual.add(convAct.apply(dropout.forward(o))));
            return keep == null ? y : y.mul(keep);
        }
    }

    /** HF's {@code make_log_bucket_position}, computed in float32 as HF computes it: δ [T,S] (int64) → buckets [T,S]. */
    public static Tensor makeLogBucketPosition(Tensor relativePos, int bucketSize, int maxPosition) {
        long mid = bucketSize / 2;
        Tensor sign = relativePos.sign();
        Tensor near = relativePos.lt(new Scalar(mid)).logical_and(relativePos.gt(new Scalar(-mid)));
        Tensor absPos = torch.where(near, torch.full_like(relativePos, new Scalar(mid - 1)), relativePos.abs());
        Tensor logBase = torch.full(new long[] {}, new Scalar((double) (maxPosition - 1) / mid),
                new TensorOptions(ScalarType.Float)).log();                                  // torch.log(torch.tensor((max_position - 1) / mid))
        Tensor logPos = absPos.to(ScalarType.Float).div(new Scalar(mid)).log().div(logBase)
                .mul(new Scalar(mid - 1)).ceil().add(new Scalar(mid));
        Tensor bucketPos = torch.where(absPos.le(new Scalar(mid)), relativePos.to(ScalarType.Float), logPos.mul(sign));
        return bucketPos.to(ScalarType.Long);
    }

    /** HF's {@code build_relative_position}: δ(q, k) = q - k, log-bucketed when both sizes are positive → [Q,K] int64. */
    public static Tensor buildRelativePosition(long querySize, long keySize, int bucketSize, int maxPosition) {
        TensorOptions longs = new TensorOptions(ScalarType.Long);
        Tensor q = torch.arange(new Scalar(querySize), longs).unsqueeze(1);                   // [Q,1]
        Tensor k = torch.arange(new Scalar(keySize), longs).unsqueeze(0);                     // [1,K]
        Tensor rel = q.sub(k);                                                                // [Q,K]
        return bucketSize > 0 && maxPosition > 0 ? makeLogBucketPosition(rel, bucketSize, maxPosition) : rel;
    }

    /** {@code DebertaV2Encoder}: the layers, the relative embeddings (LayerNorm-ed when norm_rel_ebd says so), the ConvLayer. */
    public static final class DebertaV2Encoder extends Module implements GradientCheckpointable {
        public final ModuleList<DebertaV2Layer> layer;
        public final Embedding relEmbeddings;
        public final LayerNorm layerNorm;
        public final ConvLayer conv;
        private final boolean relativeAttention;
        private final int positionBuckets;
        private final int maxRelativePositions;
        private boolean gradientCheckpointing;

        public DebertaV2Encoder(DebertaV2Config c) {
            layer = register("layer", new ModuleList<>(c.numHiddenLayers(), i -> new DebertaV2Layer(c)));
            relativeAttention = c.relativeAttention();
            positionBuckets = c.positionBuckets();
            maxRelativePositions = c.maxRelativePositionsResolved();
            relEmbeddings = relativeAttention ? register("rel_embeddings", new Embedding(2L * c.posEbdSize(), c.hiddenSize())) : null;
            layerNorm = c.normRelEmbeddings() ? register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps())) : null;
            conv = c.convKernelSize() > 0 ? register("conv", new ConvLayer(c)) : null;
        }

        @Override
        public void gradientCheckpointing(boolean enable) {
            gradientCheckpointing = enable;
        }

        @Override
        public boolean gradientCheckpointing() {
            return gradientCheckpointing;
        }

        /** HF's {@code get_rel_embedding}: rel_embeddings.weight, LayerNorm-ed when norm_rel_ebd has layer_norm; null without relative attention. */
        public Tensor relEmbedding() {
            if (!relativeAttention) {
                return null;
            }
            Tensor rel = relEmbeddings.weight.data();                                          // [2S,C]
            return layerNorm != null ? layerNorm.forward(rel) : rel;
        }

        /** HF's {@code get_rel_pos}: δ [T,T] for a sequence of T tokens, null without relative attention. */
        public Tensor relativePositions(long seqLen) {
            return relativeAttention ? buildRelativePosition(seqLen, seqLen, positionBuckets, maxRelativePositions) : null;
        }

        /** x [B,T,C] (embeddings output), u the padding, attention_mask [B,T] or null → [B,T,C] (zeros at skipped padding) */
        public Tensor forward(Tensor x, Unpadding u, Tensor attentionMask) {
            Tensor mask = attentionMask(attentionMask, u);
            Tensor relativePos = relativePositions(x.size(1));
            Tensor rel = gradientCheckpointing && isTraining() ? null : relEmbedding();
            Tensor h = u.unpadInput(x);
            for (int i = 0; i < layer.size(); i++) {
                DebertaV2Layer l = layer.get(i);
                h = gradientCheckpointing && isTraining() // recomputed in backward, rel too: a recompute's backward frees what it reads
                        ? ActivationCheckpoint.checkpoint(y -> l.forward(y, u, mask, relativePos, relEmbedding()), h)
                        : l.forward(h, u, mask, relativePos, rel);
                if (i == 0 && conv != null) {
                    h = conv.forward(x, h, u, attentionMask);
                }
            }
            return u.padInput(h);
        }

        /**
         * HF's {@code get_attention_mask} ({@code mask_q * mask_k}, [B,1,T,T]) as XSoftmax uses it; null when nothing is
         * padded. When the layers skip padding, padded query rows are never read, so the key side alone suffices.
         */
        static Tensor attentionMask(Tensor attentionMask, Unpadding u) {
            if (attentionMask == null || attentionMask.all().item_bool()) {
                return null;
            }
            Tensor keys = u.mask();                                                          // [B,1,1,T]
            return u.indices() != null ? keys : keys.logical_and(keys.transpose(-1, -2));    // [B,1,1,T] & [B,1,T,1] -> [B,1,T,T]
        }
    }

    /** The family's {@code _init_weights} (DebertaV2PreTrainedModel), plus torch's defaults for what it leaves alone. */
    static void initDebertaWeights(Module m, double std) {
        switch (m) {
            case Linear l when l.isTied() -> { // its weight is the word embeddings' (HF ties after init); its bias is the head's
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Linear l -> {
                Init.normal(l.weight, 0.0, std);
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Embedding e -> {
                Init.normal(e.weight, 0.0, std);
                if (e.paddingIdx() >= 0) {
                    Init.zeroRow(e.weight, e.paddingIdx());
                }
            }
            case LayerNorm n -> { // not in HF's _init_weights: torch's default
                Init.ones(n.weight);
                Init.zeros(n.bias);
            }
            case Conv1d conv -> conv.resetParameters(); // not in HF's _init_weights: torch's default
            case DebertaV2LMPredictionHead h -> Init.zeros(h.bias);
            default -> { }
        }
    }

    /** {@code DebertaV2Model}: embeddings and encoder (no pooler: the ContextPooler belongs to the heads). */
    public static final class DebertaV2Model extends EncoderModel<DebertaV2Config> {
        public final DebertaV2Embeddings embeddings;
        public final DebertaV2Encoder encoder;

        public DebertaV2Model(DebertaV2Config config) {
            super(config, DebertaV2Family.INSTANCE);
            embeddings = register("embeddings", new DebertaV2Embeddings(config));
            encoder = register("encoder", new DebertaV2Encoder(config));
            postInit();
        }

        public static DebertaV2Model fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static DebertaV2Model fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DebertaV2Config.class, DebertaV2Model::new);
        }

        /** input_ids, attention_mask, token_type_ids [B,T] → last_hidden_state [B,T,C] */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            checkInputs(in, config);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), everyPosition);
            Tensor h = embeddings.forward(in.inputIds(), in.tokenTypeIds(), in.attentionMask());
            return new BaseModelOutput(encoder.forward(h, u, in.attentionMask()), null);
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }
    }

    static void checkInputs(ModelInputs in, DebertaV2Config config) {
        if (config.positionBiasedInput()) {
            AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings());
        }
        AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
        if (in.tokenTypeIds() != null && config.typeVocabSize() > 0) {
            AttentionMasks.checkIds(in.tokenTypeIds(), config.typeVocabSize(), "token_type_ids", "type_vocab_size");
        }
    }

    /** {@code ContextPooler}: dropout, then pooler_hidden_act(dense(h[:, 0])). */
    public static final class ContextPooler extends Module {
        public final Linear dense;
        public final Dropout dropout;
        private final UnaryOperator<Tensor> act;

        public ContextPooler(DebertaV2Config c) {
            dense = register("dense", new Linear(c.poolerHiddenSize(), c.poolerHiddenSize()));
            dropout = register("dropout", new Dropout(c.poolerDropout()));
            act = Activations.get(c.poolerHiddenAct());
        }

        /** [B,T,C] → [B,C] */
        public Tensor forward(Tensor hidden) {
            return dense.forward(dropout.forward(hidden.select(1, 0)), act);
        }
    }

    /**
     * {@code DebertaV2ForSequenceClassification}: the ContextPooler over the first token, dropout ({@code cls_dropout},
     * else hidden_dropout_prob), {@code classifier}. The loss is HF's, DeBERTa's own when problem_type is unset.
     */
    public static final class DebertaV2ForSequenceClassification extends SequenceClassificationModel<DebertaV2Config> {
        public final DebertaV2Model deberta;
        public final ContextPooler pooler;
        public final Linear classifier;
        public final Dropout dropout;

        public DebertaV2ForSequenceClassification(DebertaV2Config config) {
            super(config, DebertaV2Family.INSTANCE);
            deberta = register("deberta", new DebertaV2Model(config));
            pooler = register("pooler", new ContextPooler(config));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            dropout = register("dropout", new Dropout(config.clsDropout() != null ? config.clsDropout() : config.hiddenDropoutProb()));
            postInit();
        }

        public static DebertaV2ForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DebertaV2Config.class, DebertaV2ForSequenceClassification::new);
        }

        /** → logits [B, num_labels], and the loss when labels are given. */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor pooled = pooler.forward(deberta.forward(in).lastHiddenState());
            Tensor logits = classifier.forward(dropout.forward(pooled));
            return new SequenceClassifierOutput(in.labels() == null ? null : loss(logits, in.labels(), config), logits);
        }
    }

    /**
     * DebertaV2ForSequenceClassification's loss. With problem_type set: HF's usual ones. Unset, DeBERTa's own: one label
     * → MSE; labels [B] (or [B,1]) → cross-entropy over the rows whose label is ≥ 0 (0 when none is); labels [B,K]
     * → soft-label cross-entropy {@code -(log_softmax(logits) * labels).sum(-1).mean()} (not BCE).
     */
    static Tensor loss(Tensor logits, Tensor labels, DebertaV2Config config) {
        int numLabels = config.numLabels();
        if (config.problemType() != null) {
            return ProblemType.fromConfig(config.problemType()).loss(logits, labels, numLabels);
        }
        if (numLabels == 1) {
            return torch.mse_loss(logits.view(-1).to(ScalarType.Float), labels.view(-1).to(ScalarType.Float));
        }
        if (labels.dim() == 1 || labels.size(-1) == 1) {
            Tensor flat = labels.reshape(-1).to(ScalarType.Long);                             // [B,1] -> [B]
            Tensor labelIndex = torch.nonzero(flat.ge(new Scalar(0L))).flatten();            // rows with a label
            if (labelIndex.size(0) == 0) {
                return logits.sum().mul(new Scalar(0.0));                                    // HF: torch.tensor(0)
            }
            Tensor labeled = logits.index_select(0, labelIndex).view(-1, numLabels).to(ScalarType.Float);
            return torch.cross_entropy(labeled, flat.index_select(0, labelIndex));
        }
        Tensor logSoftmax = logits.to(ScalarType.Float).log_softmax(-1);
        return logSoftmax.mul(labels.to(ScalarType.Float)).sum(new long[] {-1}).mean().neg();
    }

    /** {@code DebertaV2ForTokenClassification}: DeBERTa → dropout (hidden_dropout_prob) → {@code classifier} on every token. */
    public static final class DebertaV2ForTokenClassification extends TokenClassificationModel<DebertaV2Config> {
        public final DebertaV2Model deberta;
        public final Dropout dropout;
        public final Linear classifier;

        public DebertaV2ForTokenClassification(DebertaV2Config config) {
            super(config, DebertaV2Family.INSTANCE);
            deberta = register("deberta", new DebertaV2Model(config));
            dropout = register("dropout", new Dropout(config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static DebertaV2ForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DebertaV2Config.class, DebertaV2ForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor sequenceOutput = deberta.forward(in).lastHiddenState();
            return TokenClassifierOutput.of(classifier.forward(dropout.forward(sequenceOutput)), in.labels());
        }
    }

    /** {@code DebertaV2ForQuestionAnswering}: DeBERTa → {@code qa_outputs} C → 2 (start, end) on every token. */
    public static final class DebertaV2ForQuestionAnswering extends QuestionAnsweringModel<DebertaV2Config> {
        public final DebertaV2Model deberta;
        public final Linear qaOutputs;

        public DebertaV2ForQuestionAnswering(DebertaV2Config config) {
            super(config, DebertaV2Family.INSTANCE);
            deberta = register("deberta", new DebertaV2Model(config));
            qaOutputs = register("qa_outputs", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static DebertaV2ForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DebertaV2Config.class, DebertaV2ForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor sequenceOutput = deberta.forward(in, in.startPositions() != null).lastHiddenState(); // the loss reads padding too
            return spans(qaOutputs.forward(sequenceOutput), in); // [B,T,C] -> [B,T,2]
        }
    }

    /** {@code DebertaV2PredictionHeadTransform}: dense C → E, hidden_act, LayerNorm(E). */
    public static final class DebertaV2PredictionHeadTransform extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        private final UnaryOperator<Tensor> transformActFn;

        public DebertaV2PredictionHeadTransform(DebertaV2Config c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.embeddingSize()));
            transformActFn = Activations.get(c.hiddenAct());
            layerNorm = register("LayerNorm", new LayerNorm(c.embeddingSize(), c.layerNormEps()));
        }

        /** [B,T,C] → [B,T,E] */
        public Tensor forward(Tensor hidden) {
            return layerNorm.forward(dense.forward(hidden, transformActFn));
        }
    }

    /**
     * {@code DebertaV2LMPredictionHead}: the transform, then the {@code decoder} E → V whose weight is the word
     * embeddings and whose bias is this head's {@code bias} (shared Parameters, stored once as
     * {@code deberta.embeddings.word_embeddings.weight} and {@code cls.predictions.bias}).
     */
    public static final class DebertaV2LMPredictionHead extends Module {
        public final DebertaV2PredictionHeadTransform transform;
        public final Linear decoder;
        public final Parameter bias;

        public DebertaV2LMPredictionHead(DebertaV2Config c, Parameter wordEmbeddings) {
            transform = register("transform", new DebertaV2PredictionHeadTransform(c));
            bias = register("bias", Parameter.empty(c.vocabSize())); // nn.Parameter(torch.zeros(vocab_size))
            if (!Init.skipping()) {
                Init.zeros(bias);
            }
            decoder = register("decoder", Linear.tied(wordEmbeddings, bias));
        }

        /** [B,T,C] → prediction scores [B,T,V] */
        public Tensor forward(Tensor hidden) {
            return decoder.forward(transform.forward(hidden));
        }
    }

    /** {@code DebertaV2OnlyMLMHead}: {@code cls.predictions}. */
    public static final class DebertaV2OnlyMLMHead extends Module {
        public final DebertaV2LMPredictionHead predictions;

        public DebertaV2OnlyMLMHead(DebertaV2Config c, Parameter wordEmbeddings) {
            predictions = register("predictions", new DebertaV2LMPredictionHead(c, wordEmbeddings));
        }

        public Tensor forward(Tensor sequenceOutput) {
            return predictions.forward(sequenceOutput);
        }
    }

    /** {@code DebertaV2ForMaskedLM}: DeBERTa, then {@code cls.predictions} over every position. */
    public static final class DebertaV2ForMaskedLM extends MaskedLMModel<DebertaV2Config> {
        public final DebertaV2Model deberta;
        public final DebertaV2OnlyMLMHead cls;

        public DebertaV2ForMaskedLM(DebertaV2Config config) {
            super(config, DebertaV2Family.INSTANCE);
            deberta = register("deberta", new DebertaV2Model(config));
            cls = register("cls", new DebertaV2OnlyMLMHead(config, deberta.embeddings.wordEmbeddings.weight));
            postInit();
        }

        public static DebertaV2ForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static DebertaV2ForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DebertaV2Config.class, DebertaV2ForMaskedLM::new);
        }

        /** → logits [B,T,V], and the masked-LM loss when labels [B,T] are given. */
        @Override
        public MaskedLMOutput forward(ModelInputs in) {
            Tensor sequenceOutput = deberta.forward(in).lastHiddenState();
            return MaskedLMOutput.of(cls.forward(sequenceOutput), in.labels());
        }

        @Override
        public Embedding inputEmbeddings() {
            return deberta.embeddings.wordEmbeddings;
        }

        @Override
        public Linear outputEmbeddings() {
            return cls.predictions.decoder;
        }
    }
}
