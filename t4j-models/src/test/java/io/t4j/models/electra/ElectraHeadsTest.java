package io.t4j.models.electra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModel;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.electra.ElectraModeling.ElectraForMaskedLM;
import io.t4j.models.electra.ElectraModeling.ElectraForPreTraining;
import io.t4j.models.electra.ElectraModeling.ElectraForQuestionAnswering;
import io.t4j.models.electra.ElectraModeling.ElectraForTokenClassification;
import io.t4j.models.electra.ElectraModeling.ElectraModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ELECTRA's heads that have no HF fixture (token classification, question answering, the generator), built over the
 * electra-seqcls fixture's encoder, whose output is checked against HF's; the generator's tied head; save/load round
 * trips; and checkpoints or configs that contradict {@code embedding_size}.
 */
@SuppressWarnings("try")
class ElectraHeadsTest {
    @TempDir
    Path tmp;
    private final Fixture fx = Fixture.load("electra-seqcls");

    @Test
    void tokenAndQuestionAnsweringHeadsReadHfsEncoderOutput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var tok = (ElectraForTokenClassification) AutoModelForTokenClassification.fromPretrained(fx.dir());
            assertThat(tok.loadingInfo().missingKeys()).containsExactlyInAnyOrder("classifier.weight", "classifier.bias");
            assertThat(tok.loadingInfo().unexpectedKeys()).containsExactlyInAnyOrder("classifier.dense.weight",
                    "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias");
            Tensor hf = fx.tensor("outputs.last_hidden_state");
            Tensor real = fx.realPositions();
            ModelInputs in = fx.inputs(false);
            System.out.println("electra token classification over HF's encoder output:");
            Parity.assertClose("logits vs classifier(HF last_hidden_state)", tok.forward(in).logits(),
                    tok.classifier.forward(hf), 1e-5, real);

            var qa = (ElectraForQuestionAnswering) AutoModelForQuestionAnswering.fromPretrained(fx.dir());
            assertThat(qa.loadingInfo().missingKeys()).containsExactlyInAnyOrder("qa_outputs.weight", "qa_outputs.bias");
            Tensor spans = qa.qaOutputs.forward(hf); // [B,T,2]
            var out = qa.forward(in);
            Tensor mask = fx.tensor("inputs.attention_mask").to(torch.ScalarType.Float);
            Parity.assertClose("start_logits vs qa_outputs(HF last_hidden_state)[...,0]", out.startLogits(), spans.select(-1, 0), 1e-5, mask);
            Parity.assertClose("end_logits vs qa_outputs(HF last_hidden_state)[...,1]", out.endLogits(), spans.select(-1, 1), 1e-5, mask);
        }
    }

    @Test
    void generatorHeadIsTiedToTheWordEmbeddingsAndRoundTripsWithoutADuplicateKey() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var mlm = (ElectraForMaskedLM) AutoModelForMaskedLM.fromPretrained(fx.dir());
            assertThat(mlm.generatorLmHead.weight).isSameAs(mlm.electra.embeddings.wordEmbeddings.weight);
            assertThat(mlm.loadingInfo().missingKeys()).containsExactlyInAnyOrder("generator_predictions.LayerNorm.weight",
                    "generator_predictions.LayerNorm.bias", "generator_predictions.dense.weight",
                    "generator_predictions.dense.bias", "generator_lm_head.bias");
            assertThat(mlm.generatorLmHead.bias.data().abs().sum().item_double()).isZero(); // HF's _init_weights zeroes it
            ModelInputs in = fx.inputs(false);
            Tensor logits = mlm.forward(in).logits();
            assertThat(Tensors.shape(logits)).containsExactly(3, 10, 128);
            // dense C -> E, gelu, LayerNorm over E, then the word embeddings [V,E] transposed plus the head's bias
            Tensor e = mlm.generatorPredictions.layerNorm.forward(torch.gelu(mlm.generatorPredictions.dense.forward(
                    fx.tensor("outputs.last_hidden_state"))));
            Tensor expected = torch.matmul(e, mlm.electra.embeddings.wordEmbeddings.weight.data().t()).add(mlm.generatorLmHead.bias.data());
            Parity.assertClose("generator logits vs tied head over HF's encoder output", logits, expected, 1e-5, fx.realPositions());

            Path saved = tmp.resolve("generator");
            mlm.savePretrained(saved);
            try (SafeTensors st = SafeTensors.open(saved.resolve("model.safetensors"))) {
                assertThat(st.tensors().keySet()).doesNotContain("generator_lm_head.weight").contains("generator_lm_head.bias",
                        "electra.embeddings.word_embeddings.weight", "electra.embeddings_project.weight");
            }
            var back = ElectraForMaskedLM.fromPretrained(saved);
            assertThat(back.loadingInfo().missingKeys()).isEmpty();
            assertThat(back.config().architectures()).containsExactly("ElectraForMaskedLM");
            Parity.assertClose("reloaded generator logits", back.forward(in).logits(), logits, 0.0, null);
        }
    }

    @Test
    void untiedGeneratorHeadHasItsOwnWeight() {
        try (PointerScope scope = new PointerScope()) {
            var config = new ElectraConfig(null, null, 64, 16, 32, 1, 4, 64, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, false, null, null, null, null);
            var mlm = new ElectraForMaskedLM(config);
            assertThat(mlm.generatorLmHead.weight).isNotSameAs(mlm.electra.embeddings.wordEmbeddings.weight);
            assertThat(mlm.namedParameters()).containsKey("generator_lm_head.weight");
        }
    }

    @Test
    void discriminatorLossReadsRealPositionsOnly() {
        Fixture disc = Fixture.load("electra-disc");
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var model = ElectraForPreTraining.fromPretrained(disc.dir());
            ModelInputs in = disc.inputs(true);
            double loss = model.forward(in).loss().item_double();
            Tensor pad = in.attentionMask().eq(new Scalar(0L));
            Tensor otherPadLabels = in.labels().masked_fill(pad, new Scalar(1L)); // 1 = "replaced" on every pad
            assertThat(model.forward(in.withLabels(otherPadLabels)).loss().item_double()).isEqualTo(loss);
        }
    }

    @Test
    void equalEmbeddingAndHiddenSizeHasNoProjection() {
        try (PointerScope scope = new PointerScope()) {
            var model = new ElectraModel(ElectraConfig.of(64, 32, 32, 1, 4, 64));
            assertThat(model.embeddingsProject).isNull();
            assertThat(model.namedParameters().keySet()).noneMatch(k -> k.startsWith("embeddings_project"));
            ModelInputs in = new ModelInputs(torch.ones(new long[] {2, 5}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)),
                    torch.ones(new long[] {2, 5}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)), null);
            assertThat(Tensors.shape(model.forward(in).lastHiddenState())).containsExactly(2, 5, 32);
        }
    }

    @Test
    void aCheckpointThatContradictsEmbeddingSizeNamesTheField() throws IOException {
        // embedding_size 32 (= hidden_size, so no projection), but the weights are 16 wide and carry embeddings_project
        Path wrongWidth = withConfig("wrong-width", Map.of("embedding_size", 32));
        assertThatThrownBy(() -> AutoModel.fromPretrained(wrongWidth)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json").hasMessageContaining("embedding_size is 32")
                .hasMessageContaining("[128, 16]");
        // embedding_size 16 but hidden_size 16: the checkpoint's projection contradicts "no projection"
        Path noProjection = Files.createDirectories(tmp.resolve("no-projection"));
        var mapped = new java.util.LinkedHashMap<String, Tensor>();
        try (PointerScope scope = new PointerScope(); SafeTensors st = SafeTensors.open(fx.dir().resolve("model.safetensors"))) {
            st.tensors().keySet().stream().filter(k -> !k.startsWith("electra.embeddings_project"))
                    .forEach(k -> mapped.put(k, st.tensor(k).clone()));
            io.t4j.engine.safetensors.Checkpoint.write(noProjection, mapped, io.t4j.engine.safetensors.Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        }
        Files.copy(fx.dir().resolve("config.json"), noProjection.resolve("config.json"));
        assertThatThrownBy(() -> AutoModel.fromPretrained(noProjection)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("embedding_size (16) differs from hidden_size (32)")
                .hasMessageContaining("embeddings_project");
    }

    @Test
    void aConfigThatContradictsItselfNamesTheField() throws IOException {
        Path zero = withConfig("zero", Map.of("embedding_size", 0));
        assertThatThrownBy(() -> AutoConfig.fromPretrained(zero)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("embedding_size must be at least 1");
        Path heads = withConfig("heads", Map.of("num_attention_heads", 5));
        assertThatThrownBy(() -> AutoConfig.fromPretrained(heads)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("hidden_size 32 is not a multiple of num_attention_heads 5");
        Path pad = withConfig("pad", Map.of("pad_token_id", 128));
        assertThatThrownBy(() -> AutoConfig.fromPretrained(pad)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("pad_token_id 128").hasMessageContaining("vocab_size 128");
    }

    /** The fixture folder with config.json fields replaced. */
    private Path withConfig(String name, Map<String, Integer> fields) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(fx.dir().resolve(f), dir.resolve(f));
        }
        ObjectNode config = (ObjectNode) AutoConfig.JSON.readTree(dir.resolve("config.json").toFile());
        fields.forEach(config::put);
        AutoConfig.JSON.writeValue(dir.resolve("config.json").toFile(), config);
        return dir;
    }

    @Test
    void reloadedClassifierKeepsItsClassAndPredictions() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var clf = ElectraModeling.ElectraForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            Path saved = tmp.resolve("clf");
            clf.savePretrained(saved);
            var back = io.t4j.models.AutoModelForSequenceClassification.fromPretrained(saved);
            assertThat(back).isInstanceOf(ElectraModeling.ElectraForSequenceClassification.class);
            assertThat(((ElectraConfig) back.config()).embeddingSize()).isEqualTo(16);
            Parity.assertClose("reloaded logits", back.forward(fx.inputs(false)).logits(), clf.forward(fx.inputs(false)).logits(), 0.0, null);
        }
    }
}
