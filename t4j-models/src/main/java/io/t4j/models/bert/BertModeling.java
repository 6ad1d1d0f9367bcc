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
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AttentionMasks;
import io.t4j.models.EncoderAttention;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.ModelOutput;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.NextSentencePredictorOutput;
import io.t4j.models.PreTrainedModel;
import io.t4j.models.PreTrainingModel;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.ModelInputs;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The BERT forward path, ported from transformers/models/bert/modeling_bert.py (v4.46.1): the encoder, the
 * sequence-classification head and the pre-training heads ({@code cls.predictions}, {@code cls.seq_relationship}).
 * Attribute names are the checkpoint keys. Shapes: B batch, T tokens, N real (unpadded) tokens, C hidden, H heads,
 * D head dim, I intermediate, V vocab.
 * Attention is {@code scaled_dot_product_attention} with a boolean padding mask (HF's "sdpa" implementation). The
 * layers run on the batch's real tokens only, [N,C], and attention re-pads q/k/v to [B,T] ({@link Unpadding}, as HF's
 * ModernBERT does), so padding costs no projection or feed-forward work; padding positions of last_hidden_state are 0.
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

        /** x [N,C] (the batch's real tokens), u its padding → context [N,C] */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor[] qkv = query.forwardWith(x, key, value); // one GEMM when frozen (inference)
            Tensor q = u.padHeads(qkv[0], numHeads); // [N,C] -> [B,H,T,D], HF's transpose_for_scores
            Tensor k = u.padHeads(qkv[1], numHeads);
            Tensor v = u.padHeads(qkv[2], numHeads);
            Tensor y = EncoderAttention.scaledDotProduct(q, k, v, u.keyMask(), isTraining() ? dropoutP : 0.0); // [B,H,T,D]
            return u.unpadInput(y.transpose(1, 2)); // [B,H,T,D] -> [B,T,H,D] -> [N,C]
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

        /** x [N,C], u the batch's padding → [N,C] */
        public Tensor forward(Tensor x, Unpadding u) {
            return output.forward(self.forward(x, u), x);
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
            return dense.forward(x, act); // the activation fused into a packed GEMM where it can be
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

        /** x [N,C] (the batch's real tokens), u its padding → [N,C] */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor a = attention.forward(x, u);
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

        /** x [B,T,C] → [B,T,C]; the layers see the real tokens only, [N,C] (zeros at padding come back out). */
        public Tensor forward(Tensor x, Unpadding u) {
            Tensor h = u.unpadInput(x);
            for (BertLayer l : layer) {
                h = gradientCheckpointing && isTraining()
                        ? ActivationCheckpoint.checkpoint(y -> l.forward(y, u), h) // recomputed in backward
                        : l.forward(h, u);
            }
            return u.padInput(h);
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
            case Linear l when l.isTied() -> { // its weight is the word embeddings' (HF ties after init); its bias is zeroed
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
            super(config, BertFamily.INSTANCE);
            embeddings = register("embeddings", new BertEmbeddings(config));
            encoder = register("encoder", new BertEncoder(config));
            pooler = addPoolingLayer ? register("pooler", new BertPooler(config)) : null;
            postInit();
        }

        public static BertModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static BertModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertModel::new);
        }

        /** input_ids, attention_mask, token_type_ids [B,T] → last_hidden_state [B,T,C], pooler_output [B,C] */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            checkInputs(in, config);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), everyPosition);
            Tensor h = encoder.forward(embeddings.forward(in.inputIds(), in.tokenTypeIds()), u);
            return new BaseModelOutput(h, pooler == null ? null : pooler.forward(h));
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }

        @Override
        public boolean hasPooler() {
            return pooler != null;
        }
    }

    static void checkInputs(ModelInputs in, BertConfig config) {
        AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings());
        AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
        if (in.tokenTypeIds() != null) {
            AttentionMasks.checkIds(in.tokenTypeIds(), config.typeVocabSize(), "token_type_ids", "type_vocab_size");
        }
    }

    /** {@code BertForSequenceClassification}: pooler output → dropout → {@code classifier}. */
    public static final class BertForSequenceClassification extends SequenceClassificationModel<BertConfig> {
        public final BertModel bert;
        public final Dropout dropout;
        public final Linear classifier;

        public BertForSequenceClassification(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config));
            dropout = register("dropout", new Dropout(config.classifierDropout() != null
                    ? config.classifierDropout() : config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static BertForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForSequenceClassification::new);
        }

        /** → logits [B, num_labels], and the loss of HF's problem type when labels are given. */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor pooled = bert.forward(in).poolerOutput();
            Tensor logits = classifier.forward(dropout.forward(pooled));
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }
    }

    /** {@code BertForTokenClassification}: BERT without pooler → dropout → {@code classifier} on every token. */
    public static final class BertForTokenClassification extends TokenClassificationModel<BertConfig> {
        public final BertModel bert;
        public final Dropout dropout;
        public final Linear classifier;

        public BertForTokenClassification(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config, false));
            dropout = register("dropout", new Dropout(config.classifierDropout() != null
                    ? config.classifierDropout() : config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static BertForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor sequenceOutput = bert.forward(in).lastHiddenState();
            return TokenClassifierOutput.of(classifier.forward(dropout.forward(sequenceOutput)), in.labels());
        }
    }

    /** {@code BertForQuestionAnswering}: BERT without pooler → {@code qa_outputs} C → 2 (start, end) on every token. */
    public static final class BertForQuestionAnswering extends QuestionAnsweringModel<BertConfig> {
        public final BertModel bert;
        public final Linear qaOutputs;

        public BertForQuestionAnswering(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config, false));
            qaOutputs = register("qa_outputs", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static BertForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor sequenceOutput = bert.forward(in, in.startPositions() != null).lastHiddenState(); // the loss reads padding too
            return spans(qaOutputs.forward(sequenceOutput), in); // [B,T,C] -> [B,T,2]
        }
    }

    /** {@code BertPredictionHeadTransform}: dense C → C, the config's activation, LayerNorm. */
    public static final class BertPredictionHeadTransform extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        private final UnaryOperator<Tensor> transformActFn;

        public BertPredictionHeadTransform(BertConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            transformActFn = Activations.get(c.hiddenAct());
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        }

        /** [B,T,C] → [B,T,C] */
        public Tensor forward(Tensor hidden) {
            return layerNorm.forward(dense.forward(hidden, transformActFn));
        }
    }

    /**
     * {@code BertLMPredictionHead}: the transform, then the {@code decoder} C → V whose weight is the word
     * embeddings (HF's {@code tie_weights}) and whose bias is this head's own {@code bias} ({@code self.decoder.bias
     * = self.bias}). Both are shared Parameters, so the checkpoint stores them once, as
     * {@code bert.embeddings.word_embeddings.weight} and {@code cls.predictions.bias}.
     */
    public static final class BertLMPredictionHead extends Module {
        public final BertPredictionHeadTransform transform;
        public final Linear decoder;
        public final Parameter bias;

        public BertLMPredictionHead(BertConfig c, Parameter wordEmbeddings) {
            transform = register("transform", new BertPredictionHeadTransform(c));
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

    /** {@code BertOnlyMLMHead}: {@code cls.predictions}. */
    public static final class BertOnlyMLMHead extends Module {
        public final BertLMPredictionHead predictions;

        public BertOnlyMLMHead(BertConfig c, Parameter wordEmbeddings) {
            predictions = register("predictions", new BertLMPredictionHead(c, wordEmbeddings));
        }

        public Tensor forward(Tensor sequenceOutput) {
            return predictions.forward(sequenceOutput);
        }
    }

    /** {@code BertOnlyNSPHead}: {@code cls.seq_relationship}, pooled output [B,C] → [B,2]. */
    public static final class BertOnlyNSPHead extends Module {
        public final Linear seqRelationship;

        public BertOnlyNSPHead(BertConfig c) {
            seqRelationship = register("seq_relationship", new Linear(c.hiddenSize(), 2));
        }

        public Tensor forward(Tensor pooledOutput) {
            return seqRelationship.forward(pooledOutput);
        }
    }

    /** {@code BertPreTrainingHeads}: {@code cls.predictions} and {@code cls.seq_relationship}. */
    public static final class BertPreTrainingHeads extends Module {
        public final BertLMPredictionHead predictions;
        public final Linear seqRelationship;

        public BertPreTrainingHeads(BertConfig c, Parameter wordEmbeddings) {
            predictions = register("predictions", new BertLMPredictionHead(c, wordEmbeddings));
            seqRelationship = register("seq_relationship", new Linear(c.hiddenSize(), 2));
        }
    }

    /**
     * HF's {@code BertForPreTrainingOutput}: {@code predictionLogits} [B,T,V], {@code seqRelationshipLogits} [B,2]
     * and {@code loss} = masked-LM loss + next-sentence loss (null unless both labels are given).
     */
    public record BertForPreTrainingOutput(Tensor loss, Tensor predictionLogits, Tensor seqRelationshipLogits)
            implements ModelOutput {
        @Override
        public List<Tensor> predictions() {
            return List.of(predictionLogits, seqRelationshipLogits);
        }
    }

    /** {@code BertForMaskedLM}: BERT without pooler, then {@code cls.predictions} over every position. */
    public static final class BertForMaskedLM extends MaskedLMModel<BertConfig> {
        public final BertModel bert;
        public final BertOnlyMLMHead cls;

        public BertForMaskedLM(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config, false));
            cls = register("cls", new BertOnlyMLMHead(config, bert.embeddings.wordEmbeddings.weight));
            postInit();
        }

        public static BertForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static BertForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForMaskedLM::new);
        }

        /** → logits [B,T,V], and the masked-LM loss when labels [B,T] are given. */
        @Override
        public MaskedLMOutput forward(ModelInputs in) {
            Tensor sequenceOutput = bert.forward(in).lastHiddenState();
            return MaskedLMOutput.of(cls.forward(sequenceOutput), in.labels());
        }

        @Override
        public Embedding inputEmbeddings() {
            return bert.embeddings.wordEmbeddings;
        }

        @Override
        public Linear outputEmbeddings() {
            return cls.predictions.decoder;
        }
    }

    /**
     * {@code BertForPreTraining}: BERT with its pooler, {@code cls.predictions} over every position and
     * {@code cls.seq_relationship} over the pooled output; the loss is their sum when both labels are given.
     */
    public static final class BertForPreTraining extends PreTrainingModel<BertConfig> {
        public final BertModel bert;
        public final BertPreTrainingHeads cls;

        public BertForPreTraining(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config));
            cls = register("cls", new BertPreTrainingHeads(config, bert.embeddings.wordEmbeddings.weight));
            postInit();
        }

        public static BertForPreTraining fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static BertForPreTraining fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForPreTraining::new);
        }

        /** → prediction logits [B,T,V], seq-relationship logits [B,2]; loss with labels [B,T] and next_sentence_label [B]. */
        @Override
        public BertForPreTrainingOutput forward(ModelInputs in) {
            BaseModelOutput out = bert.forward(in);
            Tensor predictionScores = cls.predictions.forward(out.lastHiddenState());
            Tensor seqRelationshipScore = cls.seqRelationship.forward(out.poolerOutput());
            Tensor loss = null;
            if (in.labels() != null && in.nextSentenceLabel() != null) {
                loss = MaskedLMOutput.maskedLmLoss(predictionScores, in.labels())
                        .add(NextSentencePredictorOutput.nextSentenceLoss(seqRelationshipScore, in.nextSentenceLabel()));
            }
            return new BertForPreTrainingOutput(loss, predictionScores, seqRelationshipScore);
        }

        @Override
        public List<String> labelNames() {
            return List.of("labels", "next_sentence_label");
        }
    }

    /**
     * {@code BertForNextSentencePrediction}: BERT with its pooler and {@code cls.seq_relationship}. The label is
     * {@code labels} [B], or (HF's deprecated keyword) {@code next_sentence_label} when labels are absent.
     */
    public static final class BertForNextSentencePrediction extends PreTrainedModel<BertConfig> implements ModelWithLoss {
        public final BertModel bert;
        public final BertOnlyNSPHead cls;

        public BertForNextSentencePrediction(BertConfig config) {
            super(config, BertFamily.INSTANCE);
            bert = register("bert", new BertModel(config));
            cls = register("cls", new BertOnlyNSPHead(config));
            postInit();
        }

        public static BertForNextSentencePrediction fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static BertForNextSentencePrediction fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, BertConfig.class, BertForNextSentencePrediction::new);
        }

        /** → logits [B,2] (0: B follows A, 1: B is random), and the loss when a label is given. */
        @Override
        public NextSentencePredictorOutput forward(ModelInputs in) {
            Tensor logits = cls.forward(bert.forward(in).poolerOutput());
            Tensor label = in.labels() != null ? in.labels() : in.nextSentenceLabel();
            return new NextSentencePredictorOutput(
                    label == null ? null : NextSentencePredictorOutput.nextSentenceLoss(logits, label), logits);
        }
    }
}
