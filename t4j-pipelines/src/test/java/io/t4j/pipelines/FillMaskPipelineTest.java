package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.bert.BertModeling.BertForMaskedLM;
import io.t4j.models.roberta.RobertaModeling.RobertaForMaskedLM;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.models.testing.Parity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HF's fill-mask pipeline over the tiny BERT and RoBERTa fixtures with word-level tokenizers. */
@SuppressWarnings("try")
class FillMaskPipelineTest {
    @TempDir Path dir;

    @Test
    void topKTokensAreTheSoftmaxOfTheMaskedLmLogitsAtTheMask() {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), dir.resolve("bert"));
        try (FillMaskPipeline fill = Pipeline.fillMask(folder); PointerScope scope = new PointerScope();
             NoGradGuard g = new NoGradGuard()) {
            assertThat(fill.maskToken()).isEqualTo("[MASK]");
            List<FillMaskResult> results = fill.apply("w7 [MASK] w9 w11");
            assertThat(results).hasSize(FillMaskPipeline.DEFAULT_TOP_K);
            // the reference: softmax over the vocabulary of the model's logits at the mask ([CLS] w7 [MASK] ...: position 2)
            var model = BertForMaskedLM.fromPretrained(folder);
            PreTrainedTokenizer tok = fill.tokenizer();
            Tensor logits = model.forward(ModelInputs.of(tok.encode(List.of("w7 [MASK] w9 w11"), EncodeOptions.defaults()))).logits();
            Tensor probs = torch.softmax(logits.select(0, 0).select(0, 2), -1); // [B,T,V] -> [V]
            float[] p = Tensors.toFloats(probs);
            double previous = 1.0;
            for (FillMaskResult r : results) {
                // the same forward on the same ids (one text): measured 0 in all 9 settings of scripts/test-kernels.sh
                Parity.assertClose("score vs softmax of the model's logits", "w" + r.token(), r.score(), p[r.token()], 1e-6);
                assertThat(r.score()).isLessThanOrEqualTo(previous);
                previous = r.score();
                assertThat(r.tokenStr()).isEqualTo("w" + r.token());
                assertThat(r.sequence()).isEqualTo("w7 w" + r.token() + " w9 w11");
            }
            float best = 0;
            for (float v : p) {
                best = Math.max(best, v);
            }
            Parity.assertClose("top score vs the largest probability", "-", results.getFirst().score(), best, 1e-7); // measured 0
            assertThat(fill.apply("w7 [MASK] w9 w11", 128)).hasSize(128);

            // several masks: one list per mask, each filling only its own mask, special tokens kept (HF)
            List<List<FillMaskResult>> two = fill.applyToEachMask("w7 [MASK] w9 [MASK]", 3);
            assertThat(two).hasSize(2);
            assertThat(two.get(0).getFirst().sequence()).startsWith("[CLS] w7 w").endsWith(" w9 [MASK] [SEP]");
            assertThat(two.get(1).getFirst().sequence()).startsWith("[CLS] w7 [MASK] w9 w");
            // a batch of texts of different lengths (padding) gives what each text gives alone
            var batch = fill.apply(List.of("w7 [MASK] w9 w11", "[MASK] w20"), 5);
            // the best tokens are compared exactly: safe while the top two scores are further apart than twice the
            // score tolerance below (then rounding cannot swap them)
            var alone = fill.apply("[MASK] w20");
            assertThat(results.get(0).score() - results.get(1).score()).isGreaterThan(2 * BATCHED_SCORE_ABS);
            assertThat(alone.get(0).score() - alone.get(1).score()).isGreaterThan(2 * BATCHED_SCORE_ABS);
            assertSame(batch.get(0).getFirst().getFirst(), results.getFirst());
            assertSame(batch.get(1).getFirst().getFirst(), alone.getFirst());

            assertThatThrownBy(() -> fill.apply("w7 w8 w9"))
                    .hasMessage("No mask_token ([MASK]) found on the input \"w7 w8 w9\"");
            assertThatThrownBy(() -> fill.apply("w7 [MASK] [MASK]", 5))
                    .hasMessageContaining("expected exactly one [MASK] in \"w7 [MASK] [MASK]\" but found 2");
            assertThatThrownBy(() -> fill.apply("w7 [MASK]", 0)).hasMessage("top_k must be at least 1, got 0");
        }
    }

    /**
     * A text in a padded batch against alone: its matmuls run on other shapes. Worst 4.5e-8 (Haswell) over the 9
     * settings of scripts/test-kernels.sh; 22x.
     */
    private static final double BATCHED_SCORE_ABS = 1e-6;

    /** The same candidate, its probability equal up to float rounding (a padded batch runs other kernels). */
    private static void assertSame(FillMaskResult actual, FillMaskResult expected) {
        assertThat(actual.token()).isEqualTo(expected.token());
        assertThat(actual.sequence()).isEqualTo(expected.sequence());
        Parity.assertClose("score, padded batch vs alone", actual.sequence(), actual.score(), expected.score(), BATCHED_SCORE_ABS);
    }

    @Test
    void robertaUsesItsOwnMaskToken() {
        Path folder = TinyTokenizer.robertaFixtureFolder(Fixture.load("roberta-seqcls"), dir.resolve("roberta"));
        try (FillMaskPipeline fill = Pipeline.fillMask(folder)) {
            assertThat(fill.model()).isInstanceOf(RobertaForMaskedLM.class);
            assertThat(fill.maskToken()).isEqualTo("<mask>");
            List<FillMaskResult> results = fill.apply("w7 <mask> w9");
            assertThat(results).hasSize(5);
            // the MLM head is new (the classifier checkpoint has none), drawn from torch's unseeded generator, so the
            // best token may be a special one, which HF's decode(skip_special_tokens=True) leaves out of the sequence:
            // check the best ordinary token (4 of the 128 ids are special, so the top 5 hold one)
            FillMaskResult ordinary = results.stream().filter(r -> r.tokenStr().startsWith("w")).findFirst().orElseThrow();
            assertThat(ordinary.sequence()).isEqualTo("w7 " + ordinary.tokenStr() + " w9");
            assertThatThrownBy(() -> fill.apply("w7 [MASK] w9")).hasMessageContaining("No mask_token (<mask>) found");
        }
    }

    @Test
    void aTokenizerWithoutMaskTokenIsRefused() throws Exception {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), dir.resolve("no-mask"));
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"tokenizer_class": "BertTokenizer", "model_max_length": 64, "pad_token": "[PAD]", "unk_token": "[UNK]",
                 "cls_token": "[CLS]", "sep_token": "[SEP]"}
                """);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            var model = BertForMaskedLM.fromPretrained(folder);
            assertThatThrownBy(() -> Pipeline.fillMask(model, tok))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the tokenizer in " + folder + " has no mask_token, which the fill-mask pipeline needs");
        }
    }
}
