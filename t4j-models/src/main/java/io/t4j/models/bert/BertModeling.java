package io.t4j.models.bert;

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
import io.t4j.models.AttentionMasks;
import io.t4j.models.EncoderAttention;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.tokenizers.ModelInputs;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The BERT forward path, ported from transformers/models/bert/modeling_bert.py (v4.46.1). Attribute names are
 * the checkpoint keys. Shapes: B batch, T tokens, C hidden, H heads, D head dim, I intermediate.
 * Attention is {@code scaled_dot_product_attention} with a boolean padding mask (HF's "sdpa" implementation).
 */
public final class BertModeling {
    private BertModeling() {}

    /** {@code BertEmbeddings}: word + token-type + absolute position embeddings, then LayerNorm and dropout. */
    public static final class BertEmbeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final Embedding tokenTypeEmbeddings;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public BertEmbeddings(BertConfig c) {
            wordEmbeddings = register("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), c.padTokenId()));
            positionEmbeddings = register("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize()));
            tokenTypeEmbeddings = register("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        /** input_ids [B,T], token_type_ids [B,T] or null (all zeros) → [B,T,C] */
        public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
            Tensor positionIds = torch.arange(new Scalar(inputIds.size(1)), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,T]
            Tensor types = tokenTypeIds != null ? tokenTypeIds : torch.zeros_like(inputIds);
            Tensor x = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(types));
            x = x.add(positionEmbeddings.forward(positionIds));
            return dropout.forward(layerNorm.forward(x));
        }
    }

    /** {@code BertSdpaSelfAttention}: query/key/value projections and scaled dot-product attention. */
    public static final class BertSelfAttention extends Module {
        public final Linear query;
        public final Linear key;
        public final Linear value;
        private final long numHeads;
        private final long headDim;
        private final double dropoutP;

        public BertSelfAttention(BertConfig c) {
            query = register("query", new Linear(c.hiddenSize(), c.hiddenSize()));
            key = register("key", new Linear(c.hiddenSize(), c.hiddenSize()));
            value = register("value", new Linear(c.hiddenSize(), c.hiddenSize()));
            numHeads = c.numAttentionHeads();
            headDim = c.headDim();
            dropoutP = c.attentionProbsDropoutProb();
        }

        /** x [B,T,C], mask [B,1,1,T] (true = attend) → context [B,T,C] */
        public Tensor forward(Tensor x, Tensor mask) {
            long b = x.size(0);
            long t = x.size(1);
            Tensor q = splitHeads(query.forward(x), b, t);
            Tensor k = splitHeads(key.forward(x), b, t);
            Tensor v = splitHeads(value.forward(x), b, t);
            Tensor y = EncoderAttention.scaledDotProduct(q, k, v, mask, isTraining() ? dropoutP : 0.0); // [B,H,T,D]
            return y.transpose(1, 2).reshape(b, t, numHeads * headDim); // [B,H,T,D] -> [B,T,H,D] -> [B,T,C]
        }

        /** HF's {@code transpose_for_scores}. */
        private Tensor splitHeads(Tensor x, long b, long t) {
            return x.view(b, t, numHeads, headDim).transpose(1, 2); // [B,T,C] -> [B,T,H,D] -> [B,H,T,D]
        }
    }

    /** {@code BertSelfOutput}: dense, dropout, residual LayerNorm. */
    public static final class BertSelfOutput extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public BertSelfOutput(BertConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        public Tensor forward(Tensor hidden, Tensor input) {
            return layerNorm.forward(dropout.forward(dense.forward(hidden)).add(input));
        }
    }

    /** {@code BertAttention}: self-attention and its output block. */
    public static final class BertAttention extends Module {
        public final BertSelfAttention self;
        public final BertSelfOutput output;

        public BertAttention(BertConfig c) {
            self = register("self", new BertSelfAttention(c));
            output = register("output", new BertSelfOutput(c));
        }

        public Tensor forward(Tensor x, Tensor mask) {
            return output.forward(self.forward(x, mask), x);
        }
    }

    /** {@code BertIntermediate}: dense C → I and the activation. */
    public static final class BertIntermediate extends Module {
        public final Linear dense;
        private final UnaryOperator<Tensor> act;

        public BertIntermediate(BertConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.intermediateSize()));
            act = Activations.get(c.hiddenAct());
        }

        public Tensor forward(Tensor x) {
            return act.apply(dense.forward(x));
        }
    }

    /** {@code BertOutput}: dense I → C, dropout, residual LayerNorm. */
    public static final class BertOutput extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public BertOutput(BertConfig c) {
            dense = register("dense", new Linear(c.intermediateSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        public Tensor forward(Tensor hidden, Tensor input) {
            return layerNorm.forward(dropout.forward(dense.forward(hidden)).add(input));
        }
    }

    /** {@code BertLayer}: attention, then the feed-forward block. */
    public static final class BertLayer extends Module {
        public final BertAttention attention;
        public final BertIntermediate intermediate;
        public final BertOutput output;

        public BertLayer(BertConfig c) {
            attention = register("attention", new BertAttention(c));
            intermediate = register("intermediate", new BertIntermediate(c));
            output = register("output", new BertOutput(c));
        }

        /** x [B,T,C], mask [B,1,1,T] → [B,T,C] */
        public Tensor forward(Tensor x, Tensor mask) {
            Tensor a = attention.forward(x, mask);
            return output.forward(intermediate.forward(a), a);
        }
    }

    /** {@code BertEncoder}: the stack of layers. */
    public static final class BertEncoder extends Module implements GradientCheckpointable {
        public final ModuleList<BertLayer> layer;
        private boolean gradientCheckpointing;

        public BertEncoder(BertConfig c) {
            layer = register("layer", new ModuleList<>(c.numHiddenLayers(), i -> new BertLayer(c)));
        }

        @Override
        public void gradientCheckpointing(boolean enable) {
            gradientCheckpointing = enable;
        }

        @Override
        public boolean gradientCheckpointing() {
            return gradientCheckpointing;
        }

        public Tensor forward(Tensor x, Tensor mask) {
            for (BertLayer l : layer) {
                x = gradientCheckpointing && isTraining()
                        ? ActivationCheckpoint.checkpoint(h -> l.forward(h, mask), x) // recomputed in backward
                        : l.forward(x, mask);
            }
            return x;
        }
    }

    /** {@code BertPooler}: tanh(dense(h[:, 0])). */
    public static final class BertPooler extends Module {
        public final Linear dense;

        public BertPooler(BertConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
        }

        /** [B,T,C] → [B,C] */
        public Tensor forward(Tensor hidden) {
            return torch.tanh(dense.forward(hidden.select(1, 0)));
        }
    }

    /** The family's {@code _init_weights} (BertPreTrainedModel). */
    public static void initBertWeights(Module m, double std) {
        switch (m) {
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
            case LayerNorm n -> {
                Init.ones(n.weight);
                Init.zeros(n.bias);
            }
            default -> { }
        }
    }

    /** {@code BertModel}: embeddings, encoder and (optionally) the pooler. */
    public static final class BertModel extends EncoderModel<BertConfig> {
        public final BertEmbeddings embeddings;
        public final BertEncoder encoder;
        public final BertPooler pooler;

        public BertModel(BertConfig config) {
            this(config, true);
        }

        public BertModel(BertConfig config, boolean addPoolingLayer) {
            super(config);
            embeddings = register("embeddings", new BertEmbeddings(config));
            encoder = register("encoder", new BertEncoder(config));
            pooler = addPoolingLayer ? register("pooler", new BertPooler(config)) : null;
            postInit();
        }

        public static BertModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static BertModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, () -> new BertModel(options.applyTo(loadConfig(dir))));
        }

        /** input_ids, attention_mask, token_type_ids [B,T] → last_hidden_state [B,T,C], pooler_output [B,C] */
        @Override
        public BaseModelOutput forward(ModelInputs in) {
            checkInputs(in, config);
            Tensor mask = AttentionMasks.padding(in.attentionMask(), in.inputIds());
            Tensor h = encoder.forward(embeddings.forward(in.inputIds(), in.tokenTypeIds()), mask);
            return new BaseModelOutput(h, pooler == null ? null : pooler.forward(h));
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }

        @Override
        protected String baseModelPrefix() {
            return "bert";
        }

        @Override
        protected void initWeights(Module m) {
            initBertWeights(m, config.initializerRange());
        }

        @Override
        protected boolean isNewHead(String name) {
            return name.startsWith("pooler."); // checkpoints exported without the pooler (e.g. ONNX) get a fresh one, as HF does
        }
    }

    static void checkInputs(ModelInputs in, BertConfig config) {
        AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings());
        AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
        if (in.tokenTypeIds() != null) {
            AttentionMasks.checkIds(in.tokenTypeIds(), config.typeVocabSize(), "token_type_ids", "type_vocab_size");
        }
    }

    static BertConfig loadConfig(Path dir) {
        return io.t4j.models.AutoConfig.fromPretrained(dir, BertConfig.class);
    }

    /** {@code BertForSequenceClassification}: pooler output → dropout → {@code classifier}. */
    public static final class BertForSequenceClassification extends SequenceClassificationModel<BertConfig> {
        public final BertModel bert;
        public final Dropout dropout;
        public final Linear classifier;

        public BertForSequenceClassification(BertConfig config) {
            super(config);
            bert = register("bert", new BertModel(config));
            dropout = register("dropout", new Dropout(config.classifierDropout() != null
                    ? config.classifierDropout() : config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static BertForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, () -> new BertForSequenceClassification(options.applyTo(loadConfig(dir))));
        }

        /** → logits [B, num_labels], and the loss of HF's problem type when labels are given. */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor pooled = bert.forward(in).poolerOutput();
            Tensor logits = classifier.forward(dropout.forward(pooled));
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }

        @Override
        protected String baseModelPrefix() {
            return "bert";
        }

        @Override
        protected void initWeights(Module m) {
            initBertWeights(m, config.initializerRange());
        }

        @Override
        protected boolean isNewHead(String name) {
            return name.startsWith("classifier.") || name.startsWith("bert.pooler.");
        }
    }
}
