package io.t4j.benchmarks.jmh;

import io.t4j.engine.Engine;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoder self-attention forward + backward at bge-small's training shapes (B=32, H=12, D=32, T=16 or 40, a
 * boolean padding mask with the last quarter of each row padded): libtorch's {@code scaled_dot_product_attention}
 * against HF's eager form (matmul, softmax in fp32, matmul), in fp32 and bf16.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AttentionBenchmark {
    @Param({"16", "40"})
    public int t;

    @Param({"fp32", "bf16"})
    public String dtype;

    private Tensor q;
    private Tensor k;
    private Tensor v;
    private Tensor mask;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.init();
        ScalarType type = dtype.equals("bf16") ? ScalarType.BFloat16 : ScalarType.Float;
        q = torch.randn(32, 12, t, 32).to(type).requires_grad_(true);
        k = torch.randn(32, 12, t, 32).to(type).requires_grad_(true);
        v = torch.randn(32, 12, t, 32).to(type).requires_grad_(true);
        mask = torch.arange(new Scalar(t)).lt(new Scalar(t - t / 4)).view(1, 1, 1, t).expand(32, 1, 1, t); // [B,1,1,T]
    }

    @Benchmark
    public void sdpa() {
        try (PointerScope scope = new PointerScope()) {
            torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false, new DoubleOptional(), false)
                    .sum().backward();
            zeroGrads();
        }
    }

    @Benchmark
    public void eager() {
        try (PointerScope scope = new PointerScope()) {
            Tensor scores = torch.matmul(q, k.transpose(-1, -2)).to(ScalarType.Float).mul(new Scalar(1.0 / Math.sqrt(32))); // [B,H,T,T]
            scores = scores.masked_fill(mask.logical_not(), new Scalar(-Float.MAX_VALUE));
            Tensor probs = scores.softmax(-1).to(q.scalar_type().intern());
            torch.matmul(probs, v).sum().backward(); // [B,H,T,D]
            zeroGrads();
        }
    }

    private void zeroGrads() {
        for (Tensor p : new Tensor[] {q, k, v}) {
            try (Tensor g = p.mutable_grad()) {
                if (g.defined()) {
                    g.reset();
                }
            }
        }
    }
}
