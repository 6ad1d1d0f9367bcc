package io.t4j.models.xlmroberta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModel;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForMaskedLM;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForQuestionAnswering;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForTokenClassification;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XLM-RoBERTa's heads without an HF fixture (token classification, question answering, masked LM) over the
 * xlmr-seqcls encoder, whose output is HF's; save/load keeps model_type {@code xlm-roberta} and HF's class names;
 * and a config that contradicts itself names the field.
 */
@SuppressWarnings("try")
class XLMRobertaHeadsTest {
    @TempDir
    Path tmp;
    private final Fixture fx = Fixture.load("xlmr-seqcls");

    @Test
    void headsLoadThroughTheAutoClassesAndReadHfsEncoderOutput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ModelInputs in = fx.inputs(false);
            Tensor hf = fx.tensor("outputs.last_hidden_state");
            Tensor real = fx.realPositions();
            System.out.println("xlm-roberta heads over HF's encoder output:");
            var base = AutoModel.fromPretrained(fx.dir());
            assertThat(base).isInstanceOf(XLMRobertaModel.class);
            Parity.assertClose("XLMRobertaModel last_hidden_state", base.forward(in).lastHiddenState(), hf, 1e-5, real);

            var tok = (XLMRobertaForTokenClassification) AutoModelForTokenClassification.fromPretrained(fx.dir());
            Parity.assertClose("token logits vs classifier(HF)", tok.forward(in).logits(), tok.classifier.forward(hf), 1e-5, real);

            var qa = (XLMRobertaForQuestionAnswering) AutoModelForQuestionAnswering.fromPretrained(fx.dir());
            Tensor mask = fx.tensor("inputs.attention_mask").to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            Parity.assertClose("start logits vs qa_outputs(HF)", qa.forward(in).startLogits(),
                    qa.qaOutputs.forward(hf).select(-1, 0), 1e-5, mask);

            var mlm = (XLMRobertaForMaskedLM) AutoModelForMaskedLM.fromPretrained(fx.dir());
            assertThat(mlm.lmHead.decoder.weight).isSameAs(mlm.roberta.embeddings.wordEmbeddings.weight);
            assertThat(mlm.vocabSize()).isEqualTo(160);
            Parity.assertClose("MLM logits vs lm_head(HF)", mlm.forward(in).logits(), mlm.lmHead.forward(hf), 1e-5, real);
        }
    }

    @Test
    void savedFolderKeepsModelTypeAndClassName() throws IOException {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var mlm = (XLMRobertaForMaskedLM) AutoModelForMaskedLM.fromPretrained(fx.dir());
            Path saved = tmp.resolve("mlm");
            mlm.savePretrained(saved);
            var json = AutoConfig.JSON.readTree(saved.resolve("config.json").toFile());
            assertThat(json.get("model_type").asText()).isEqualTo("xlm-roberta");
            assertThat(json.get("architectures").get(0).asText()).isEqualTo("XLMRobertaForMaskedLM");
            try (SafeTensors st = SafeTensors.open(saved.resolve("model.safetensors"))) {
                assertThat(st.tensors().keySet()).doesNotContain("lm_head.decoder.weight").contains("lm_head.bias");
            }
            var back = AutoModelForMaskedLM.fromPretrained(saved);
            assertThat(back).isInstanceOf(XLMRobertaForMaskedLM.class);
            Parity.assertClose("reloaded MLM logits", back.forward(fx.inputs(false)).logits(),
                    mlm.forward(fx.inputs(false)).logits(), 0.0, null);
        }
    }

    @Test
    void aConfigThatContradictsItselfNamesTheField() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        ObjectNode config = (ObjectNode) AutoConfig.JSON.readTree(fx.dir().resolve("config.json").toFile());
        config.put("num_attention_heads", 5);
        AutoConfig.JSON.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> AutoConfig.fromPretrained(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("hidden_size 32 is not a multiple of num_attention_heads 5");
    }
}
