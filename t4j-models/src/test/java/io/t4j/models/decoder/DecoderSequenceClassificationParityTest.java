package io.t4j.models.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.Tensors;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.llama.LlamaModeling.LlamaForSequenceClassification;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForSequenceClassification;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoders as sequence classifiers against HF transformers 4.46.1 (fixtures llama-seqcls, qwen2-seqcls; see the
 * fixtures README's decoder sequence classification notes): the pooled position by HF's pad-id argmax rule, pooled
 * logits and loss for right- and left-padded batches, HF's error without a pad_token_id on a batch of 3 and the
 * last position for a batch of 1, and every gradient. Phi-3 has no classification fixture: its classifier is checked
 * against HF's own Phi-3 hidden states (fixtures/phi3, a causal LM), pooled by the same rule.
 */
class DecoderSequenceClassificationParityTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama-seqcls", "qwen2-seqcls"})
    void pooledLogitsLossAndGradientsMatchHf(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            assertThat(model.getClass().getSimpleName()).isEqualTo(fx.node("model_class").asText());
            ModelInputs in = fx.inputs(true);
            System.out.println(name + " forward:");
            Tensor idx = LastTokenPooling.sequenceLengths(in.inputIds(), 0);
            assertThat(Tensors.toLongs(idx)).as("pooled index (argmax rule)")
                    .containsExactly(Tensors.toLongs(fx.tensor("inputs.pooled_index_computed_by_model")));
            DecoderModel base = DecoderModel.of(model);
            Tensor h = base.forward(in);
            Parity.assertClose("last_hidden_state (real positions)", h, fx.tensor("outputs.last_hidden_state"), 1e-5, fx.realPositions());
            Parity.assertClose("score over every position (real positions)", base.score(h),
                    fx.tensor("outputs.score_logits_all_positions"), 1e-5, fx.realPositions());
            SequenceClassifierOutput out = model.forward(in);
            Parity.assertClose("pooled logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(in).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-seqcls", "qwen2-seqcls"})
    void leftPaddedBatchPoolsTheLastPositionAsHf(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            Tensor ids = fx.tensor("left_padded_forward.input_ids");
            ModelInputs in = new ModelInputs(ids, fx.tensor("left_padded_forward.attention_mask"), null, fx.tensor("inputs.labels"));
            assertThat(Tensors.toLongs(LastTokenPooling.sequenceLengths(ids, 0)))
                    .containsExactly(Tensors.toLongs(fx.tensor("left_padded_forward.pooled_index_computed_by_model")));
            System.out.println(name + " left-padded:");
            SequenceClassifierOutput out = model.forward(in);
            Parity.assertClose("left-padded pooled logits", out.logits(), fx.tensor("left_padded_forward.logits"), 1e-5, null);
            Parity.assertRelClose("left-padded loss", out.loss().item_double(), fx.number("left_padded_forward.loss"), 1e-6);
            out.loss().backward();
            model.namedParameters().forEach((k, p) -> assertThat(p.grad().isfinite().all().item_bool())
                    .as("left-padded gradient of " + k + " is finite (pad-only query rows)").isTrue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-seqcls", "qwen2-seqcls"})
    void withoutPadTokenIdABatchOfThreeIsHfsErrorAndABatchOfOnePoolsTheLastToken(String name) throws IOException {
        Fixture fx = Fixture.load(name);
        Path dir = copy(fx, tmp.resolve(name));
        ObjectNode config = (ObjectNode) AutoConfig.JSON.readTree(dir.resolve("config.json").toFile());
        config.putNull("pad_token_id");
        AutoConfig.JSON.writeValue(dir.resolve("config.json").toFile(), config);
        try (PointerScope scope = new PointerScope()) {
            SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(dir);
            assertThatThrownBy(() -> model.forward(fx.inputs(false)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(fx.node("no_pad_token_id.batch_3_raises").asText().replace("ValueError: ", ""))
                    .hasMessageContaining("pad_token_id");
            Tensor ids = fx.tensor("no_pad_token_id.batch_1_input_ids");
            SequenceClassifierOutput out = model.forward(new ModelInputs(ids, torch.ones_like(ids), null));
            System.out.println(name + " without pad_token_id:");
            Parity.assertClose("batch of 1 logits", out.logits(), fx.tensor("no_pad_token_id.batch_1_logits"), 1e-5, null);
        }
    }

    /**
     * Phi3ForSequenceClassification over the phi3 fixture's base model (a new {@code score} head): its pooled logits
     * equal {@code score} applied to HF's own last hidden states at the rule's positions ([11, 8, 4] for lengths 12, 9,
     * 5), for the right-padded batch and for the same rows left-padded; the head is Llama's ({@code score}, no bias).
     */
    @Test
    void phi3ClassifierPoolsHfsHiddenStatesAsLlamasDoes() {
        Fixture fx = Fixture.load("phi3");
        try (PointerScope scope = new PointerScope()) {
            var model = (Phi3ForSequenceClassification) AutoModelForSequenceClassification.fromPretrained(fx.dir());
            assertThat(model.loadingInfo().missingKeys()).containsExactly("score.weight");
            assertThat(model.loadingInfo().unexpectedKeys()).containsExactly("lm_head.weight");
            assertThat(model.score.bias).isNull();
            Tensor ids = fx.tensor("inputs.input_ids");
            Tensor idx = LastTokenPooling.sequenceLengths(ids, 0);
            assertThat(Tensors.toLongs(idx)).containsExactly(11, 8, 4);
            Tensor hf = fx.tensor("outputs.last_hidden_state"); // [3,12,32]
            Tensor expected = torch.stack(new org.bytedeco.pytorch.TensorVector(
                    hf.select(0, 0).select(0, 11), hf.select(0, 1).select(0, 8), hf.select(0, 2).select(0, 4))); // [3,32]
            Tensor expectedLogits = model.score.forward(expected);                                            // [3,2]
            System.out.println("phi3 classifier over HF's hidden states:");
            Parity.assertClose("pooled logits vs score(HF last_hidden_state[b, idx])",
                    model.forward(fx.inputs(false)).logits(), expectedLogits, 1e-5, null);
            Tensor left = fx.tensor("left_padded_forward.input_ids");
            Parity.assertClose("left-padded pooled logits vs the same",
                    model.forward(new ModelInputs(left, fx.tensor("left_padded_forward.attention_mask"), null)).logits(),
                    expectedLogits, 1e-5, null);
        }
    }

    private static Path copy(Fixture fx, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(fx.dir().resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** The base model and score head of a decoder classifier, whichever family. */
    private record DecoderModel(java.util.function.Function<ModelInputs, Tensor> base, java.util.function.UnaryOperator<Tensor> head) {
        static DecoderModel of(SequenceClassificationModel<?> m) {
            return switch (m) {
                case LlamaForSequenceClassification l -> new DecoderModel(
                        in -> l.model.forward(in.inputIds(), in.attentionMask(), null, null), l.score::forward);
                case Qwen2ForSequenceClassification q -> new DecoderModel(
                        in -> q.model.forward(in.inputIds(), in.attentionMask(), null, null), q.score::forward);
                default -> throw new IllegalArgumentException(m.getClass().getName());
            };
        }

        Tensor forward(ModelInputs in) {
            return base.apply(in);
        }

        Tensor score(Tensor h) {
            return head.apply(h);
        }
    }
}
