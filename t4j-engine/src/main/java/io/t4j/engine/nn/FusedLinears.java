package io.t4j.engine.nn;

import io.t4j.engine.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * ({@link Linear#releasePacked()}). Trainable or int8 members, or members of different dtypes, run separately.
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

    /** x [..., in] → one [..., out_i] per member (views of one GEMM's output when fused). */
    Tensor[] forward(Tensor x) {
        Linear f = fusedOrNull();
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

    /** The fused layer when every member is frozen, of one dtype, float and not int8; else null. */
    private synchronized Linear fusedOrNull() {
        Tensor[] now = new Tensor[2 * members.length];
        for (int i = 0; i < members.length; i++) {
            Linear m = members[i];
            if (m.isInt8() || m.bias == null || m.weight.requiresGrad() || m.bias.requiresGrad()
                    || !m.weight.data().is_floating_point()
                    || Tensors.scalarType(m.weight.data()) != Tensors.scalarType(members[0].weight.data())) {
                return null;
            }
            now[2 * i] = m.weight.data();
            now[2 * i + 1] = m.bias.data();
        }
        if (fused != null && sameIdentity(now, sources)) {
            return fused;
        }
        release();
        List<Tensor> weights = new ArrayList<>();
        List<Tensor> biases = new ArrayList<>();
        for (Linear m : members) {
            weights.add(m.weight.data());
            biases.add(m.bias.data());
        }
        Tensor w;
        Tensor b;
        try (NoGradGuard g = new NoGradGuard()) {
            w = torch.cat(new TensorVector(weights.toArray(Tensor[]::new)), 0); // [out_i, in] x n -> [sum out, in]
            b = torch.cat(new TensorVector(biases.toArray(Tensor[]::new)), 0);  // [out_i] x n -> [sum out]
        }
        Parameter pw = Parameter.of(w);
        Parameter pb = Parameter.of(b);
        pw.requiresGrad(false);
        pb.requiresGrad(false);
        fused = Linear.tied(pw, pb);
        sources = now;
        return fused;
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
            fused = null;
            sources = null;
        }
    }
}
