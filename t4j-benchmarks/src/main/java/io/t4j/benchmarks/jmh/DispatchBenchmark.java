package io.t4j.benchmarks.jmh;

import io.t4j.engine.Engine;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-operation cost of a libtorch call from Java on 1-element tensors, where the arithmetic is nothing: what
 * every op of a forward pays in JNI, JavaCPP wrapping and libtorch's dispatcher. 100 ops per invocation in one
 * {@link PointerScope} (whose closing frees the 100 results and is part of the cost, as in a training step).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {
    private static final int OPS = 100;
    private Tensor a;
    private Tensor b;
    private Scalar one;
    private NoGradGuard noGrad;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.init();
        noGrad = new NoGradGuard();
        a = torch.ones(1);
        b = torch.ones(1);
        one = new Scalar(1.0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        noGrad.close();
    }

    /** {@code a + b}: allocates a result tensor each time. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void add() {
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < OPS; i++) {
                a.add(b);
            }
        }
    }

    /** {@code a.add_(b)}: in place, no allocation in libtorch (JavaCPP still wraps the returned reference). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void addInPlace() {
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < OPS; i++) {
                a.add_(b);
            }
        }
    }

    /** {@code a.mul_(scalar)} with a Scalar made once: the optimizer's pattern without a Scalar per call. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void mulScalarInPlace() {
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < OPS; i++) {
                a.mul_(one);
            }
        }
    }

    /** {@code a.mul_(new Scalar(1.0))}: a fresh Scalar per call, as t4j's AdamW writes it today. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void mulNewScalarInPlace() {
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < OPS; i++) {
                a.mul_(new Scalar(1.0));
            }
        }
    }
}
