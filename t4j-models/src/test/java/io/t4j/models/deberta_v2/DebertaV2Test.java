package io.t4j.models.deberta_v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForMaskedLM;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForQuestionAnswering;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForSequenceClassification;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForTokenClassification;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeBERTa-v2 on tiny random configs: bucket arithmetic, config errors, padding, losses, heads and checkpoints. */
class DebertaV2Test {
    private static final long[][] IDS = {{1, 11, 12, 13, 14, 15, 16, 2}, {1, 21, 22, 23, 2, 0, 0, 0}, {1, 31, 2, 0, 0, 0, 0, 0}};
    private static final int[] LENGTHS = {8, 5, 3};
    @TempDir Path tmp;

    private static Tensor mask() {
        long[] m = new long[24];
        for (int row = 0; row < 3; row++) {
            Arrays.fill(m, row * 8, row * 8 + LENGTHS[row], 1);
        }
        return Tensors.fromLongs(m, 3, 8);
    }

    /**
     * DeBERTa-v3's real setting (256 buckets, max_position_embeddings 512), every distance up to 511 against the
     * formula in double precision: δ = r for |r| <= 128, else sign(r) * (ceil(log(|r|/128) / log(511/128) * 127) + 128).
     * A distance whose double value lies within 1e-4 of an integer before the ceil could round either way in float32;
     * the only one is 511, where the value is exactly 127 in both precisions (log(511/128) over itself).
     */
    @Test
    void logBucketsMatchTheFormulaAtDebertaV3Scale() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            long[] buckets = Tensors.toLongs(DebertaV2Modeling.buildRelativePosition(512, 1, 256, 512)); // δ(q, 0) = q
            int boundaries = 0;
            for (int r = 0; r < 512; r++) {
                long expected;
                if (r <= 128) {
                    expected = r;
                } else {
                    double x = Math.log(r / 128.0) / Math.log(511.0 / 128.0) * 127;
                    boundaries += r != 511 && Math.abs(x - Math.rint(x)) < 1e-4 ? 1 : 0;
                    expected = (long) Math.ceil(x) + 128;
                }
                assertThat(buckets[r]).as("bucket of distance " + r).isEqualTo(expected);
            }
            assertThat(boundaries).isZero();
            assertThat(buckets[511]).isEqualTo(255); // the far end is the last bucket, 2S - 1 after the shift by S
            long[] negative = Tensors.toLongs(DebertaV2Modeling.buildRelativePosition(1, 512, 256, 512)); // δ(0, k) = -k
            for (int k = 0; k < 512; k++) {
                assertThat(negative[k]).isEqualTo(-buckets[k]);
            }
            // without buckets, δ is the plain difference
            assertThat(Tensors.toLongs(DebertaV2Modeling.buildRelativePosition(3, 3, -1, 512))).containsExactly(0, -1, -2, 1, 0, -1, 2, 1, 0);
        }
    }

    @Test
    void posAttTypeAcceptsHfsLegacyStringAndRejectsUnknownValuesAndContradictions() throws IOException {
        Engine.init();
        DebertaV2Config legacy = config(Map.of("pos_att_type", "P2C | c2p"));
        assertThat(legacy.posAttType()).containsExactly("p2c", "c2p");
        assertThatThrownBy(() -> config(Map.of("pos_att_type", List.of("c2p", "p2p"))))
                .hasMessageContaining("pos_att_type").hasMessageContaining("'p2p'").hasMessageContaining("c2p, p2c");
        assertThatThrownBy(() -> config(Map.of("pos_att_type", List.of("c2p"), "relative_attention", false)))
                .hasMessageContaining("pos_att_type").hasMessageContaining("relative_attention");
        assertThatThrownBy(() -> config(Map.of("norm_rel_ebd", "batch_norm")))
                .hasMessageContaining("norm_rel_ebd").hasMessageContaining("batch_norm");
        assertThatThrownBy(() -> config(Map.of("pooler_hidden_size", 48)))
                .hasMessageContaining("pooler_hidden_size 48").hasMessageContaining("hidden_size 32");
        assertThatThrownBy(() -> config(Map.of("attention_head_size", 16)))
                .hasMessageContaining("attention_head_size 16");
    }

    /** A config.json of a tiny v3-style model with {@code extra} fields, read as t4j reads a folder. */
    private DebertaV2Config config(Map<String, Object> extra) throws IOException {
        Map<String, Object> json = new java.util.LinkedHashMap<>(Map.of("model_type", "deberta-v2", "vocab_size", 64,
                "hidden_size", 32, "num_hidden_layers", 2, "num_attention_heads", 4, "intermediate_size", 64,
                "relative_attention", true, "position_buckets", 8, "pos_att_type", List.of("p2c", "c2p")));
        json.putAll(extra);
        Path dir = Files.createDirectories(tmp.resolve("cfg" + System.nanoTime()));
        AutoConfig.JSON.writeValue(dir.resolve("config.json").toFile(), json);
        try {
            return (DebertaV2Config) AutoConfig.fromPretrained(dir);
        } catch (RuntimeException e) {
            throw e.getCause() instanceof IllegalArgumentException iae ? iae : e;
        }
    }

    /**
     * Real positions of a right-padded batch equal each sequence alone; so do those of a left-padded batch (the dense
     * path) when positions are relative only: with position_biased_input, HF's absolute positions count from the
     * batch's first column, so left padding shifts them (in HF as here).
     */
    @Test
    void paddingChangesNoRealPositionInEitherVariant() {
        Engine.init();
        // v3: shared keys, buckets, no absolute positions; v2-xlarge-like: separate pos projections, absolute positions,
        // token types, a projected embedding, the ConvLayer and unbucketed relative positions
        DebertaV2Config v3 = DebertaV2Config.v3(64, 32, 2, 4, 64, 4, 64);
        DebertaV2Config v2 = new DebertaV2Config(null, null, 64, 32, 2, 4, 64, null, null, null, 64, 2, null, null, true,
                6, null, true, List.of("c2p", "p2c"), null, null, null, -1, false, "none", 16, null, 3, 1, "tanh",
                null, null, null, null, null);
        for (DebertaV2Config c : List.of(v3, v2)) {
            try (PointerScope scope = new PointerScope()) {
                torch.manual_seed(5);
                DebertaV2Model model = new DebertaV2Model(c);
                model.eval();
                Tensor mask = mask();
                Tensor batch = model.forward(new ModelInputs(Tensors.fromLongMatrix(IDS), mask, null)).lastHiddenState();
                Tensor left = model.forward(new ModelInputs(leftPad(), leftPadMask(), null)).lastHiddenState();
                double worst = 0;
                for (int row = 0; row < 3; row++) {
                    int n = LENGTHS[row];
                    Tensor ids = Tensors.fromLongMatrix(new long[][] {Arrays.copyOf(IDS[row], n)});
                    Tensor alone = model.forward(new ModelInputs(ids, torch.ones(1, n), null)).lastHiddenState().squeeze(0); // [n,C]
                    worst = Math.max(worst, Tensors.maxAbsDiff(batch.select(0, row).narrow(0, 0, n), alone));
                    if (!c.positionBiasedInput()) {
                        worst = Math.max(worst, Tensors.maxAbsDiff(left.select(0, row).narrow(0, 8 - n, n), alone));
                    }
                }
                System.out.printf("deberta %s: padded batches vs each sequence alone, max |diff| %.3g%n",
                        c.shareAttKey() ? "v3" : "v2 (conv, pos projections)", worst);
                assertThat(worst).isLessThan(1e-5);
            }
        }
    }

    private static Tensor leftPad() {
        long[][] rows = new long[3][8];
        for (int row = 0; row < 3; row++) {
            int n = LENGTHS[row];
            System.arraycopy(IDS[row], 0, rows[row], 8 - n, n);
        }
        return Tensors.fromLongMatrix(rows);
    }

    private static Tensor leftPadMask() {
        long[] m = new long[24];
        for (int row = 0; row < 3; row++) {
            Arrays.fill(m, row * 8 + 8 - LENGTHS[row], row * 8 + 8, 1);
        }
        return Tensors.fromLongs(m, 3, 8);
    }

    /** DeBERTa's own loss when problem_type is unset: negative labels skipped, soft labels, regression. */
    @Test
    void sequenceClassificationLossesFollowDebertasRules() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            DebertaV2Config c = DebertaV2Config.v3(64, 32, 1, 4, 64, 4, 64).withLabels(Map.of(0, "a", 1, "b", 2, "c"), null);
            Tensor logits = Tensors.fromFloats(new float[] {1, 2, 3, 0, 0, 1, 2, -1, 0}, 3, 3);
            double some = DebertaV2Modeling.loss(logits, Tensors.fromLongs(new long[] {2, -1, 0}, 3), c).item_double();
            double expected = torch.cross_entropy(logits.index_select(0, Tensors.fromLongs(new long[] {0, 2}, 2)),
                    Tensors.fromLongs(new long[] {2, 0}, 2)).item_double();
            assertThat(some).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-7));
            assertThat(DebertaV2Modeling.loss(logits, Tensors.fromLongs(new long[] {-1, -1, -1}, 3), c).item_double()).isZero();
            Tensor soft = Tensors.fromFloats(new float[] {0, 0, 1, 0.5f, 0.5f, 0, 1, 0, 0}, 3, 3);
            double softLoss = DebertaV2Modeling.loss(logits, soft, c).item_double();
            double byHand = -logits.log_softmax(-1).mul(soft).sum().item_double() / 3;
            assertThat(softLoss).isCloseTo(byHand, org.assertj.core.data.Offset.offset(1e-6));
            DebertaV2Config multi = c.withLabels(c.id2label(), "multi_label_classification");
            assertThat(DebertaV2Modeling.loss(logits, soft, multi).item_double())
                    .isCloseTo(torch.binary_cross_entropy_with_logits(logits, soft).item_double(), org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    /** Every head through the registry: save a model, load it with the Auto class, same outputs; heads on a base checkpoint. */
    @Test
    void everyHeadSavesAndLoadsThroughTheAutoClasses() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            DebertaV2Config c = DebertaV2Config.v3(64, 32, 2, 4, 64, 4, 64).withLabels(Map.of(0, "O", 1, "B", 2, "I"), null);
            ModelInputs in = new ModelInputs(Tensors.fromLongMatrix(IDS), mask(), null);

            var tok = new DebertaV2ForTokenClassification(c);
            tok.eval();
            tok.savePretrained(tmp.resolve("tok"));
            var tokBack = AutoModelForTokenClassification.fromPretrained(tmp.resolve("tok"));
            assertThat(tokBack).isInstanceOf(DebertaV2ForTokenClassification.class);
            assertThat(Tensors.maxAbsDiff(tokBack.forward(in).logits(), tok.forward(in).logits())).isZero();

            var mlm = new DebertaV2ForMaskedLM(c);
            mlm.eval();
            assertThat(mlm.outputEmbeddings().weight).isSameAs(mlm.inputEmbeddings().weight);
            assertThat(mlm.namedParameters()).containsKey("cls.predictions.bias").doesNotContainKey("cls.predictions.decoder.weight");
            mlm.savePretrained(tmp.resolve("mlm"));
            var mlmBack = AutoModelForMaskedLM.fromPretrained(tmp.resolve("mlm"));
            assertThat(Tensors.maxAbsDiff(mlmBack.forward(in).logits(), mlm.forward(in).logits())).isZero();
            assertThat(mlmBack.loadingInfo().missingKeys()).isEmpty();

            // a QA head on the masked-LM checkpoint: the base loads, qa_outputs is new, cls.* is unused
            var qa = AutoModelForQuestionAnswering.fromPretrained(tmp.resolve("mlm"));
            assertThat(qa).isInstanceOf(DebertaV2ForQuestionAnswering.class);
            assertThat(qa.loadingInfo().missingKeys()).containsExactlyInAnyOrder("qa_outputs.weight", "qa_outputs.bias");
            var spans = qa.forward(in.withLabel("start_positions", Tensors.fromLongs(new long[] {1, 2, 0}, 3))
                    .withLabel("end_positions", Tensors.fromLongs(new long[] {3, 3, 0}, 3)));
            assertThat(Tensors.shape(spans.startLogits())).containsExactly(3, 8);
            assertThat(spans.loss().item_double()).isFinite();

            var seq = new DebertaV2ForSequenceClassification(c);
            seq.train();
            var out = seq.forward(in.withLabels(Tensors.fromLongs(new long[] {0, 2, 1}, 3)));
            out.loss().backward(); // training mode: every dropout on
            assertThat(seq.pooler.dense.weight.grad().abs().sum().item_double()).isPositive();
        }
    }

    /** Gradient checkpointing recomputes the layers in backward: the same gradients (dropout 0, so train mode is deterministic). */
    @Test
    void gradientCheckpointingGivesTheSameGradients() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(13);
            var model = new DebertaV2ForSequenceClassification(new DebertaV2Config(null, null, 64, 32, 2, 4, 64, null,
                    0.0, 0.0, 64, null, null, null, true, -1, null, false, List.of("p2c", "c2p"), null, null, null, 4,
                    true, "layer_norm", null, null, null, null, null, 0.0, null, null, null, null));
            model.train();
            ModelInputs in = new ModelInputs(Tensors.fromLongMatrix(IDS), mask(), null).withLabels(Tensors.fromLongs(new long[] {0, 1, 1}, 3));
            model.forward(in).loss().backward();
            Tensor plain = model.deberta.encoder.layer.get(0).attention.self.keyProj.weight.grad().clone();
            model.zeroGrad();
            model.gradientCheckpointingEnable();
            assertThat(model.isGradientCheckpointing()).isTrue();
            model.forward(in).loss().backward();
            double diff = Tensors.maxAbsDiff(model.deberta.encoder.layer.get(0).attention.self.keyProj.weight.grad(), plain);
            System.out.printf("deberta gradient checkpointing vs plain backward: max |diff| %.3g%n", diff);
            assertThat(plain.abs().max().item_double()).isPositive();
            assertThat(diff).isLessThan(1e-6);
        }
    }

    /** bf16 weights (eager attention) and fp32 under bf16 autocast (the Trainer's bf16 mode) stay near fp32's hidden states. */
    @Test
    void bf16WeightsAndAutocastStayCloseToFloat32() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(31);
            var model = new DebertaV2ForSequenceClassification(DebertaV2Config.v3(64, 32, 2, 4, 64, 4, 64));
            model.eval();
            ModelInputs in = new ModelInputs(Tensors.fromLongMatrix(IDS), mask(), null);
            Tensor fp32 = model.deberta.forward(in).lastHiddenState(); // LayerNorm-ed: values of order 1
            Tensor autocast;
            try (var ac = io.t4j.engine.Autocast.bf16()) {
                autocast = model.deberta.forward(in).lastHiddenState().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            }
            model.to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16);
            Tensor bf16 = model.deberta.forward(in).lastHiddenState().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            double scale = fp32.abs().max().item_double();
            System.out.printf("DebertaV2 bf16 weights vs fp32: %.3g, autocast vs fp32: %.3g (max |h| %.3g)%n",
                    Tensors.maxAbsDiff(bf16, fp32), Tensors.maxAbsDiff(autocast, fp32), scale);
            // bf16 keeps 8 bits of mantissa (2^-9 = 2e-3 relative per rounding): measured 1.5e-2 to 1.8e-2 with bf16
            // weights after two or three layers; a broken bf16 path (a mask or scale lost) is off by O(1)
            assertThat(Tensors.maxAbsDiff(bf16, fp32)).isLessThan(0.1);
            assertThat(Tensors.maxAbsDiff(autocast, fp32)).isLessThan(0.1);
        }
    }
}
