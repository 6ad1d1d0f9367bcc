package io.t4j.models.roberta;

import io.t4j.engine.nn.Dropout;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.LayerNorm;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.AttentionMasks;
import io.t4j.models.AutoConfig;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling;
import io.t4j.models.bert.BertModeling.BertEncoder;
import io.t4j.models.bert.BertModeling.BertPooler;
import io.t4j.tokenizers.ModelInputs;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The RoBERTa forward path, ported from transformers/models/roberta/modeling_roberta.py (v4.46.1). What differs
 * from BERT is here: position ids counted from {@code padding_idx}, the classification head on {@code <s>} and the
 * masked-LM head {@code lm_head}.
 * The encoder and pooler are HF's "Copied from BERT" classes, so they are BERT's. Shapes: B, T, C as in BERT.
 */
public final class RobertaModeling {
    private RobertaModeling() {}

    /** {@code RobertaEmbeddings}: as BERT's, but positions start after padding_idx and skip padding. */
    public static final class RobertaEmbeddings extends Module {
        public final Embedding wordEmbeddings;
        public final Embedding positionEmbeddings;
        public final Embedding tokenTypeEmbeddings;
        public final LayerNorm layerNorm;
        public final Dropout dropout;
        private final long paddingIdx;

        public RobertaEmbeddings(RobertaConfig c) {
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

    /** HF's {@code create_position_ids_from_input_ids}: cumsum(ids != pad) * (ids != pad) + padding_idx, [B,T]. */
    public static Tensor createPositionIdsFromInputIds(Tensor inputIds, long paddingIdx) {
        Tensor mask = inputIds.ne(new org.bytedeco.pytorch.Scalar(paddingIdx)).to(ScalarType.Long);
        return torch.cumsum(mask, 1).mul(mask).add(new org.bytedeco.pytorch.Scalar(paddingIdx));
    }

    /** {@code RobertaModel}: embeddings, BERT's encoder, and (optionally) BERT's pooler. */
    public static final class RobertaModel extends EncoderModel<RobertaConfig> {
        public final RobertaEmbeddings embeddings;
        public final BertEncoder encoder;
        public final BertPooler pooler;

        public RobertaModel(RobertaConfig config) {
            this(config, true);
        }

        public RobertaModel(RobertaConfig config, boolean addPoolingLayer) {
            super(config);
            BertConfig shared = config.asBertConfig();
            embeddings = register("embeddings", new RobertaEmbeddings(config));
            encoder = register("encoder", new BertEncoder(shared));
            pooler = addPoolingLayer ? register("pooler", new BertPooler(shared)) : null;
            postInit();
        }

        public static RobertaModel fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static RobertaModel fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, () -> new RobertaModel(options.applyTo(loadConfig(dir))));
        }

        /** → last_hidden_state [B,T,C], pooler_output [B,C] (null without a pooler) */
        @Override
        public BaseModelOutput forward(ModelInputs in) {
            // positions run from padding_idx + 1, so the longest usable sequence is max_position_embeddings - padding_idx - 1
            AttentionMasks.checkLength(in.inputIds().size(1), config.maxPositionEmbeddings() - config.padTokenId() - 1);
            AttentionMasks.checkIds(in.inputIds(), config.vocabSize(), "input_ids", "vocab_size");
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            Tensor h = encoder.forward(embeddings.forward(in.inputIds(), in.tokenTypeIds()), u);
            return new BaseModelOutput(h, pooler == null ? null : pooler.forward(h));
        }

        @Override
        public int hiddenSize() {
            return config.hiddenSize();
        }

        @Override
        protected String baseModelPrefix() {
            return "roberta";
        }

        @Override
        protected void initWeights(Module m) {
            BertModeling.initBertWeights(m, config.initializerRange());
        }

        @Override
        protected boolean isNewHead(String name) {
            return name.startsWith("pooler.");
        }

        @Override
        protected boolean isOptionalOutput(String name) {
            return name.startsWith("pooler."); // only pooler_output uses it; cls and mean pooling never do
        }
    }

    /** {@code RobertaClassificationHead}: dropout → dense → tanh → dropout → out_proj, on the {@code <s>} token. */
    public static final class RobertaClassificationHead extends Module {
        public final Linear dense;
        public final Dropout dropout;
        public final Linear outProj;

        public RobertaClassificationHead(RobertaConfig c) {
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

    /** {@code RobertaForSequenceClassification}: RoBERTa without pooler, then the classification head. */
    public static final class RobertaForSequenceClassification extends SequenceClassificationModel<RobertaConfig> {
        public final RobertaModel roberta;
        public final RobertaClassificationHead classifier;

        public RobertaForSequenceClassification(RobertaConfig config) {
            super(config);
            roberta = register("roberta", new RobertaModel(config, false));
            classifier = register("classifier", new RobertaClassificationHead(config));
            postInit();
        }

        public static RobertaForSequenceClassification fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, () -> new RobertaForSequenceClassification(options.applyTo(loadConfig(dir))));
        }

        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            Tensor logits = classifier.forward(roberta.forward(in).lastHiddenState());
            return SequenceClassifierOutput.of(logits, in.labels(), config);
        }

        @Override
        protected String baseModelPrefix() {
            return "roberta";
        }

        @Override
        protected void initWeights(Module m) {
            BertModeling.initBertWeights(m, config.initializerRange());
        }

        @Override
        protected boolean isNewHead(String name) {
            return name.startsWith("classifier.");
        }
    }

    /**
     * {@code RobertaLMHead}: dense C → C, gelu (always, whatever hidden_act says), {@code layer_norm}, then the
     * {@code decoder} C → V whose weight is the word embeddings and whose bias is the head's own {@code bias}
     * (shared Parameters, stored once as {@code roberta.embeddings.word_embeddings.weight} and {@code lm_head.bias}).
     */
    public static final class RobertaLMHead extends Module {
        public final Linear dense;
        public final LayerNorm layerNorm;
        public final Linear decoder;
        public final Parameter bias;

        public RobertaLMHead(RobertaConfig c, Parameter wordEmbeddings) {
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

    /** {@code RobertaForMaskedLM}: RoBERTa without pooler, then {@code lm_head} over every position. */
    public static final class RobertaForMaskedLM extends MaskedLMModel<RobertaConfig> {
        public final RobertaModel roberta;
        public final RobertaLMHead lmHead;

        public RobertaForMaskedLM(RobertaConfig config) {
            super(config);
            roberta = register("roberta", new RobertaModel(config, false));
            lmHead = register("lm_head", new RobertaLMHead(config, roberta.embeddings.wordEmbeddings.weight));
            postInit();
        }

        public static RobertaForMaskedLM fromPretrained(Path dir) {
            return fromPretrained(dir, PretrainedOptions.defaults());
        }

        public static RobertaForMaskedLM fromPretrained(Path dir, PretrainedOptions options) {
            return fromPretrained(dir, options, () -> new RobertaForMaskedLM(options.applyTo(loadConfig(dir))));
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

        @Override
        protected String baseModelPrefix() {
            return "roberta";
        }

        @Override
        protected void initWeights(Module m) {
            BertModeling.initBertWeights(m, config.initializerRange());
        }

        @Override
        protected boolean isNewHead(String name) {
            return name.startsWith("lm_head.");
        }

        @Override
        protected boolean isUnusedKey(String key) {
            return key.startsWith("roberta.pooler."); // built with add_pooling_layer=False
        }
    }

    static RobertaConfig loadConfig(Path dir) {
        return AutoConfig.fromPretrained(dir, RobertaConfig.class);
    }
}
