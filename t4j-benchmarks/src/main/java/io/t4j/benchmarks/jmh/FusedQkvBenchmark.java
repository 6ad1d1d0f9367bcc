package io.t4j.benchmarks.jmh;

import io.t4j.engine.Engine;
import io.t4j.engine.nn.Linear;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
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
 * The fused-QKV lever: BERT's query/key/value projections (384 -> 384 each, bge-small) over B*T = 32 x 40 rows, as
 * three {@code linear} calls against one GEMM over the weights concatenated per call (gradients still reach the
 * three layers' own parameters), forward and backward, in fp32. Not used by the models: see BENCHMARKS.md, Levers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FusedQkvBenchmark {
    @Param({"1280"})
    public int rows;

    @Param({"true", "false"})
    public boolean backward;

    private Tensor x;
    private Linear query;
    private Linear key;
    private Linear value;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.init();
        x = torch.randn(rows, 384).to(ScalarType.Float);
        query = new Linear(384, 384);
        key = new Linear(384, 384);
        value = new Linear(384, 384);
    }

    @Benchmark
    public void separate() {
        try (PointerScope scope = new PointerScope()) {
            Tensor y = query.forward(x).sum().add(key.forward(x).sum()).add(value.forward(x).sum());
            finish(y);
        }
    }

    @Benchmark
    public void fused() {
        try (PointerScope scope = new PointerScope()) {
            Tensor w = torch.cat(new TensorVector(query.weight.data(), key.weight.data(), value.weight.data()), 0); // [3C,C]
            Tensor b = torch.cat(new TensorVector(query.bias.data(), key.bias.data(), value.bias.data()), 0);   // [3C]
            finish(torch.linear(x, w, b).sum());
        }
    }

    private void finish(Tensor y) {
        if (backward) {
            y.backward();
            query.zeroGrad();
            key.zeroGrad();
            value.zeroGrad();
        }
    }
}
