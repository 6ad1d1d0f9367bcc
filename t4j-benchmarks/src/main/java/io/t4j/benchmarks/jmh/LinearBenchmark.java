package io.t4j.benchmarks.jmh;

import io.t4j.engine.Engine;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code torch.linear} at bge-small's shapes (B*T = 32 x 40 rows; 384->384 attention projections, 384->1536 and
 * 1536->384 feed-forward), fp32 against bf16 (input and weight both bf16), forward only, no grad.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LinearBenchmark {
    @Param({"384x384", "384x1536", "1536x384"})
    public String shape;

    @Param({"fp32", "bf16"})
    public String dtype;

    @Param({"1280"})
    public int rows;

    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private NoGradGuard noGrad;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.init();
        noGrad = new NoGradGuard();
        String[] io = shape.split("x");
        long in = Long.parseLong(io[0]);
        long out = Long.parseLong(io[1]);
        ScalarType t = dtype.equals("bf16") ? ScalarType.BFloat16 : ScalarType.Float;
        x = torch.randn(rows, in).to(t);
        w = torch.randn(out, in).to(t);
        bias = torch.randn(out).to(t);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        noGrad.close();
    }

    @Benchmark
    public void linear() {
        try (PointerScope scope = new PointerScope()) {
            torch.linear(x, w, new TensorOptional(bias));
        }
    }
}
