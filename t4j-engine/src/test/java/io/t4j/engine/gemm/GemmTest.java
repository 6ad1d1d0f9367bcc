package io.t4j.engine.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Autocast;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Activations;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every GEMM path against a float64 reference, with tolerances from measured error (relative Frobenius error of
 * y = x W^T + b, K = 384..1536, probe on this machine): fp32 paths 1.8e-7 to 4.5e-7 (bound 2e-6), bf16 paths
 * 2.6e-3 to 2.8e-3 (bound 1e-2: bf16 keeps 8 mantissa bits, 2^-9 = 2e-3 per rounded input), int8 dynamic
 * 1.2e-2 to 2.1e-2 (bound 5e-2: 8-bit weights per row and 8-bit activations per tensor). The paths are compared with
 * each other only through these tolerances, never for equality, so the tests hold whichever path the calibration
 * picks and whatever OPENBLAS_CORETYPE is.
 */
class GemmTest {
    static final double FP32 = 2e-6;
    static final double BF16 = 1e-2;
    static final double INT8 = 5e-2;

    @AfterEach
    void unforce() {
        Gemm.forceBackend(null);
    }

    static double relError(Tensor y, Tensor reference) {
        Tensor d = y.to(ScalarType.Double).sub(reference);
        return d.norm().item_double() / reference.norm().item_double();
    }

    static Tensor reference(Tensor x, Tensor w, Tensor b) {
        return torch.linear(x.to(ScalarType.Double), w.to(ScalarType.Double), b.to(ScalarType.Double));
    }

    @Test
    void everyPathMatchesFloat64WithinItsTolerance() {
        for (long[] shape : new long[][] {{1, 48, 32}, {12, 384, 1536}, {300, 1536, 384}}) {
            try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                torch.manual_seed(shape[0]);
                Tensor x = torch.randn(shape[0], shape[1]);
                Tensor w = torch.randn(shape[2], shape[1]).div_(Tensors.scalar(Math.sqrt(shape[1])));
                Tensor b = torch.randn(shape[2]);
                Tensor ref = reference(x, w, b);
                LinearKernels k = new LinearKernels();
                try {
                    for (GemmPath p : new GemmPath[] {GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32, GemmPath.ONEDNN_FP32_PACKED}) {
                        double e = relError(Gemm.run(p, x, w, b, k), ref);
                        System.out.printf("%s %s: relative error %.2e%n", java.util.Arrays.toString(shape), p.label(), e);
                        assertThat(e).as(p.label()).isLessThan(FP32);
                    }
                    Tensor x16 = x.to(ScalarType.BFloat16);
                    Tensor w16 = w.to(ScalarType.BFloat16);
                    for (GemmPath p : new GemmPath[] {GemmPath.ONEDNN_BF16, GemmPath.ONEDNN_BF16_PACKED}) {
                        Tensor y = Gemm.run(p, x16, w16, b.to(ScalarType.BFloat16), k);
                        assertThat(Tensors.scalarType(y)).isEqualTo(ScalarType.BFloat16);
                        double e = relError(y, ref);
                        System.out.printf("%s %s: relative error %.2e%n", java.util.Arrays.toString(shape), p.label(), e);
                        assertThat(e).as(p.label()).isLessThan(BF16);
                    }
                    Int8Weights.Quantized q = Int8Weights.quantize(w);
                    Tensor y8 = Gemm.linear(x, q.values(), b, q.scale(), k);
                    double e = relError(y8, ref);
                    System.out.printf("%s int8 dynamic: relative error %.2e%n", java.util.Arrays.toString(shape), e);
                    assertThat(e).isLessThan(INT8);
                } finally {
                    k.release();
                }
            }
        }
    }

    /**
     * An activation given to the GEMM (fused as a oneDNN post-op on the packed paths, a pass of its own elsewhere) is
     * the same function as applying it after. Measured differences: 0 in fp32 for GELU and ReLU (oneDNN's erf GELU and
     * libtorch's agree to the bit here), at most 1 bf16 ulp of the result in bf16 (the post-op runs on the fp32
     * accumulator, the separate pass on the bf16-rounded output).
     */
    @Test
    void anActivationInsideThePackedGemmEqualsTheActivationAfterIt() {
        try (PointerScope s = new PointerScope(); InferenceMode m = new InferenceMode()) {
            torch.manual_seed(11);
            Tensor x = torch.randn(23, 96);
            Tensor w = torch.randn(160, 96).div_(Tensors.scalar(Math.sqrt(96)));
            Tensor b = torch.randn(160);
            Int8Weights.Quantized q = Int8Weights.quantize(w);
            for (String name : new String[] {"gelu", "gelu_new", "relu", "silu"}) {
                Activations.Activation act = Activations.get(name);
                LinearKernels k = new LinearKernels();
                try {
                    for (GemmPath p : new GemmPath[] {GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32_PACKED}) {
                        Tensor after = act.apply(Gemm.run(p, x, w, b, k));
                        double d = Tensors.maxAbsDiff(Gemm.run(p, x, w, b, k, act), after);
                        System.out.printf("%s %s: fused vs after max |diff| %.2e%n", name, p.label(), d);
                        assertThat(d).as(name + " " + p.label()).isLessThan(1e-6);
                    }
                    Tensor x16 = x.to(ScalarType.BFloat16);
                    Tensor w16 = w.to(ScalarType.BFloat16);
                    Tensor b16 = b.to(ScalarType.BFloat16);
                    Tensor after16 = act.apply(Gemm.run(GemmPath.ONEDNN_BF16_PACKED, x16, w16, b16, k)).to(ScalarType.Float);
                    Tensor fused16 = Gemm.run(GemmPath.ONEDNN_BF16_PACKED, x16, w16, b16, k, act);
                    assertThat(Tensors.scalarType(fused16)).isEqualTo(ScalarType.BFloat16);
                    // one bf16 ulp of the result (2^-7 relative; 2^-8 of the input's scale near 0, where the activation
                    // of a rounded input and the rounded activation differ by up to an ulp of the input)
                    Tensor diff = fused16.to(ScalarType.Float).sub(after16).abs();
                    Tensor bound = after16.abs().mul(Tensors.scalar(1.0 / 128)).add(Tensors.scalar(1.0 / 256));
                    double over = diff.sub(bound).max().item_double();
                    System.out.printf("%s onednn bf16 packed: fused vs after max |diff| %.2e, worst |diff| - bound %.2e%n",
                            name, diff.max().item_double(), over);
                    assertThat(over).as(name + " bf16").isLessThanOrEqualTo(0.0);
                    Tensor y8 = Gemm.linear(x, q.values(), b, q.scale(), k, act);
                    double d8 = Tensors.maxAbsDiff(y8, act.apply(Gemm.linear(x, q.values(), b, q.scale(), k)));
                    assertThat(d8).as(name + " int8").isLessThan(1e-6);
                } finally {
                    k.release();
                }
            }
        }
    }

    @Test
    void oneDnnTrainingPathHasTheSameGradientsAsOpenBlas() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(5);
            Tensor x0 = torch.randn(2, 40, 96); // [B,T,C]: the 3-d input keeps its leading dims
            Tensor w = torch.randn(64, 96).div_(Tensors.scalar(10)).requires_grad_(true);
            Tensor b = torch.randn(64).requires_grad_(true);
            Tensor[] grads = new Tensor[6];
            int i = 0;
            for (GemmPath p : new GemmPath[] {GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32}) {
                Tensor x = x0.detach().requires_grad_(true);
                Tensor y = Gemm.run(p, x, w, b, new LinearKernels());
                assertThat(Tensors.shape(y)).containsExactly(2, 40, 64);
                y.pow(Tensors.scalar(2)).sum().backward();
                grads[i++] = x.grad().clone();
                grads[i++] = w.grad().clone();
                grads[i++] = b.grad().clone();
                w.grad().reset();
                b.grad().reset();
            }
            for (int j = 0; j < 3; j++) {
                double e = relError(grads[3 + j], grads[j].to(ScalarType.Double));
                System.out.printf("gradient %d: relative difference onednn vs openblas %.2e%n", j, e);
                assertThat(e).isLessThan(FP32);
            }
        }
    }

    @Test
    void frozenLayersUsePackedKernelsAndTrainableOnesKeepAutograd() {
        try (PointerScope s = new PointerScope()) {
            Linear l = new Linear(32, 16);
            Tensor x = torch.randn(4, 32);
            Gemm.forceBackend(Gemm.Backend.ONEDNN);
            boolean trusted = PackedLayouts.fp32Trusted(); // false where oneDNN's fp32 was wrong (a Zen 5): OpenBLAS then
            GemmPath autograd = trusted ? GemmPath.ONEDNN_FP32 : GemmPath.OPENBLAS_FP32;
            Gemm.resetPathCounts();
            l.forward(x);                                   // trainable, grad mode: the autograd path
            assertThat(Gemm.pathCounts()).containsOnlyKeys(autograd);
            l.requiresGrad(false);
            Gemm.resetPathCounts();
            try (InferenceMode m = new InferenceMode()) {
                l.forward(x);                               // frozen: packed once
            }
            assertThat(Gemm.pathCounts()).containsOnlyKeys(trusted ? GemmPath.ONEDNN_FP32_PACKED : GemmPath.OPENBLAS_FP32);
            Gemm.resetPathCounts();
            Tensor xg = x.detach().requires_grad_(true);    // frozen weight, but the input needs its gradient
            l.forward(xg).sum().backward();
            assertThat(Gemm.pathCounts()).containsOnlyKeys(autograd);
            assertThat(xg.grad().defined()).isTrue();
            Gemm.resetPathCounts();
            try (NoGradGuard g = new NoGradGuard(); Autocast a = Autocast.bf16()) {
                Tensor y = l.forward(x);                    // frozen fp32 weight under autocast: bf16 packed
                assertThat(Tensors.scalarType(y)).isEqualTo(ScalarType.BFloat16);
            }
            assertThat(Gemm.pathCounts()).containsOnlyKeys(GemmPath.ONEDNN_BF16_PACKED);
            Gemm.forceBackend(Gemm.Backend.OPENBLAS);
            Gemm.resetPathCounts();
            try (InferenceMode m = new InferenceMode()) {
                l.forward(x);
            }
            assertThat(Gemm.pathCounts()).containsOnlyKeys(GemmPath.OPENBLAS_FP32);
            l.releasePacked();
        }
    }

    @Test
    void aPackedWeightFollowsTheParameterWhenItsTensorIsReplaced() {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Gemm.forceBackend(Gemm.Backend.ONEDNN);
            Linear l = new Linear(8, 4);
            l.requiresGrad(false);
            Tensor x = torch.randn(3, 8);
            Tensor before = l.forward(x);
            l.weight.set(l.weight.data().mul(Tensors.scalar(2)));
            Tensor after = l.forward(x);
            Tensor expected = torch.linear(x, l.weight.data(), l.bias.data());
            assertThat(Tensors.maxAbsDiff(after, expected)).isLessThan(1e-5);
            assertThat(Tensors.maxAbsDiff(before, after)).isGreaterThan(1e-3);
            l.releasePacked();
        }
    }

    @Test
    void int8WeightsFollowPyTorchsPerChannelSymmetricObserver() {
        try (PointerScope s = new PointerScope()) {
            Tensor w = Tensors.fromFloats(new float[] {1.0f, -2.55f, 0.5f, 0, 0, 0, 0.3f, 0.1f, -0.05f}, 3, 3);
            Int8Weights.Quantized q = Int8Weights.quantize(w);
            float[] scale = Tensors.toFloats(q.scale());
            assertThat(scale[0]).isCloseTo(2.55f / 127.5f, org.assertj.core.data.Offset.offset(1e-9f));
            assertThat(scale[1]).isEqualTo((float) Int8Weights.EPS);          // an all-zero row
            assertThat(scale[2]).isCloseTo(0.3f / 127.5f, org.assertj.core.data.Offset.offset(1e-9f));
            assertThat(Tensors.toInts(q.values().to(ScalarType.Int))).containsExactly(50, -128, 25, 0, 0, 0, 127, 42, -21); // 0.1 / (0.3 / 127.5) = 42.5: half to even, as PyTorch
            // the libtorch qint8 tensor over the stored values keeps exactly those integers
            Tensor qt = Int8Weights.toQuantizedTensor(q.values(), q.scale());
            assertThat(Tensors.toInts(qt.int_repr().to(ScalarType.Int))).containsExactly(Tensors.toInts(q.values().to(ScalarType.Int)));
        }
    }

    @Test
    void aQuantizedLinearSavesAndLoadsItsInt8WeightsAndScales(@TempDir Path dir) {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(11);
            Linear l = new Linear(64, 24);
            Tensor x = torch.randn(5, 64);
            Tensor fp32;
            try (NoGradGuard g = new NoGradGuard()) {
                fp32 = l.forward(x);
            }
            l.quantizeInt8();
            assertThat(l.isInt8()).isTrue();
            Map<String, Tensor> state = StateDict.tensors(l);
            assertThat(state).containsOnlyKeys("weight", "bias", "weight_scale");
            assertThat(Tensors.scalarType(state.get("weight"))).isEqualTo(ScalarType.Char);
            Tensor y8;
            try (InferenceMode m = new InferenceMode()) {
                y8 = l.forward(x);
            }
            assertThat(relError(y8, fp32.to(ScalarType.Double))).isLessThan(INT8);
            io.t4j.engine.safetensors.Checkpoint.write(dir, state, io.t4j.engine.safetensors.Checkpoint.DEFAULT_MAX_SHARD_BYTES);

            Linear loaded = new Linear(64, 24);
            loaded.int8Placeholder();
            try (var ckpt = io.t4j.engine.safetensors.Checkpoint.open(dir)) {
                StateDict.load(loaded, ckpt, StateDict.Options.strict());
            }
            loaded.requiresGrad(false);
            try (InferenceMode m = new InferenceMode()) {
                assertThat(Tensors.maxAbsDiff(loaded.forward(x), y8)).isEqualTo(0.0);
            }
            l.releasePacked();
            loaded.releasePacked();
        }
    }

    @Test
    void backendComesFromTheEnvironmentAndRejectsUnknownNames() {
        assertThat(Gemm.Backend.parse("OneDNN", "T4J_GEMM")).isEqualTo(Gemm.Backend.ONEDNN);
        assertThat(Gemm.Backend.parse("openblas", "T4J_GEMM")).isEqualTo(Gemm.Backend.OPENBLAS);
        assertThat(Gemm.Backend.parse("measure", "T4J_GEMM")).isEqualTo(Gemm.Backend.MEASURE);
        assertThatThrownBy(() -> Gemm.Backend.parse("mkl", "T4J_GEMM"))
                .hasMessageContaining("T4J_GEMM=mkl").hasMessageContaining("auto, measure, openblas or onednn");
    }

    @Test
    void theCalibrationDecidesOncePerShapeAndBucketAndIsReadBackFromItsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("machine.properties");
        GemmPolicy policy = new GemmPolicy(file, "test machine");
        Gemm.forceBackend(Gemm.Backend.MEASURE); // measure fp32 too, whatever T4J_GEMM the suite runs under (reset after each test)
        try (PointerScope s = new PointerScope()) {
            GemmPath p1 = policy.choose(Gemm.Kind.FP32_INFER, 48, 32, 8, false);
            GemmPath p2 = policy.choose(Gemm.Kind.FP32_INFER, 48, 32, 12, false);   // same bucket: not measured again
            GemmPath p3 = policy.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 300, true);
            GemmPath p4 = policy.choose(Gemm.Kind.BF16_INFER, 48, 32, 300, false);
            assertThat(p1).isIn(GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32_PACKED).isEqualTo(p2);
            assertThat(p3).isIn(GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32);
            assertThat(p4).isIn(GemmPath.ONEDNN_BF16, GemmPath.ONEDNN_BF16_PACKED);
            assertThat(policy.decisions()).containsOnlyKeys("FP32_INFER.48x32.r16", "FP32_TRAIN.48x32.rbig",
                    "BF16_INFER.48x32.rbig");
            // a trainable layer evaluated without grad is not measured: OpenBLAS unless a decision exists
            assertThat(policy.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 8, false)).isEqualTo(GemmPath.OPENBLAS_FP32);
            assertThat(Files.readString(file)).contains("machine=test machine").contains("FP32_INFER.48x32.r16=" + p1.name());

            GemmPolicy again = new GemmPolicy(file, "test machine");
            assertThat(again.decisions()).containsOnlyKeys(policy.decisions().keySet());
            assertThat(again.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 1000, true)).isEqualTo(p3);
            GemmPolicy other = new GemmPolicy(file, "another machine");
            assertThat(other.decisions()).isEmpty();
        }
    }

    /** A sentence's rows (a small forward) decide apart from small batches: they took the batches' choice before. */
    @Test
    void rowsBucketsKeepSentencesApartFromBatches() {
        assertThat(GemmPolicy.bucket(1)).isEqualTo("r16");
        assertThat(GemmPolicy.bucket(24)).isEqualTo("r64");
        assertThat(GemmPolicy.bucket(64)).isEqualTo("r64");
        assertThat(GemmPolicy.bucket(65)).isEqualTo("r256");
        assertThat(GemmPolicy.bucket(257)).isEqualTo("rbig");
    }

    /**
     * The default runs fp32 inference on packed oneDNN and fp32 training on OpenBLAS when its workers sleep at once
     * (else oneDNN), without measuring; only bf16 inference's two oneDNN paths are measured.
     */
    @Test
    void autoMeasuresOnlyBf16Inference(@TempDir Path dir) {
        GemmPolicy policy = new GemmPolicy(dir.resolve("machine.properties"), "test machine");
        Gemm.forceBackend(Gemm.Backend.AUTO);
        try (PointerScope s = new PointerScope()) {
            assertThat(policy.choose(Gemm.Kind.FP32_INFER, 48, 32, 8, false)).isEqualTo(GemmPath.ONEDNN_FP32_PACKED);
            assertThat(policy.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 300, true))
                    .isEqualTo(Gemm.openblasForFp32Training() ? GemmPath.OPENBLAS_FP32 : GemmPath.ONEDNN_FP32);
            assertThat(policy.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 300, false))  // the same with or without grad
                    .isEqualTo(policy.choose(Gemm.Kind.FP32_TRAIN, 48, 32, 300, true));
            assertThat(policy.decisions()).isEmpty();
            assertThat(policy.choose(Gemm.Kind.BF16_INFER, 48, 32, 300, false)).isIn(GemmPath.ONEDNN_BF16, GemmPath.ONEDNN_BF16_PACKED);
            assertThat(policy.decisions()).containsOnlyKeys("BF16_INFER.48x32.rbig");
        }
    }

    /**
     * fp32 training goes to OpenBLAS only when its workers sleep at once, it runs libtorch's thread count and no
     * OPENBLAS_CORETYPE holds it below the CPU's AVX-512.
     */
    @Test
    void openblasTrainsOnlyWithAShortTimeoutTheSameThreadsAndItsWidestKernels() {
        Engine.init();
        assertThat(Gemm.openblasForFp32Training("4", null, 2, 2, null, true)).isTrue();         // what Engine sets, 2 cores
        assertThat(Gemm.openblasForFp32Training("10", "2", 2, 2, null, true)).isTrue();
        assertThat(Gemm.openblasForFp32Training(null, null, 2, 2, null, true)).isFalse();       // OpenBLAS's default: 2^28 cycles
        assertThat(Gemm.openblasForFp32Training("28", null, 2, 2, null, true)).isFalse();
        assertThat(Gemm.openblasForFp32Training("4", "1", 2, 2, null, true)).isFalse();         // single-threaded OpenBLAS GEMMs
        assertThat(Gemm.openblasForFp32Training("4", "1", 1, 2, null, true)).isTrue();
        assertThat(Gemm.openblasForFp32Training("4", null, 1, 2, null, true)).isFalse();        // a 1-thread rank: OpenBLAS would take 2
        assertThat(Gemm.openblasForFp32Training("short", null, 2, 2, null, true)).isFalse();
        assertThat(Gemm.openblasForFp32Training("4", null, 2, 2, "Haswell", true)).isFalse();   // AVX2 kernels on an AVX-512 CPU
        assertThat(Gemm.openblasForFp32Training("4", null, 2, 2, "Haswell", false)).isTrue();   // an AVX2 CPU: nothing lost
        assertThat(Gemm.openblasForFp32Training("4", null, 2, 2, "skylakex", true)).isTrue();
        assertThat(Engine.liveEnv(Engine.OPENBLAS_THREAD_TIMEOUT)).as("Engine.init sets it unless the environment has one")
                .isEqualTo(System.getenv(Engine.OPENBLAS_THREAD_TIMEOUT) != null ? System.getenv(Engine.OPENBLAS_THREAD_TIMEOUT) : "4");
    }
}
