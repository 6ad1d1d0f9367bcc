package io.t4j.models.xlmroberta;

import static io.t4j.models.roberta.RobertaModeling.createPositionIdsFromInputIds;

import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.LayerNorm;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AttentionMasks;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.TokenClassifierOutput;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertEncoder;
import io.t4j.models.bert.BertModeling.BertPooler;
import io.t4j.models.ModelInputs;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The XLM-RoBERTa forward path, ported from transformers/models/xlm_roberta/modeling_xlm_roberta.py (v4.46.1), where
 * every class is "Copied from transformers.models.roberta.modeling_roberta ... with Roberta->XLMRoberta": the same
 * architecture as RoBERTa under its own model type, class names and config defaults. t4j keeps that form: each class
 * below is a marked copy of the RoBERTa class, checked by {@code CopiedFromTest}, so this file never drifts from
 * RoBERTa's and reads as HF's does. The encoder and pooler are BERT's, as in RoBERTa. Shapes: B, T, C as in BERT.
 */
public final class XLMRobertaModeling {
    private XLMRobertaModeling() {}

    /**
     * {@code XLMRobertaEmbeddings}: RoBERTa's embeddings (positions start after padding_idx and skip padding).
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaEmbeddings with Roberta->XLMRoberta
     */
    public static final class XLMRobertaEmbeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final Embedding tokenTypeEmbeddings;
        public final LayerNorm layerNorm;
        public final Dropout dropout;
        private final long paddingIdx;

        public XLMRobertaEmbeddings(XLMRobertaConfig c) {
            paddingIdx = c.padTokenId();
            wordEmbeddings = register("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), paddingIdx));
            positionEmbeddings = register("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize(), paddingIdx));
            tokenTypeEmbeddings = register("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize()));
            layerNorm = register("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = register("dropout", new Dropout(c.hiddenDropoutProb()));
        }

        /** input_ids [B,T], token_type_ids [B,T] or null → [B,T,C] */
        public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
            Tensor positionIds = createPositionIdsFromInputIds(inputIds, paddingIdx);
            Tensor types = tokenTypeIds != null ? tokenTypeIds : torch.zeros_like(inputIds);
            Tensor x = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(types));
            x = x.add(positionEmbeddings.forward(positionIds));
            return dropout.forward(layerNorm.forward(x));
        }
    }

    /**
     * {@code XLMRobertaModel}: embeddings, BERT's encoder, and (optionally) BERT's pooler.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaModel with Roberta->XLMRoberta
     */
    public static final class XLMRobertaModel extends EncoderModel<XLMRobertaConfig> {
        public final XLMRobertaEmbeddings embeddings;
        public final BertEncoder encoder;
        public final BertPooler pooler;

        public XLMRobertaModel(XLMRobertaConfig config) {
            this(config, true);
        }

        public XLMRobertaModel(XLMRobertaConfig config, boolean addPoolingLayer) {
            super(config, XLMRobertaFamily.INSTANCE);
            BertConfig shared = config.asBertConfig();
            embeddings = register("embeddings", new XLMRobertaEmbeddings(config));
            encoder = register("encoder", new BertEncoder(shared));
            pooler = addPoolingLayer ? register("pooler", new BertPooler(shared)) : null;
            postInit();
        }

        public static XLMRobertaModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static XLMRobertaModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, XLMRobertaConfig.class, XLMRobertaModel::new);
        }

        /** → last_hidden_state [B,T,C], pooler_output [B,C] (null without a pooler) */
        @Override
        public BaseModelOutput forward(ModelInputs in, boolean everyPosition) {
            // positions run from padding_idx + 1, so the longest usable sequence is max_position_embeddings - padding_idx - 1
            AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings() - config.padTokenId() - 1);
            AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
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

    /**
     * {@code XLMRobertaClassificationHead}: dropout → dense → tanh → dropout → out_proj, on the {@code <s>} token.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaClassificationHead with Roberta->XLMRoberta
     */
    public static final class XLMRobertaClassificationHead extends Module {
        public final Linear dense;
        public final Dropout dropout;
        public final Linear outProj;

        public XLMRobertaClassificationHead(XLMRobertaConfig c) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            dropout = register("dropout", new Dropout(c.classifierDropout() != null ? c.classifierDropout() : c.hiddenDropoutProb()));
            outProj = register("out_proj", new Linear(c.hiddenSize(), c.numLabels()));
        }

        /** features [B,T,C] → logits [B, num_labels] */
        public Tensor forward(Tensor features) {
            Tensor x = dropout.forward(features.select(1, 0)); // take <s> (equiv. to [CLS]): [B,C]
            x = dropout.forward(torch.tanh(dense.forward(x)));
            return outProj.forward(x);
        }
    }

    /**
     * {@code XLMRobertaForSequenceClassification}: XLM-RoBERTa without pooler, then the classification head.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification with Roberta->XLMRoberta
     */
    public static final class XLMRobertaForSequenceClassification extends SequenceClassificationModel<XLMRobertaConfig> {
        public final XLMRobertaModel roberta;
        public final XLMRobertaClassificationHead classifier;

        public XLMRobertaForSequenceClassification(XLMRobertaConfig config) {
            super(config, XLMRobertaFamily.INSTANCE);
            roberta = register("roberta", new XLMRobertaModel(config, false));
            classifier = register("classifier", new XLMRobertaClassificationHead(config));
            postInit();
        }

        public static XLMRobertaForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, XLMRobertaConfig.class, XLMRobertaForSequenceClassification::new);
        }

        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor logits = classifier.forward(roberta.forward(in).lastHiddenState());
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }
    }

    /**
     * {@code XLMRobertaForTokenClassification}: XLM-RoBERTa without pooler → dropout → {@code classifier} on every token.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaForTokenClassification with Roberta->XLMRoberta
     */
    public static final class XLMRobertaForTokenClassification extends TokenClassificationModel<XLMRobertaConfig> {
        public final XLMRobertaModel roberta;
        public final Dropout dropout;
        public final Linear classifier;

        public XLMRobertaForTokenClassification(XLMRobertaConfig config) {
            super(config, XLMRobertaFamily.INSTANCE);
            roberta = register("roberta", new XLMRobertaModel(config, false));
            dropout = register("dropout", new Dropout(config.classifierDropout() != null
                    ? config.classifierDropout() : config.hiddenDropoutProb()));
            classifier = register("classifier", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static XLMRobertaForTokenClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, XLMRobertaConfig.class, XLMRobertaForTokenClassification::new);
        }

        /** → logits [B,T,num_labels], and the loss over tokens whose label is not -100 when labels [B,T] are given. */
        @Override
        public TokenClassifierOutput forward(ModelInputs in) {
            Tensor sequenceOutput = roberta.forward(in).lastHiddenState();
            return TokenClassifierOutput.of(classifier.forward(dropout.forward(sequenceOutput)), in.labels());
        }
    }

    /**
     * {@code XLMRobertaForQuestionAnswering}: XLM-RoBERTa without pooler → {@code qa_outputs} C → 2 on every token.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaForQuestionAnswering with Roberta->XLMRoberta
     */
    public static final class XLMRobertaForQuestionAnswering extends QuestionAnsweringModel<XLMRobertaConfig> {
        public final XLMRobertaModel roberta;
        public final Linear qaOutputs;

        public XLMRobertaForQuestionAnswering(XLMRobertaConfig config) {
            super(config, XLMRobertaFamily.INSTANCE);
            roberta = register("roberta", new XLMRobertaModel(config, false));
            qaOutputs = register("qa_outputs", new Linear(config.hiddenSize(), config.numLabels()));
            postInit();
        }

        public static XLMRobertaForQuestionAnswering fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, XLMRobertaConfig.class, XLMRobertaForQuestionAnswering::new);
        }

        /** → start and end logits [B,T], and the span loss when start_positions and end_positions [B] are given. */
        @Override
        public QuestionAnsweringModelOutput forward(ModelInputs in) {
            Tensor sequenceOutput = roberta.forward(in, in.startPositions() != null).lastHiddenState(); // the loss reads padding too
            return spans(qaOutputs.forward(sequenceOutput), in); // [B,T,C] -> [B,T,2]
        }
    }

    /**
     * {@code XLMRobertaLMHead}: dense, gelu, {@code layer_norm}, then the {@code decoder} tied to the word embeddings
     * (its bias is the head's own {@code bias}).
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaLMHead with Roberta->XLMRoberta
     */
    public static final class XLMRobertaLMHead extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Linear decoder;
        public final Parameter bias;

        public XLMRobertaLMHead(XLMRobertaConfig c, Parameter wordEmbeddings) {
            dense = register("dense", new Linear(c.hiddenSize(), c.hiddenSize()));
            layerNorm = register("layer_norm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            bias = register("bias", Parameter.empty(c.vocabSize())); // nn.Parameter(torch.zeros(vocab_size))
            if (!Init.skipping()) {
                Init.zeros(bias);
            }
            decoder = register("decoder", Linear.tied(wordEmbeddings, bias));
        }

        /** features [B,T,C] → prediction scores [B,T,V] */
        public Tensor forward(Tensor features) {
            Tensor x = torch.gelu(dense.forward(features));
            return decoder.forward(layerNorm.forward(x));
        }
    }

    /**
     * {@code XLMRobertaForMaskedLM}: XLM-RoBERTa without pooler, then {@code lm_head} over every position.
     * Copied from io.t4j.models.roberta.RobertaModeling.RobertaForMaskedLM with Roberta->XLMRoberta
     */
    public static final class XLMRobertaForMaskedLM extends MaskedLMModel<XLMRobertaConfig> {
        public final XLMRobertaModel roberta;
        public final XLMRobertaLMHead lmHead;

        public XLMRobertaForMaskedLM(XLMRobertaConfig config) {
            super(config, XLMRobertaFamily.INSTANCE);
            roberta = register("roberta", new XLMRobertaModel(config, false));
            lmHead = register("lm_head", new XLMRobertaLMHead(config, roberta.embeddings.wordEmbeddings.weight));
            postInit();
        }

        public static XLMRobertaForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static XLMRobertaForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, XLMRobertaConfig.class, XLMRobertaForMaskedLM::new);
        }

        /** → logits [B,T,V], and the masked-LM loss when labels [B,T] are given. */
        @Override
        public MaskedLMOutput forward(ModelInputs in) {
            Tensor sequenceOutput = roberta.forward(in).lastHiddenState();
            return MaskedLMOutput.of(lmHead.forward(sequenceOutput), in.labels());
        }

        @Override
        public Embedding inputEmbeddings() {
            return roberta.embeddings.wordEmbeddings;
        }

        @Override
        public Linear outputEmbeddings() {
            return lmHead.decoder;
        }
    }
}
