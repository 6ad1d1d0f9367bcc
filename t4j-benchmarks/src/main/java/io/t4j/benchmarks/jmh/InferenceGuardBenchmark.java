package io.t4j.benchmarks.jmh;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.models.ModelInputs;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
 * The inference-mode lever: a text-classification forward of the real all-MiniLM-L6-v2 (fp32, eval mode) on a batch
 * of random token ids, under {@code InferenceMode} (what the pipelines use) against {@code NoGradGuard}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InferenceGuardBenchmark {
    @Param({"32", "1"})
    public int batch;

    @Param({"40"})
    public int length;

    private BertForSequenceClassification model;
    private long[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        Engine.init();
        model = BertForSequenceClassification.fromPretrained(DefaultModels.allMiniLmL6V2(), PretrainedOptions.numLabels(2));
        model.eval();
        Random random = new Random(42);
        ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + random.nextInt(20000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public float inferenceMode() {
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode()) {
            return forward();
        }
    }

    @Benchmark
    public float noGrad() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            return forward();
        }
    }

    private float forward() {
        Tensor inputIds = Tensors.fromLongs(ids, batch, length);
        Tensor mask = torch.ones_like(inputIds);
        return Tensors.toFloats(model.forward(new ModelInputs(inputIds, mask, null, null)).logits())[0];
    }
}
