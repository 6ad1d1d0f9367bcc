package io.t4j.models.bert;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.models.Unpadding;
import io.t4j.models.MaskedLMOutput;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForMaskedLM;
import io.t4j.models.bert.BertModeling.BertLayer;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Tolerances;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BertForMaskedLM against HF transformers 4.46.1 (fixtures/bert-mlm: 5 masked positions, tied decoder), fp32, and
 * the tie itself: one tensor after loading, after parameter updates, through saving (stored once) and reloading.
 */
class BertMaskedLMParityTest {
    private final Fixture fx = Fixture.load("bert-mlm");
    @TempDir Path tmp;

    @Test
    void hiddenStatesLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = BertForMaskedLM.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            assertThat(model.loadingInfo().missingKeys()).isEmpty();
            assertThat(model.loadingInfo().unexpectedKeys()).isEmpty();
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("bert-mlm forward:");
            Tensor h = model.bert.embeddings.forward(in.inputIds(), in.tokenTypeIds());
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), Tolerances.ENCODER_HIDDEN_ABS, real);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            int i = 1;
            for (BertLayer layer : model.bert.encoder.layer) {
                h = u.padInput(layer.forward(u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), Tolerances.ENCODER_HIDDEN_ABS, real);
            }
            MaskedLMOutput out = model.forward(in);
            Parity.assertClose("logits [3,10,128]", out.logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, real);
            Parity.assertRelClose("loss (mean CE over the 5 masked positions)", out.loss().item_double(),
                    fx.number("outputs.loss"), Tolerances.LOSS_REL);
        }
    }

    @Test
    void everyGradientMatchesHfAndTheTiedEmbeddingGetsBothContributions() {
        try (PointerScope scope = new PointerScope()) {
            var model = BertForMaskedLM.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            model.forward(fx.inputs(true)).loss().backward();
            // grads.safetensors holds one gradient per parameter under its first name: the word embeddings' gradient
            // is the sum of the input-lookup and decoder contributions, as in HF
            Parity.assertGradientsMatch(model, fx);
        }
    }

    @Test
    void decoderIsTheWordEmbeddingTensorAfterLoadingAndAfterUpdates() {
        try (PointerScope scope = new PointerScope()) {
            var model = BertForMaskedLM.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            assertTied(model);
            assertThat(model.allParameterNames()).containsKeys("cls.predictions.decoder.weight", "cls.predictions.decoder.bias");
            assertThat(model.namedParameters()).doesNotContainKeys("cls.predictions.decoder.weight", "cls.predictions.decoder.bias");

            // three SGD steps on the word embeddings (in place, as an optimizer updates): the decoder sees every one
            for (int step = 0; step < 3; step++) {
                model.zeroGrad();
                model.forward(fx.inputs(true)).loss().backward();
                try (NoGradGuard g = new NoGradGuard()) {
                    for (var p : model.parameters()) {
                        p.data().sub_(p.grad().mul(new Scalar(0.5)));
                    }
                }
                assertTied(model);
            }
            Tensor moved = model.bert.embeddings.wordEmbeddings.weight.data().detach().clone();
            try (SafeTensors initial = SafeTensors.open(fx.dir().resolve("model.safetensors"))) {
                assertThat(Tensors.maxAbsDiff(moved, initial.tensor("bert.embeddings.word_embeddings.weight"))).isGreaterThan(1e-3);
            }

            // saving stores each tied tensor once, under HF's names; reloading ties them again
            Path out = tmp.resolve("saved");
            model.savePretrained(out);
            try (Checkpoint ckpt = Checkpoint.open(out); SafeTensors hf = SafeTensors.open(fx.dir().resolve("model.safetensors"))) {
                assertThat(ckpt.keys()).contains("bert.embeddings.word_embeddings.weight", "cls.predictions.bias")
                        .doesNotContain("cls.predictions.decoder.weight", "cls.predictions.decoder.bias")
                        .containsExactlyInAnyOrderElementsOf(hf.tensors().keySet()); // HF's save_pretrained layout
            }
            var reloaded = BertForMaskedLM.fromPretrained(out);
            assertTied(reloaded);
            assertThat(reloaded.loadingInfo().missingKeys()).isEmpty();
            assertThat(Tensors.maxAbsDiff(reloaded.outputEmbeddings().weight.data(), moved)).isZero(); // a copy, no arithmetic
            try (NoGradGuard g = new NoGradGuard()) {
                ModelInputs in = fx.inputs(false);
                Parity.assertSameComputation("bert-mlm logits after save/reload", "same weights bit for bit, same forward",
                        model.forward(in).logits(), reloaded.forward(in).logits());
            }
        }
    }

    /** The decoder weight and the word embeddings are one Parameter and one storage; the decoder bias is cls.predictions.bias. */
    static void assertTied(BertForMaskedLM model) {
        var embedding = model.bert.embeddings.wordEmbeddings.weight;
        var decoder = model.cls.predictions.decoder;
        assertThat(decoder.weight).isSameAs(embedding);
        assertThat(decoder.weight.data().data_ptr().address()).isEqualTo(embedding.data().data_ptr().address());
        assertThat(decoder.bias).isSameAs(model.cls.predictions.bias);
        assertThat(model.allParameterNames().get("cls.predictions.decoder.weight")).isSameAs(
                model.namedParameters().get("bert.embeddings.word_embeddings.weight"));
    }
}
