package io.t4j.models.bert;

import java.util.regex.Pattern;
import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.bert.BertModeling.BertForMaskedLM;
import io.t4j.models.bert.BertModeling.BertForPreTraining;
import io.t4j.models.bert.BertModeling.BertForQuestionAnswering;
import io.t4j.models.bert.BertModeling.BertForTokenClassification;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.bert.BertModeling.BertModel;

/** BERT as HF's {@code BertPreTrainedModel} declares it, and its rows of the Auto mappings (modeling_auto.py). */
public final class BertFamily extends ModelFamily<BertConfig> {
    public static final BertFamily INSTANCE = new BertFamily();

    public BertFamily() {
        super("bert", BertConfig.class, "bert");
    }

    @Override
    public void initWeights(Module module, BertConfig config) {
        BertModeling.initBertWeights(module, config.initializerRange());
    }

    /** The pooler: ONNX exports lack it and the masked-LM and token heads leave it out ({@code add_pooling_layer=False}). */
    @Override
    public boolean isOptional(String key) {
        return key.startsWith("pooler.");
    }

    /**
     * The attention output projections ({@code encoder.layer.N.attention.output.dense}, 1/12 of a layer's GEMM work):
     * their input, the attention context, is where per-tensor activation quantization lost the most. SST-2 dev accuracy
     * against fp32 of three fine-tuned bge-small models, all Linears int8: -0.80, -0.34, -0.57 points; these 12 kept in
     * fp32: -0.46, -0.23, -0.12; the feed-forward output projections kept instead (1/3 of the work): -0.69, -0.11,
     * +0.23 (BENCHMARKS.md, "int8: which layers stay in fp32").
     */
    @Override
    public boolean keepsFloatUnderInt8(String path) {
        return ATTENTION_OUTPUT.matcher(path).matches();
    }

    private static final Pattern ATTENTION_OUTPUT = Pattern.compile("encoder\\.layer\\.\\d+\\.attention\\.output\\.dense");

    @Override
    protected void registerModels(Heads<BertConfig> heads) {
        heads.add(Task.BASE_MODEL, BertModel.class, BertModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, BertForSequenceClassification.class, BertForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, BertForTokenClassification.class, BertForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, BertForQuestionAnswering.class, BertForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, BertForMaskedLM.class, BertForMaskedLM::new);
        heads.add(Task.PRETRAINING, BertForPreTraining.class, BertForPreTraining::new);
    }
}
