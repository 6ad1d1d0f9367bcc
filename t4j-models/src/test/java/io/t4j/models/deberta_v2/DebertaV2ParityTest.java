package io.t4j.models.deberta_v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.Unpadding;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForSequenceClassification;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2Layer;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DebertaV2ForSequenceClassification against HF transformers 4.46.1 (fixtures/deberta-v2-seqcls: DeBERTa-v3 style,
 * 8 position buckets, shared attention keys, p2c and c2p, LayerNorm-ed relative embeddings, no absolute positions),
 * fp32. Hidden states are compared on real positions: HF masks queries too, so its padding rows differ from t4j's
 * zeros; the fixture's fp32-vs-fp64 logits difference is 3.8e-7, so 1e-5 holds with margin.
 */
class DebertaV2ParityTest {
    private final Fixture fx = Fixture.load("deberta-v2-seqcls");

    @Test
    void relativePositionsAreHfsLogBuckets() {
        try (PointerScope scope = new PointerScope()) {
            var model = DebertaV2ForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            Tensor expected = fx.tensor("inputs.relative_positions_computed_by_model").squeeze(0); // [1,10,10] -> [10,10]
            assertThat(Tensors.toLongs(model.deberta.encoder.relativePositions(10))).containsExactly(Tensors.toLongs(expected));
            Parity.assertClose("rel_embeddings after LayerNorm", model.deberta.encoder.relEmbedding(),
                    fx.tensor("outputs.rel_embeddings_after_layernorm"), 1e-5, null);
        }
    }

    @Test
    void hiddenStatesPooledOutputLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = DebertaV2ForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("deberta-v2-seqcls forward:");
            Tensor h = model.deberta.embeddings.forward(in.inputIds(), null, in.attentionMask());
            Parity.assertClose("hidden_states[0] (embeddings, times the mask)", h, fx.tensor("outputs.hidden_states.0"), 1e-5, null);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            var encoder = model.deberta.encoder;
            Tensor mask = DebertaV2Modeling.DebertaV2Encoder.attentionMask(in.attentionMask(), u);
            int i = 1;
            for (DebertaV2Layer layer : encoder.layer) {
                h = u.padInput(layer.forward(u.unpadInput(h), u, mask, encoder.relativePositions(10), encoder.relEmbedding()));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), 1e-5, real);
            }
            Tensor last = model.deberta.forward(in).lastHiddenState();
            Parity.assertClose("last_hidden_state", last, fx.tensor("outputs.last_hidden_state"), 1e-5, real);
            Parity.assertClose("pooled_output (ContextPooler)", model.pooler.forward(last), fx.tensor("outputs.pooled_output"), 1e-5, null);
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
        }
    }

    /** HF's dense path (every position computed, the query rows of padding masked): every position matches, padding included. */
    @ParameterizedTest
    @ValueSource(strings = {"sdpa", "eager"})
    void theDensePathMatchesHfAtEveryPosition(String form) {
        withAttention(form, () -> {
            try (PointerScope scope = new PointerScope()) {
                var model = DebertaV2ForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
                ModelInputs in = fx.inputs(false);
                System.out.println("deberta-v2-seqcls, every position computed, " + form + " attention:");
                Parity.assertClose("last_hidden_state (every position, padding included)",
                        model.deberta.forward(in, true).lastHiddenState(), fx.tensor("outputs.last_hidden_state"), 1e-5, null);
            }
        });
    }

    /** Logits, loss and every gradient in both attention forms (SDPA with the relative terms as its mask; eager). */
    @ParameterizedTest
    @ValueSource(strings = {"sdpa", "eager"})
    void logitsLossAndEveryGradientMatchHfInEitherAttentionForm(String form) {
        withAttention(form, () -> {
            try (PointerScope scope = new PointerScope()) {
                SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
                assertThat(model).isInstanceOf(DebertaV2ForSequenceClassification.class);
                System.out.println("deberta-v2-seqcls, " + form + " attention:");
                var out = model.forward(fx.inputs(true));
                Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
                Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
                out.loss().backward();
                Parity.assertGradientsMatch(model, fx);
            }
        });
    }

    /** Runs {@code body} with {@code -Dt4j.attention=form}, then restores the property. */
    private static void withAttention(String form, Runnable body) {
        String previous = System.getProperty("t4j.attention");
        System.setProperty("t4j.attention", form);
        try {
            body.run();
        } finally {
            if (previous == null) {
                System.clearProperty("t4j.attention");
            } else {
                System.setProperty("t4j.attention", previous);
            }
        }
    }

    /** Loaded frozen for inference, as the CLI and server load it (q/k/v fused into one GEMM, oneDNN packed weights). */
    @Test
    void frozenInferenceLoadMatchesHf() {
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            var model = DebertaV2ForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults().withZeroCopy(true));
            ModelInputs in = fx.inputs(true);
            System.out.println("deberta-v2-seqcls forward, frozen for inference:");
            Parity.assertClose("last_hidden_state", model.deberta.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), 1e-5, fx.realPositions());
            Parity.assertClose("logits", model.forward(in).logits(), fx.tensor("outputs.logits"), 1e-5, null);
        }
    }
}
