package io.t4j.models.electra;

import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.LayerNorm;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AttentionMasks;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.ModelInputs;
import io.t4j.models.ModelOutput;
import io.t4j.models.PreTrainingModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertModeling.BertEncoder;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The ELECTRA forward path, ported from transformers/models/electra/modeling_electra.py (v4.46.1). What differs from
 * BERT is here: embeddings of width E = {@code embedding_size}, projected to the encoder's width by
 * {@code embeddings_project} when E differs from C, no pooler, and ELECTRA's heads (the classification head with its
 * hard-coded gelu, the discriminator's replaced-token head, the generator's masked-LM head). The encoder layers are
 * HF's "Copied from BERT" classes, so they are BERT's (and skip padding as BERT's do). Shapes: B batch, T tokens,
 * E embedding width, C hidden, V vocab.
 */
public final class ElectraModeling {
    private ElectraModeling() {}

    /** {@code ElectraEmbeddings}: BERT's embeddings at width E: word + token-type + absolute position, LayerNorm, dropout. */
    public static final class ElectraEmbeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final Embedding tokenTypeEmbeddings;
        public final LayerNorm layerNorm;
        public final Dropout dropout;

        public ElectraEmbeddings(ElectraConfig c) {
            wordEmbeddings = register("word_embeddings", new Embedding(c.vocabSize(), c.embeddingSize(), c.padTokenId()));
            positionEmbeddings = register("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.embeddingSize()));
            tokenTypeEmbeddings = register("token_type_embeddings", new Embedding(c.typeVocabSize(), c.embeddingSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.embeddingSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        /** input_ids [B,T], token_type_ids [B,T] or null (all zeros) → [B,T,E] */
        public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
            Tensor positionIds = torch.arange(new Scalar(inputIds.size(1)), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,T]
            Tensor types = tokenTypeIds != null ? tokenTypeIds : torch.zeros_like(inputIds);
            Tensor x = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(types));
            x = x.add(positionEmbeddings.forward(positionIds));
            return dropout.forward(layerNorm.forward(x));
        }
    }

    /**
     * {@code ElectraModel}: embeddings [B,T,E], {@code embeddings_project} E → C when E ≠ C, then BERT's encoder. No
     * pooler: every head reads the hidden states.
     */
    public static final class ElectraModel extends EncoderModel<ElectraConfig> {
        public final ElectraEmbeddings embeddings;
        public final Linear embeddingsProject;
        public final BertEncoder encoder;

        public ElectraModel(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            embeddings = register("embeddings", new ElectraEmbeddings(config));
            embeddingsProject = config.projectsEmbeddings()
                    ? register("embeddings_project", new Linear(config.embeddingSize(), config.hiddenSize())) : null;
            encoder = register("encoder", new BertEncoder(config.asBertConfig()));
            postInit();
        }

        public static ElectraModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static ElectraModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraModel::new);
        }

        /** input_ids, attention_mask, token_type_ids [B,T] → last_hidden_state [B,T,C] (no pooler_output) */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings());
            AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
            if (in.tokenTypeIds() != null) {
                AttentionMasks.checkIds(in.tokenTypeIds(), config.typeVocabSize(), "token_type_ids", "type_vocab_size");
            }
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), everyPosition);
            Tensor h = embeddings.forward(in.inputIds(), in.tokenTypeIds()); // [B,T,E]
            if (embeddingsProject != null) {
                h = embeddingsProject.forward(h);                               // [B,T,E] -> [B,T,C]
            }
            return new BaseModelOutput(encoder.forward(h, u), null);
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }
    }

    /**
     * {@code ElectraClassificationHead}: dropout → dense → gelu → dropout → out_proj on the first token. The activation
     * is gelu whatever {@code hidden_act} says (HF: {@code get_activation("gelu")}; BERT's pooler would use tanh).
     */
    public static final class ElectraClassificationHead extends Module {
        public final Linear dense;
        public final Dropout dropout;
        public final Linear outProj;

        public ElectraClassificationHead(ElectraConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            dropout = register("dropout", new Dropout(c.classifierDropout() != null ? c.classifierDropout() : c.hiddenDropoutProb()));
            outProj = register("out_proj", new Linear(c.hiddenSize(), c.numLabels()));
        }

        /** features [B,T,C] → logits [B, num_labels] */
        public Tensor forward(Tensor features) {
            Tensor x = dropout.forward(features.select(1, 0)); // take [CLS]: [B,T,C] -> [B,C]
            x = dropout.forward(torch.gelu(dense.forward(x)));
            return outProj.forward(x);
        }
    }

    /** {@code ElectraForSequenceClassification}: ELECTRA, then the classification head. */
    public static final class ElectraForSequenceClassification extends SequenceClassificationModel<ElectraConfig> {
        public final ElectraModel electra;
        public final ElectraClassificationHead classifier;

        public ElectraForSequenceClassification(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            electra = register("electra", new ElectraModel(config));
            classifier = register("classifier", new ElectraClassificationHead(config));
            postInit();
        }

        public static ElectraForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraForSequenceClassification::new);
        }

        /** → logits [B, num_labels], and the loss of HF's problem type when labels are given. */
        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor logits = classifier.forward(electra.forward(in).lastHiddenState());
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }
    }

    /** {@code ElectraForTokenClassification}: ELECTRA → dropout → {@code classifier} on every token. */
    public static final class ElectraForTokenClassification extends TokenClassificationModel<ElectraConfig> {
        public final ElectraModel electra;
        public final Dropout dropout;
        public final Linear classifier;

        public ElectraForTokenClassification(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            electra = register("electra", new ElectraModel(config));
            dropout = register("dropout", new Dropout(config.classifierDropout() != null
                    ? config.classifierDropout() : config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static ElectraForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor sequenceOutput = electra.forward(in).lastHiddenState();
            return TokenClassifierOutput.of(classifier.forward(dropout.forward(sequenceOutput)), in.labels());
        }
    }

    /** {@code ElectraForQuestionAnswering}: ELECTRA → {@code qa_outputs} C → 2 (start, end) on every token. */
    public static final class ElectraForQuestionAnswering extends QuestionAnsweringModel<ElectraConfig> {
        public final ElectraModel electra;
        public final Linear qaOutputs;

        public ElectraForQuestionAnswering(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            electra = register("electra", new ElectraModel(config));
            qaOutputs = register("qa_outputs", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static ElectraForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor sequenceOutput = electra.forward(in, in.startPositions() != null).lastHiddenState(); // the loss reads padding too
            return spans(qaOutputs.forward(sequenceOutput), in); // [B,T,C] -> [B,T,2]
        }
    }

    /**
     * {@code ElectraDiscriminatorPredictions}: dense C → C, {@code hidden_act}, {@code dense_prediction} C → 1: one
     * replaced-token logit per position.
     */
    public static final class ElectraDiscriminatorPredictions extends Module {
        public final Linear dense;
        public final Linear densePrediction;
        private final UnaryOperator<Tensor> activation;

        public ElectraDiscriminatorPredictions(ElectraConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            activation = Activations.get(c.hiddenAct());
            densePrediction = register("dense_prediction", new Linear(c.hiddenSize(), 1));
        }

        /** [B,T,C] → logits [B,T] */
        public Tensor forward(Tensor discriminatorHiddenStates) {
            Tensor h = dense.forward(discriminatorHiddenStates, activation);
            return densePrediction.forward(h).squeeze(-1); // [B,T,1] -> [B,T]
        }
    }

    /**
     * HF's {@code ElectraForPreTrainingOutput}: {@code logits} [B,T] (a replaced-token score per position) and
     * {@code loss} (null without labels).
     */
    public record ElectraForPreTrainingOutput(Tensor loss, Tensor logits) implements ModelOutput.WithLogits {
        /**
         * HF's ELECTRA objective: {@code BCEWithLogitsLoss} over the positions whose attention_mask is 1, labels [B,T]
         * (1 = the token was replaced) as float.
         */
        public static Tensor discriminatorLoss(Tensor logits, Tensor labels, Tensor attentionMask) {
            Tensor active = attentionMask.eq(new Scalar(1L));                          // [B,T] bool
            Tensor activeLogits = logits.to(ScalarType.Float).masked_select(active);   // [N]
            Tensor activeLabels = labels.masked_select(active).to(ScalarType.Float);   // [N]
            return torch.binary_cross_entropy_with_logits(activeLogits, activeLabels);
        }
    }

    /**
     * {@code ElectraForPreTraining}: ELECTRA and the discriminator head {@code discriminator_predictions}, what the
     * hub's {@code *-discriminator} checkpoints carry; trained to tell replaced tokens (label 1) from original ones.
     */
    public static final class ElectraForPreTraining extends PreTrainingModel<ElectraConfig> {
        public final ElectraModel electra;
        public final ElectraDiscriminatorPredictions discriminatorPredictions;

        public ElectraForPreTraining(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            electra = register("electra", new ElectraModel(config));
            discriminatorPredictions = register("discriminator_predictions", new ElectraDiscriminatorPredictions(config));
            postInit();
        }

        public static ElectraForPreTraining fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static ElectraForPreTraining fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraForPreTraining::new);
        }

        /** → logits [B,T], and the replaced-token loss over real positions when labels [B,T] (0/1) are given. */
        @Override
        public ElectraForPreTrainingOutput forward(ModelInputs in) {
            Tensor logits = discriminatorPredictions.forward(electra.forward(in).lastHiddenState());
            Tensor loss = in.labels() == null ? null
                    : ElectraForPreTrainingOutput.discriminatorLoss(logits, in.labels(), in.attentionMask());
            return new ElectraForPreTrainingOutput(loss, logits);
        }
    }

    /** {@code ElectraGeneratorPredictions}: dense C → E, gelu (hard-coded, as HF), LayerNorm over E. */
    public static final class ElectraGeneratorPredictions extends Module {
        public final LayerNorm layerNorm;
        public final Linear dense;

        public ElectraGeneratorPredictions(ElectraConfig c) {
            layerNorm = register("LayerNorm", new LayerNorm(c.embeddingSize(), c.layerNormEps()));
            dense = register("dense", new Linear(c.hiddenSize(), c.embeddingSize()));
        }

        /** [B,T,C] → [B,T,E] */
        public Tensor forward(Tensor generatorHiddenStates) {
            return layerNorm.forward(torch.gelu(dense.forward(generatorHiddenStates)));
        }
    }

    /**
     * {@code ElectraForMaskedLM} (the generator): ELECTRA, {@code generator_predictions}, then {@code generator_lm_head}
     * E → V. With {@code tie_word_embeddings} (HF's default) the head's weight is the word embeddings [V,E] (one shared
     * Parameter, stored once as {@code electra.embeddings.word_embeddings.weight}) and its bias is its own
     * ({@code generator_lm_head.bias}), as HF's {@code tie_weights} leaves it.
     */
    public static final class ElectraForMaskedLM extends MaskedLMModel<ElectraConfig> {
        public final ElectraModel electra;
        public final ElectraGeneratorPredictions generatorPredictions;
        public final Linear generatorLmHead;

        public ElectraForMaskedLM(ElectraConfig config) {
            super(config, ElectraFamily.INSTANCE);
            electra = register("electra", new ElectraModel(config));
            generatorPredictions = register("generator_predictions", new ElectraGeneratorPredictions(config));
            generatorLmHead = register("generator_lm_head", config.tieWordEmbeddings()
                    ? Linear.tied(electra.embeddings.wordEmbeddings.weight, Parameter.empty(config.vocabSize()))
                    : new Linear(config.embeddingSize(), config.vocabSize()));
            postInit();
        }

        public static ElectraForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static ElectraForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, ElectraConfig.class, ElectraForMaskedLM::new);
        }

        /** → logits [B,T,V], and the masked-LM loss when labels [B,T] are given. */
        @Override
        public MaskedLMOutput forward(ModelInputs in) {
            Tensor predictionScores = generatorPredictions.forward(electra.forward(in).lastHiddenState()); // [B,T,E]
            return MaskedLMOutput.of(generatorLmHead.forward(predictionScores), in.labels());               // [B,T,V]
        }

        @Override
        public Embedding inputEmbeddings() {
            return electra.embeddings.wordEmbeddings;
        }

        @Override
        public Linear outputEmbeddings() {
            return generatorLmHead;
        }
    }
}
