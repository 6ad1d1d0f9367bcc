package io.t4j.models.distilbert;

import io.t4j.engine.nn.ActivationCheckpoint;
import io.t4j.engine.nn.GradientCheckpointable;
import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
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
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.bert.BertModeling;
import io.t4j.models.ModelInputs;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The DistilBERT forward path, ported from transformers/models/distilbert/modeling_distilbert.py (v4.46.1).
 * Shapes: B batch, T tokens, N real (unpadded) tokens, C dim, H heads, D head dim. The blocks run on real tokens
 * only and attention re-pads q/k/v to [B,T] ({@link Unpadding}, as BERT here).
 */
public final class DistilBertModeling {
    private DistilBertModeling() {}

    /** {@code Embeddings}: word + position embeddings (learned or sinusoidal), LayerNorm, dropout; no token types. */
    public static final class Embeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public Embeddings(DistilBertConfig c) {
            wordEmbeddings = register("word_embeddings", new Embedding(c.vocabSize(), c.dim(), c.padTokenId()));
            positionEmbeddings = register("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.dim()));
            layerNorm = register("LayerNorm", new LayerNorm(c.dim(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.dropout()));
        }

        /** input_ids [B,T] → [B,T,C] */
        public Tensor forward(Tensor inputIds) {
            Tensor positionIds = torch.arange(new Scalar(inputIds.size(1)), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,T]
            Tensor x = wordEmbeddings.forward(inputIds).add(positionEmbeddings.forward(positionIds));
            return dropout.forward(layerNorm.forward(x));
        }
    }

    /** HF's {@code create_sinusoidal_embeddings}: sin on even, cos on odd columns, frozen. */
    static void createSinusoidalEmbeddings(Embedding positions, int dim) {
        long n = positions.numEmbeddings();
        Tensor pos = torch.arange(new Scalar(n), new TensorOptions(ScalarType.Double)).unsqueeze(1); // [P,1]
        Tensor j = torch.arange(new Scalar(dim), new TensorOptions(ScalarType.Double)).unsqueeze(0); // [1,C]
        Tensor angle = pos.div(torch.pow(new Scalar(10000.0), j.div(new Scalar(2.0)).floor().mul(new Scalar(2.0 / dim)))); // [P,C]
        Tensor table = torch.where(j.remainder(new Scalar(2.0)).eq(new Scalar(0.0)), angle.sin(), angle.cos()).to(ScalarType.Float);
        Init.zeros(positions.weight); // materialises a meta parameter
        try (NoGradGuard g = new NoGradGuard()) {
            positions.weight.data().copy_(table);
        }
        positions.weight.requiresGrad(false);
    }

    /** {@code MultiHeadSelfAttention}: q_lin/k_lin/v_lin/out_lin. */
    public static final class MultiHeadSelfAttention extends Module {
        public final Linear qLin;
        public final Linear kLin;
        public final Linear vLin;
        public final Linear outLin;
        private final long numHeads;
        private final long headDim;
        private final double dropoutP;

        public MultiHeadSelfAttention(DistilBertConfig c) {
            qLin = register("q_lin", new Linear(c.dim(), c.dim()));
            kLin = register("k_lin", new Linear(c.dim(), c.dim()));
            vLin = register("v_lin", new Linear(c.dim(), c.dim()));
            outLin = register("out_lin", new Linear(c.dim(), c.dim()));
            numHeads = c.nHeads();
            headDim = c.headDim();
            dropoutP = c.attentionDropout();
        }

        /** x [N,C] (the batch's real tokens), u its padding → [N,C] */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor[] qkv = qLin.forwardWith(x, kLin, vLin); // one GEMM when frozen (inference)
            Tensor q = u.padHeads(qkv[0], numHeads); // [N,C] -> [B,H,T,D], HF's shape()
            Tensor k = u.padHeads(qkv[1], numHeads);
            Tensor v = u.padHeads(qkv[2], numHeads);
            Tensor y = EncoderAttention.scaledDotProduct(q, k, v, u.keyMask(), isTraining() ? dropoutP : 0.0); // [B,H,T,D]
            return outLin.forward(u.unpadInput(y.transpose(1, 2))); // [B,H,T,D] -> [B,T,H,D] -> [N,C]
        }
    }

    /** {@code FFN}: lin1 → activation → lin2 → dropout. */
    public static final class FFN extends Module {
        public final Linear lin1;
        public final Linear lin2;
        public final Dropout dropout;
        private final UnaryOperator<Tensor> activation;

        public FFN(DistilBertConfig c) {
            lin1 = register("lin1", new Linear(c.dim(), c.hiddenDim()));
            lin2 = register("lin2", new Linear(c.hiddenDim(), c.dim()));
            dropout = register("dropout", new Dropout(c.dropout()));
            activation = Activations.get(c.activation());
        }

        public Tensor forward(Tensor x) {
            return dropout.forward(lin2.forward(lin1.forward(x, activation))); // the activation fused into a packed GEMM where it can be
        }
    }

    /** {@code TransformerBlock}: post-norm attention and feed-forward. */
    public static final class TransformerBlock extends Module {
        public final MultiHeadSelfAttention attention;
        public final LayerNorm saLayerNorm;
        public final FFN ffn;
        public final LayerNorm outputLayerNorm;
        public final Dropout dropout;

        public TransformerBlock(DistilBertConfig c) {
            attention = register("attention", new MultiHeadSelfAttention(c));
            saLayerNorm = register("sa_layer_norm", new LayerNorm(c.dim(), c.layerNormEps()));
            ffn = register("ffn", new FFN(c));
            outputLayerNorm = register("output_layer_norm", new LayerNorm(c.dim(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.dropout()));
        }

        /** x [N,C] (the batch's real tokens), u its padding → [N,C] */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor sa = saLayerNorm.forward(attention.forward(x, u).add(x));
            return outputLayerNorm.forward(ffn.forward(sa).add(sa));
        }
    }

    /** {@code Transformer}: the stack of blocks. */
    public static final class Transformer extends Module implements GradientCheckpointable {
        public final ModuleList<TransformerBlock> layer;
        private boolean gradientCheckpointing;

        public Transformer(DistilBertConfig c) {
            layer = register("layer", new ModuleList<>(c.nLayers(), i -> new TransformerBlock(c)));
        }

        @Override
        public void gradientCheckpointing(boolean enable) {
            gradientCheckpointing = enable;
        }

        @Override
        public boolean gradientCheckpointing() {
            return gradientCheckpointing;
        }

        /** x [B,T,C] → [B,T,C]; the blocks see the real tokens only, [N,C] (zeros at padding come back out). */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor h = u.unpadInput(x);
            for (TransformerBlock block : layer) {
                h = gradientCheckpointing && isTraining()
                        ? ActivationCheckpoint.checkpoint(y -> block.forward(y, u), h) // recomputed in backward
                        : block.forward(h, u);
            }
            return u.padInput(h);
        }
    }

    /** {@code DistilBertModel}: embeddings and transformer; no pooler. */
    public static final class DistilBertModel extends EncoderModel<DistilBertConfig> {
        public final Embeddings embeddings;
        public final Transformer transformer;

        public DistilBertModel(DistilBertConfig config) {
            super(config, DistilBertFamily.INSTANCE);
            embeddings = register("embeddings", new Embeddings(config));
            transformer = register("transformer", new Transformer(config));
            postInit();
        }

        public static DistilBertModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static DistilBertModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DistilBertConfig.class, DistilBertModel::new);
        }

        /** → last_hidden_state [B,T,C] (token_type_ids are not used by DistilBERT) */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings());
            AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), everyPosition);
            return new BaseModelOutput(transformer.forward(embeddings.forward(in.inputIds()), u), null);
        }

        @Override
        public int hiddenSize() {
            return config.dim();
        }
    }

    /** The family's {@code _init_weights}: BERT's, plus sinusoidal position tables when configured. */
    static void initDistilBertWeights(Module m, DistilBertConfig config) {
        BertModeling.initBertWeights(m, config.initializerRange());
        if (m instanceof Embeddings e && config.sinusoidalPosEmbds()) {
            createSinusoidalEmbeddings(e.positionEmbeddings, config.dim()); // after the child's own init, as HF's apply()
        }
    }

    /** {@code DistilBertForSequenceClassification}: [CLS] → pre_classifier → ReLU → dropout → classifier. */
    public static final class DistilBertForSequenceClassification extends SequenceClassificationModel<DistilBertConfig> {
        public final DistilBertModel distilbert;
        public final Linear preClassifier;
        public final Linear classifier;
        public final Dropout dropout;

        public DistilBertForSequenceClassification(DistilBertConfig config) {
            super(config, DistilBertFamily.INSTANCE);
            distilbert = register("distilbert", new DistilBertModel(config));
            preClassifier = register("pre_classifier", new Linear(config.dim(), config.dim()));
            classifier = register("classifier", new Linear(config.dim(), config.numLabels()));
            dropout = register("dropout", new Dropout(config.seqClassifDropout()));
            postInit();
        }

        public static DistilBertForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DistilBertConfig.class, DistilBertForSequenceClassification::new);
        }

        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor cls = distilbert.forward(in).lastHiddenState().select(1, 0); // [B,T,C] -> [B,C]
            Tensor logits = classifier.forward(dropout.forward(torch.relu(preClassifier.forward(cls))));
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }
    }

    /** {@code DistilBertForTokenClassification}: DistilBERT → dropout → {@code classifier} on every token. */
    public static final class DistilBertForTokenClassification extends TokenClassificationModel<DistilBertConfig> {
        public final DistilBertModel distilbert;
        public final Dropout dropout;
        public final Linear classifier;

        public DistilBertForTokenClassification(DistilBertConfig config) {
            super(config, DistilBertFamily.INSTANCE);
            distilbert = register("distilbert", new DistilBertModel(config));
            dropout = register("dropout", new Dropout(config.dropout()));
            classifier = register("classifier", new Linear(config.dim(), config.numLabels()));
            postInit();
        }

        public static DistilBertForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DistilBertConfig.class, DistilBertForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor sequenceOutput = distilbert.forward(in).lastHiddenState();
            return TokenClassifierOutput.of(classifier.forward(dropout.forward(sequenceOutput)), in.labels());
        }
    }

    /** {@code DistilBertForQuestionAnswering}: DistilBERT → dropout ({@code qa_dropout}) → {@code qa_outputs} C → 2. */
    public static final class DistilBertForQuestionAnswering extends QuestionAnsweringModel<DistilBertConfig> {
        public final DistilBertModel distilbert;
        public final Linear qaOutputs;
        public final Dropout dropout;

        public DistilBertForQuestionAnswering(DistilBertConfig config) {
            super(config, DistilBertFamily.INSTANCE);
            if (config.numLabels() != 2) {
                throw new IllegalArgumentException("DistilBertForQuestionAnswering needs num_labels 2 (start, end), got "
                        + config.numLabels());
            }
            distilbert = register("distilbert", new DistilBertModel(config));
            qaOutputs = register("qa_outputs", new Linear(config.dim(), config.numLabels()));
            dropout = register("dropout", new Dropout(config.qaDropout()));
            postInit();
        }

        public static DistilBertForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, DistilBertConfig.class, DistilBertForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor hidden = dropout.forward(distilbert.forward(in, in.startPositions() != null).lastHiddenState()); // the loss reads padding too
            return spans(qaOutputs.forward(hidden), in); // [B,T,C] -> [B,T,2]
        }
    }
}
