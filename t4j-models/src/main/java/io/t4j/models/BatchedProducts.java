package io.t4j.models;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Attention's two batched products in float32, q k^T and p v over B·H small matrices, computed as grouped 1x1
 * convolutions (one group per head) so they run on oneDNN's convolution, in parallel over the heads, forward and
 * backward. libtorch 2.10's float32 {@code bmm} on this OpenBLAS build multiplies the small matrices one after
 * another on one thread ([384,49,32]x[384,32,49]: 2.9 ms on one thread and on two); bf16 {@code bmm} already runs on
 * oneDNN and is not routed here. Same sums, float32 accumulation, another summation order.
 *
 * <p>A grouped 1x1 {@code conv1d} with input [1, G·Cin, L] and weight [G·Cout, Cin, 1] computes
 * out[g, co, l] = Σ_ci weight[g, co, ci] · input[g, ci, l]: a batched product whose left operand is the weight.
 */
final class BatchedProducts {
    private BatchedProducts() {}

    /** q [B,H,Tq,D], k [B,H,Tk,D] → q k^T [B,H,Tq,Tk]. */
    static Tensor queryKey(Tensor q, Tensor k) {
        long b = q.size(0), h = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2);
        Tensor weight = q.reshape(b * h * tq, d, 1);                                   // [B,H,Tq,D] -> [G*Tq,D,1]
        Tensor input = k.transpose(-1, -2).reshape(1, b * h * d, tk);                  // [B,H,D,Tk] -> [1,G*D,Tk]
        return grouped(input, weight, b * h).view(b, h, tq, tk);                       // [1,G*Tq,Tk] -> [B,H,Tq,Tk]
    }

    /** p [B,H,Tq,Tk], v [B,H,Tk,D] → p v [B,H,Tq,D]. */
    static Tensor probsValue(Tensor p, Tensor v) {
        long b = p.size(0), h = p.size(1), tq = p.size(2), tk = p.size(3), d = v.size(3);
        Tensor weight = p.reshape(b * h * tq, tk, 1);                                  // [B,H,Tq,Tk] -> [G*Tq,Tk,1]
        Tensor input = v.reshape(1, b * h * tk, d);                                    // [B,H,Tk,D] -> [1,G*Tk,D]
        return grouped(input, weight, b * h).view(b, h, tq, d);                        // [1,G*Tq,D] -> [B,H,Tq,D]
    }

    private static Tensor grouped(Tensor input, Tensor weight, long groups) {
        return torch.conv1d(input, weight, new TensorOptional(), new long[] {1}, new long[] {0}, new long[] {1}, groups);
    }
}
