package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The encoder's unpadded path: real tokens of a padded batch equal each sentence run alone; padding comes out 0. */
class UnpaddingTest {
    private static final long[][] IDS = {{2, 11, 12, 13, 14, 3}, {2, 21, 22, 3, 0, 0}, {2, 3, 0, 0, 0, 0}};
    private static final int[] LENGTHS = {6, 4, 2};

    @Test
    void realTokensOfAPaddedBatchEqualEachSentenceAloneAndPaddingIsZero() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            BertModel model = new BertModel(BertConfig.of(100, 32, 2, 4, 64));
            model.eval();
            Tensor mask = Tensors.fromLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0}, 3, 6);
            Unpadding u = Unpadding.of(mask, Tensors.fromLongMatrix(IDS));
            assertThat(u.indices()).isNotNull();
            assertThat(Tensors.toLongs(u.indices())).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13);

            Tensor batch = model.forward(new ModelInputs(Tensors.fromLongMatrix(IDS), mask, null, null)).lastHiddenState();
            double worst = 0;
            for (int row = 0; row < IDS.length; row++) {
                int n = LENGTHS[row];
                Tensor ids = Tensors.fromLongMatrix(new long[][] {java.util.Arrays.copyOf(IDS[row], n)});
                Tensor alone = model.forward(new ModelInputs(ids, torch.ones(1, n), null, null)).lastHiddenState(); // [1,n,C]
                Tensor real = batch.select(0, row).narrow(0, 0, n).unsqueeze(0);                             // [1,n,C]
                worst = Math.max(worst, Tensors.maxAbsDiff(real, alone));
                if (n < 6) { // padding positions are written as zeros, not computed
                    assertThat(batch.select(0, row).narrow(0, n, 6 - n).abs().max().item_double()).isZero();
                }
            }
            // the batch runs its matmuls on [12,C] rows, each sentence alone on [n,C]: other kernel blockings
            Parity.check("unpadded batch vs each sentence alone", "last_hidden_state", "abs", worst, Tolerances.ENCODER_HIDDEN_ABS);
        }
    }

    @Test
    void batchesWithoutPaddingOrWithLeftPaddingKeepTheDensePath() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = Tensors.fromLongMatrix(new long[][] {{2, 5, 3}, {0, 2, 3}});
            assertThat(Unpadding.of(null, ids).indices()).isNull();
            assertThat(Unpadding.of(torch.ones(2, 3), ids).indices()).isNull();
            assertThat(Unpadding.of(torch.ones(2, 3), ids).keyMask()).isNull(); // no padding: attention masks nothing
            assertThat(Unpadding.of(null, ids).keyMask()).isNull();
            Tensor leftPadded = Tensors.fromLongs(new long[] {1, 1, 1, 0, 1, 1}, 2, 3);
            Unpadding left = Unpadding.of(leftPadded, ids);
            assertThat(left.indices()).isNull(); // position 0 (the pooler's [CLS]) is a pad in row 1: HF computes it
            assertThat(left.keyMask()).isNotNull(); // but attention still masks the padding keys
            Tensor x = torch.randn(2, 3, 8);
            assertThat(Tensors.maxAbsDiff(left.padInput(left.unpadInput(x)), x)).isZero(); // no arithmetic: the same tensor
        }
    }

    @Test
    void padHeadsIsPadInputSplitIntoHeadsAndPassesGradientsBack() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            Tensor mask = Tensors.fromLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0}, 3, 6);
            Unpadding u = Unpadding.of(mask, Tensors.fromLongMatrix(IDS));
            torch.manual_seed(4);
            Tensor x = torch.randn(12, 8).requires_grad_(true);                                 // [N,C], N = 12 real tokens
            Tensor heads = u.padHeads(x, 2);                                                    // [B,H,T,D]
            Tensor split = u.padInput(x).view(3, 6, 2, 4).transpose(1, 2);                       // [B,T,C] -> [B,T,H,D] -> [B,H,T,D]
            assertThat(heads.sizes().vec().get()).containsExactly(3, 2, 6, 4);
            assertThat(heads.is_contiguous()).isTrue();
            assertThat(Tensors.maxAbsDiff(heads, split)).isZero(); // a copy, no arithmetic
            Tensor weights = torch.randn(3, 2, 6, 4);
            heads.mul(weights).sum().backward();
            Tensor expected = u.unpadInput(weights.transpose(1, 2));                             // [B,H,T,D] -> [B,T,H,D] -> [N,C]
            assertThat(Tensors.maxAbsDiff(x.grad(), expected)).isZero();

            Unpadding dense = Unpadding.of(null, Tensors.fromLongMatrix(IDS));
            Tensor y = torch.randn(18, 8);
            assertThat(Tensors.maxAbsDiff(dense.padHeads(y, 2), y.view(3, 6, 2, 4).transpose(1, 2))).isZero();
        }
    }

    @Test
    void anAttentionMaskOfAnotherShapeIsAClearError() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            BertModel model = new BertModel(BertConfig.of(100, 32, 1, 4, 64));
            Tensor ids = Tensors.fromLongMatrix(IDS);
            assertThatThrownBy(() -> model.forward(new ModelInputs(ids, torch.ones(3, 5), null, null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("attention_mask has shape [3, 5]").hasMessageContaining("input_ids has [3, 6]");
        }
    }
}
