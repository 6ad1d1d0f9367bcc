package io.t4j.engine.nn;

import io.t4j.engine.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Linear layers that read the same input (an attention block's query, key and value), computed as one GEMM over their
 * concatenated weights when all of them are frozen (a model loaded for inference): one call instead of three, and a
 * wider GEMM that splits better over threads at batch 1 (bge-small, 12 layers at 24 rows, 2 threads: the 72 Linear
 * calls of a forward 12.7-13.3 ms separately, 8.3-12.0 ms with q/k/v fused; BENCHMARKS.md). HF keeps the three
 * layers, and so does the checkpoint: the concatenation is a kernel-level copy, like a packed weight, made on first
 * use, re-made when a member's weight or bias is replaced, and freed with the lead layer's packed weights
 * ({@link Linear#releasePacked()}). int8 members fuse too, on up to {@link #INT8_MAX_FUSED_ROWS}
 * rows. Trainable members, or members of different dtypes, run separately.
 */
final class FusedLinears {
    private final Linear[] members;
    private Tensor[] sources;
    private Linear fused;

    FusedLinears(Linear[] members) {
        this.members = members;
    }

    /** Whether these are the group's members, in order. */
    boolean hasMembers(Linear[] candidates) {
        return Arrays.equals(members, candidates);
    }

    /**
     * int8 groups fuse up to this many rows. fbgemm's {@code linear_dynamic} on the fused [rows, 1152] output lost its
     * two-thread speed-up past about 450 rows (bge-small's q/k/v, 12 layers, 2 threads, quiet Zen 4, separate → fused:
     * 23 rows 1.68 → 1.35 ms, 128 rows 4.54 → 4.02, 256 rows 7.28 → 7.07, 400 rows 11.1 → 10.6, 512 rows 11.6 → 15.7,
     * 740 rows 17.0 → 22.7, 1024 rows 23.5 → 35.7); float groups gain at every size measured.
     */
    static final long INT8_MAX_FUSED_ROWS = 256;

    /** x [..., in] → one [..., out_i] per member (views of one GEMM's output when fused). */
    Tensor[] forward(Tensor x) {
        Linear f = members[0].isInt8() && x.numel() / members[0].inFeatures() > INT8_MAX_FUSED_ROWS ? null : fusedOrNull();
        Tensor[] out = new Tensor[members.length];
        if (f == null) {
            for (int i = 0; i < members.length; i++) {
                out[i] = members[i].forward(x);
            }
            return out;
        }
        Tensor y = f.forward(x); // [..., sum of out_i]
        long offset = 0;
        for (int i = 0; i < members.length; i++) {
            long n = members[i].outFeatures();
            out[i] = y.narrow(-1, offset, n); // [..., sum out] -> [..., out_i], a view
            offset += n;
        }
        return out;
    }

    /**
     * The fused layer when every member is frozen and all are float of one dtype, or all int8; else null. int8 members
     * fuse exactly: their per-row scales are concatenated with the rows, and {@code linear_dynamic} quantizes the shared
     * input once (per tensor) where separate calls quantized it three times to the same values.
     */
    private synchronized Linear fusedOrNull() {
        boolean int8 = members[0].isInt8();
        Tensor[] now = new Tensor[3 * members.length];
        for (int i = 0; i < members.length; i++) {
            Linear m = members[i];
            if (m.isInt8() != int8 || m.bias == null || m.weight.requiresGrad() || m.bias.requiresGrad()
                    || (!int8 && !m.weight.data().is_floating_point())
                    || Tensors.scalarType(m.weight.data()) != Tensors.scalarType(members[0].weight.data())) {
                return null;
            }
            now[3 * i] = m.weight.data();
            now[3 * i + 1] = m.bias.data();
            now[3 * i + 2] = int8 ? m.weightScale().data() : null;
        }
        if (fused != null && sameIdentity(now, sources)) {
            return fused;
        }
        release();
        Parameter w = concatenated(m -> m.weight);  // [out_i, in] x n -> [sum out, in]
        Parameter b = concatenated(m -> m.bias);    // [out_i] x n -> [sum out]
        fused = int8 ? Linear.tiedInt8(w, concatenated(Linear::weightScale), b) : Linear.tied(w, b);
        sources = now;
        return fused;
    }

    /** The members' parameters concatenated along dim 0, frozen: a new tensor owned by this group. */
    private Parameter concatenated(Function<Linear, Parameter> part) {
        List<Tensor> parts = new ArrayList<>();
        for (Linear m : members) {
            parts.add(part.apply(m).data());
        }
        Tensor cat;
        try (NoGradGuard g = new NoGradGuard()) {
            cat = torch.cat(new TensorVector(parts.toArray(Tensor[]::new)), 0);
        }
        Parameter p = Parameter.of(cat);
        p.requiresGrad(false);
        return p;
    }

    private static boolean sameIdentity(Tensor[] a, Tensor[] b) {
        if (b == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** Frees the concatenated weights and their packed copies (re-made on the next frozen call). */
    synchronized void release() {
        if (fused != null) {
            fused.releasePacked();
            fused.weight.data().releaseReference();
            fused.bias.data().releaseReference();
            if (fused.isInt8()) {
                fused.weightScale().data().releaseReference();
            }
            fused = null;
            sources = null;
        }
    }
}
