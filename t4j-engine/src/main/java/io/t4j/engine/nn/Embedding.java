package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.Embedding}: a [num, dim] lookup table; the padding_idx row gets no gradient. */
public final class Embedding extends Module {
    public final Parameter weight;
    private final long numEmbeddings;
    private final long paddingIdx;

    public Embedding(long numEmbeddings, long dim) {
        this(numEmbeddings, dim, -1);
    }

    /** {@code paddingIdx} &lt; 0 means none. */
    public Embedding(long numEmbeddings, long dim, long paddingIdx) {
        this.numEmbeddings = numEmbeddings;
        this.paddingIdx = paddingIdx;
        this.weight = register("weight", Parameter.empty(numEmbeddings, dim));
        if (!Init.skipping()) {
            Init.normal(weight, 0.0, 1.0);
            if (paddingIdx >= 0) {
                Init.zeroRow(weight, paddingIdx);
            }
        }
    }

    public long numEmbeddings() {
        return numEmbeddings;
    }

    public long paddingIdx() {
        return paddingIdx;
    }

    /** ids [...] (int64) → [..., dim] */
    public Tensor forward(Tensor ids) {
        return torch.embedding(weight.data(), ids, paddingIdx, false, false);
    }
}
