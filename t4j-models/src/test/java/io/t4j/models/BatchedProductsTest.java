package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Attention's float32 batched products as grouped convolutions equal {@code matmul}, forward and backward. */
class BatchedProductsTest {
    @Test
    void productsAndTheirGradientsEqualMatmul() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            Tensor q = torch.randn(2, 3, 7, 8).requires_grad_(true);
            Tensor k = torch.randn(2, 7, 3, 8).transpose(1, 2).requires_grad_(false); // a transposed view, as unpadded heads
            Tensor kLeaf = k.detach().requires_grad_(true);
            Tensor p = torch.randn(2, 3, 7, 7).softmax(-1).requires_grad_(true);
            Tensor v = torch.randn(2, 3, 7, 8).requires_grad_(true);

            Tensor scores = BatchedProducts.queryKey(q, kLeaf);
            Tensor context = BatchedProducts.probsValue(p, v);
            Tensor scoresRef = torch.matmul(q, kLeaf.transpose(-1, -2));
            Tensor contextRef = torch.matmul(p, v);
            double fwd = Math.max(Tensors.maxAbsDiff(scores, scoresRef), Tensors.maxAbsDiff(context, contextRef));

            Tensor ws = torch.randn(2, 3, 7, 7);
            Tensor wc = torch.randn(2, 3, 7, 8);
            Tensor[] leaves = {q, kLeaf, p, v};
            scores.mul(ws).sum().add(context.mul(wc).sum()).backward();
            Tensor[] grads = new Tensor[leaves.length];
            for (int i = 0; i < leaves.length; i++) {
                grads[i] = leaves[i].grad().clone();
                leaves[i].grad().zero_();
            }
            scoresRef.mul(ws).sum().add(contextRef.mul(wc).sum()).backward();
            double bwd = 0;
            for (int i = 0; i < leaves.length; i++) {
                bwd = Math.max(bwd, Tensors.maxAbsDiff(grads[i], leaves[i].grad()));
            }
            System.out.printf("grouped-convolution products vs matmul: forward max |diff| %.2e, gradients %.2e%n", fwd, bwd);
            // the same float32 sums of 7-8 terms of order 1 in another order: a few ulps
            assertThat(fwd).isLessThan(1e-5);
            assertThat(bwd).isLessThan(1e-5);
            assertThat(scores.sizes().vec().get()).containsExactly(2, 3, 7, 7);
            assertThat(context.sizes().vec().get()).containsExactly(2, 3, 7, 8);
        }
    }

    /**
     * The same at the head sizes of real encoders and every sequence length up to 130. On a Zen 5, oneDNN's float32
     * linear kernels and its ungrouped 1x1 convolutions were wrong for 80 and 112 outputs (among others; BENCHMARKS.md);
     * the grouped convolutions behind these products have the sequence length as their outputs per group, and were
     * right at every length there.
     */
    @Test
    void realHeadSizesAndEveryBlockBoundaryLength() {
        Engine.init();
        double worst = 0;
        for (long d : new long[] {32, 64}) {
            for (long t = 1; t <= 130; t++) {
                try (PointerScope scope = new PointerScope()) {
                    torch.manual_seed(d * 1000 + t);
                    Tensor q = torch.randn(2, 6, t, d).requires_grad_(true);              // [B,H,T,D]
                    Tensor k = torch.randn(2, 6, t, d).requires_grad_(true);
                    Tensor p = torch.randn(2, 6, t, t).softmax(-1).requires_grad_(true);  // [B,H,T,T]
                    Tensor v = torch.randn(2, 6, t, d).requires_grad_(true);
                    Tensor scores = BatchedProducts.queryKey(q, k);
                    Tensor context = BatchedProducts.probsValue(p, v);
                    Tensor scoresRef = torch.matmul(q, k.transpose(-1, -2));                // k^T [B,H,D,T]
                    Tensor contextRef = torch.matmul(p, v);
                    // relative to the largest product (|q k| ~ sqrt(D) ~ 8): float32 sums of D or T terms in another order
                    double rel = Math.max(Tensors.maxAbsDiff(scores, scoresRef) / scoresRef.abs().max().item_double(),
                            Tensors.maxAbsDiff(context, contextRef) / contextRef.abs().max().item_double());
                    scores.sum().add(context.sum()).backward();
                    Tensor[] grads = {q.grad().clone(), k.grad().clone(), p.grad().clone(), v.grad().clone()};
                    Tensor[] leaves = {q, k, p, v};
                    for (Tensor leaf : leaves) {
                        leaf.grad().zero_();
                    }
                    scoresRef.sum().add(contextRef.sum()).backward();
                    for (int i = 0; i < leaves.length; i++) {
                        rel = Math.max(rel, Tensors.maxAbsDiff(grads[i], leaves[i].grad())
                                / Math.max(leaves[i].grad().abs().max().item_double(), 1e-6));
                    }
                    assertThat(rel).as("D=%d, T=%d", d, t).isLessThan(1e-5);
                    worst = Math.max(worst, rel);
                }
            }
        }
        System.out.printf("grouped-convolution products vs matmul, D 32/64, T 1-130: largest relative difference %.2e%n", worst);
    }
}
