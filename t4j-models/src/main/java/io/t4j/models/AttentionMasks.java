package io.t4j.models;

import io.t4j.engine.CheckpointException;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Shared input plumbing of the encoder families: padding masks for SDPA and input validation. */
public final class AttentionMasks {
    private AttentionMasks() {}

    /**
     * HF's extended attention mask as a boolean SDPA mask: attention_mask [B,S] (1 = token, 0 = pad) →
     * [B,1,1,S], true where a query may attend. Equivalent to adding (1 - mask) * finfo.min to the scores.
     */
    public static Tensor padding(Tensor attentionMask, Tensor inputIds) {
        if (attentionMask == null) {
            return torch.ones_like(inputIds).to(ScalarType.Bool).unsqueeze(1).unsqueeze(1); // [B,S] -> [B,1,1,S]
        }
        return attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1); // [B,S] -> [B,1,1,S]
    }

    /**
     * Fails with a clear message when ids fall outside an embedding table or the sequence is longer than the
     * position table, instead of libtorch's "index out of range in self".
     */
    public static void checkIds(Tensor ids, long tableSize, String inputName, String configField) {
        if (ids.numel() == 0) {
            return;
        }
        long min = ids.min().item_long();
        long max = ids.max().item_long();
        if (min < 0 || max >= tableSize) {
            throw new IllegalArgumentException(inputName + " contains id " + (min < 0 ? min : max)
                    + " outside [0, " + tableSize + ") (" + configField + " = " + tableSize + ")");
        }
    }

    public static void checkLength(long length, long maxPositions) {
        if (length > maxPositions) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds max_position_embeddings "
                    + maxPositions + ": tokenize with truncation=true and max_length <= " + maxPositions);
        }
    }

    static void requireFile(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such file");
        }
    }
}
