package io.t4j.models.modernbert;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.ModelInputs;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.Unpadding;
import io.t4j.models.decoder.RopeUtils;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertEncoderLayer;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForMaskedLM;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForSequenceClassification;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ModernBERT against HF's v4.48 tree (fixtures modernbert-seqcls, modernbert-seqcls-mean, modernbert-mlm: 3 layers,
 * global-local-global, window |i - j| <= 2, no biases, fp32). HF ran its padded eager path; t4j skips padding, so
 * hidden states and per-token outputs are compared on real positions. The fixtures' fp32-vs-fp64 logits differences
 * are 2.7e-7 to 1.3e-6, so 1e-5 holds with margin.
 */
class ModernBertParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"modernbert-seqcls", "modernbert-seqcls-mean", "modernbert-mlm"})
    void hiddenStatesMatchHfOnRealPositions(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            ModernBertModel model = ModernBertModel.fromPretrained(fx.dir());
            ModelInputs in = fx.inputs(false);
            Tensor real = fx.realPositions();
            System.out.println(name + " forward:");
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            ModernBertModeling.LayerInputs li = model.layerInputs(u, ScalarType.Float);
            Tensor h = model.embeddings.forward(in.inputIds());
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), 1e-5, real);
            int i = 1;
            for (ModernBertEncoderLayer layer : model.layers) {
                h = u.padInput(li.run(layer, u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "] (" + (layer.attn.isLocal() ? "local" : "global") + ")", h,
                        fx.tensor("outputs.hidden_states." + i++), 1e-5, real);
            }
            Parity.assertClose("last_hidden_state (after final_norm)", model.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), 1e-5, real);
            // HF's padded path, padding rows included (its local layer gives a padded query with no real key in its
            // window uniform attention, as t4j's dense path does)
            Parity.assertClose("last_hidden_state (every position, padding included)", model.forward(in, true).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), 1e-5, null);
        }
    }

    @Test
    void windowAndRopeFrequenciesAreHfs() {
        Fixture fx = Fixture.load("modernbert-seqcls");
        try (PointerScope scope = new PointerScope()) {
            Tensor none = fx.tensor("inputs.attention_mask").ge(new org.bytedeco.pytorch.Scalar(0)).unsqueeze(1).unsqueeze(1); // all true [B,1,1,T]
            Tensor window = ModernBertModeling.slidingWindowMask(none, 10, 2).select(0, 0).select(0, 0); // [T,T]
            assertThat(Tensors.toLongs(window.to(ScalarType.Long)))
                    .containsExactly(Tensors.toLongs(fx.tensor("inputs.sliding_window_allowed_computed_by_model")));
            double[] thetas = {160000.0, 10000.0, 160000.0};
            for (int layer = 0; layer < 3; layer++) {
                Parity.assertClose("inv_freq of layer " + layer, RopeUtils.defaultInvFreq(thetas[layer], 8),
                        fx.tensor("model_info.rope_inv_freq_per_layer." + layer), 0.0, null);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"modernbert-seqcls", "modernbert-seqcls-mean"})
    void classificationMatchesHf(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            SequenceClassificationModel<?> auto = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            var model = (ModernBertForSequenceClassification) auto;
            ModelInputs in = fx.inputs(true);
            System.out.println(name + " (" + model.config().classifierPooling() + " pooling):");
            Tensor pooled = model.pool(model.model.forward(in).lastHiddenState(), in.attentionMask());
            Parity.assertClose("pooled_before_head", pooled, fx.tensor("outputs.pooled_before_head"), 1e-5, null);
            Parity.assertClose("head_output", model.head.forward(pooled), fx.tensor("outputs.head_output"), 1e-5, null);
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(in).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    @Test
    void maskedLmMatchesHfWithTheDecoderTiedToTheEmbeddings() {
        Fixture fx = Fixture.load("modernbert-mlm");
        try (PointerScope scope = new PointerScope()) {
            MaskedLMModel<?> auto = AutoModelForMaskedLM.fromPretrained(fx.dir());
            var model = (ModernBertForMaskedLM) auto;
            assertThat(model.decoder.weight).isSameAs(model.model.embeddings.tokEmbeddings.weight);
            assertThat(model.namedParameters()).doesNotContainKey("decoder.weight").containsKey("decoder.bias");
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("modernbert-mlm:");
            Parity.assertClose("head_output", model.head.forward(model.model.forward(in).lastHiddenState()),
                    fx.tensor("outputs.head_output"), 1e-5, real);
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, real);
            Parity.assertRelClose("loss (5 masked tokens)", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(in).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
