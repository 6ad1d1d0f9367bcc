package io.t4j.engine.gemm;

import io.t4j.engine.Tensors;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Linear}'s packed weights, made on first use by a packed path and kept until the layer's weight tensor
 * is replaced ({@code Parameter.set}, e.g. a reload or a dtype cast) or {@link #release()}. Packed copies are only
 * made for frozen weights (see {@link Gemm}), which nothing updates in place; a caller that writes into a frozen
 * weight must call {@link #release()}.
 *
 * <p>Packed copies cost memory besides the weights themselves, so all layers together may hold at most
 * {@code T4J_GEMM_PACK_MB} MiB of them (default 1024); past it a layer takes the per-call path and the refusal is
 * logged once. The tensors are retained outside any {@code PointerScope}: they outlive the call that made them.
 */
public final class LinearKernels {
    private static final Logger LOG = LoggerFactory.getLogger(LinearKernels.class);
    private static final AtomicLong PACKED_BYTES = new AtomicLong();
    private static volatile boolean budgetLogged;

    private Packed fp32;
    private Packed bf16;
    private Packed bf16Bias;
    private Packed int8;

    /** A packed form of one source tensor (compared by identity: {@code Parameter.data()} returns the same object). */
    private record Packed(Tensor source, Tensor tensor, IValue ivalue, long bytes) {}

    /** The fp32 weight in oneDNN's layout, or null when the packing budget is spent or oneDNN's fp32 is wrong here ({@link PackedLayouts#fp32Packed}). */
    synchronized Tensor fp32(Tensor weight) {
        if (!PackedLayouts.fp32Packed(weight.size(0), weight.size(1))) {
            return null;
        }
        if (fp32 == null || fp32.source() != weight) {
            fp32 = replace(fp32, weight, () -> NativeOps.packLinearWeight(weight), weight.numel() * 4L);
        }
        return fp32 == null ? null : fp32.tensor();
    }

    /** The weight (bf16, or fp32 cast to bf16) in oneDNN's bf16 layout, or null when the budget is spent or the layout is wrong here. */
    synchronized Tensor bf16(Tensor weight) {
        if (!PackedLayouts.correct(ScalarType.BFloat16, weight.size(0), weight.size(1))) {
            return null;
        }
        if (bf16 == null || bf16.source() != weight) {
            bf16 = replace(bf16, weight, () -> NativeOps.packLinearWeight(
                    Tensors.scalarType(weight) == ScalarType.BFloat16 ? weight : weight.to(ScalarType.BFloat16)),
                    weight.numel() * 2L);
        }
        return bf16 == null ? null : bf16.tensor();
    }

    /** The bias in bf16 for the packed bf16 path (a cast of an fp32 bias is kept), or null without a bias. */
    synchronized Tensor bf16Bias(Tensor bias) {
        if (bias == null) {
            return null;
        }
        if (Tensors.scalarType(bias) == ScalarType.BFloat16) {
            return bias;
        }
        if (bf16Bias == null || bf16Bias.source() != bias) {
            release(bf16Bias);
            Tensor cast;
            try (NoGradGuard g = new NoGradGuard()) {
                cast = bias.detach().to(ScalarType.BFloat16);
            }
            cast.retainReference();
            bf16Bias = new Packed(bias, cast, null, 0);
        }
        return bf16Bias.tensor();
    }

    /** The int8 weight and its bias packed for {@code linear_dynamic} (int8 layers are always packed: it is their only path). */
    synchronized IValue int8(Tensor values, Tensor scale, Tensor bias) {
        if (int8 == null || int8.source() != values) {
            release(int8);
            IValue packed;
            try (NoGradGuard g = new NoGradGuard()) {
                Tensor b = bias == null ? null : bias.detach().to(ScalarType.Float).contiguous();
                packed = NativeOps.int8Prepack(Int8Weights.toQuantizedTensor(values, scale), b);
            }
            packed.retainReference();
            int8 = new Packed(values, null, packed, 0);
        }
        return int8.ivalue();
    }

    private interface Packer {
        Tensor pack();
    }

    private static Packed replace(Packed old, Tensor source, Packer packer, long bytes) {
        release(old);
        long budget = budgetBytes();
        if (PACKED_BYTES.addAndGet(bytes) > budget) {
            PACKED_BYTES.addAndGet(-bytes);
            if (!budgetLogged) {
                budgetLogged = true;
                LOG.info("packed weights would exceed T4J_GEMM_PACK_MB={} MiB: further layers run unpacked",
                        budget >> 20);
            }
            return null;
        }
        Tensor packed;
        try (NoGradGuard g = new NoGradGuard()) {
            packed = packer.pack();
        }
        packed.retainReference();
        return new Packed(source, packed, null, bytes);
    }

    private static void release(Packed p) {
        if (p == null) {
            return;
        }
        if (p.tensor() != null) {
            p.tensor().releaseReference();
        }
        if (p.ivalue() != null) {
            p.ivalue().releaseReference();
        }
        PACKED_BYTES.addAndGet(-p.bytes());
    }

    /** Frees the packed copies (the next packed call re-packs). */
    public synchronized void release() {
        release(fp32);
        release(bf16);
        release(bf16Bias);
        release(int8);
        fp32 = bf16 = bf16Bias = int8 = null;
    }

    /** Bytes held by packed fp32/bf16 weights across all layers. */
    public static long packedBytes() {
        return PACKED_BYTES.get();
    }

    static long budgetBytes() {
        String mb = System.getenv("T4J_GEMM_PACK_MB");
        if (mb == null) {
            mb = System.getProperty("t4j.gemm.packMb", "1024");
        }
        try {
            long v = Long.parseLong(mb.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v << 20;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("T4J_GEMM_PACK_MB must be a number of MiB (0 or more), got '" + mb + "'");
        }
    }
}
