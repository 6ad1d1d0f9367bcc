package io.t4j.models.generation;

import io.t4j.engine.Tensors;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;

/** The sequences of one generate() call as Java arrays, and HF's stopping criteria over them. */
final class GenerationState {
    private final long[][] ids;
    private final long[][] mask;
    private final int promptLength;
    private final boolean padded;
    private final Set<Long> eos = new HashSet<>();
    private final long pad;
    private final GenerationConfig config;
    private final FinishReason[] finished;
    private final int[] newTokens;
    private int length;

    GenerationState(long[][] prompt, long[][] promptMask, int capacity, GenerationConfig config) {
        int b = prompt.length;
        this.promptLength = prompt[0].length;
        this.ids = new long[b][capacity];
        this.mask = new long[b][capacity];
        boolean anyPad = false;
        for (int row = 0; row < b; row++) {
            if (prompt[row].length != promptLength || promptMask[row].length != promptLength) {
                throw new IllegalArgumentException("row " + row + " has " + prompt[row].length + " ids and "
                        + promptMask[row].length + " mask values, expected " + promptLength);
            }
            System.arraycopy(prompt[row], 0, ids[row], 0, promptLength);
            System.arraycopy(promptMask[row], 0, mask[row], 0, promptLength);
            for (long m : promptMask[row]) {
                anyPad |= m == 0;
            }
        }
        this.padded = anyPad;
        config.eosTokenId().forEach(e -> eos.add(e.longValue()));
        this.pad = config.effectivePadTokenId();
        this.config = config;
        this.finished = new FinishReason[b];
        this.newTokens = new int[b];
        this.length = promptLength;
    }

    int length() {
        return length;
    }

    boolean hasPadding() {
        return padded;
    }

    boolean allFinished() {
        for (FinishReason f : finished) {
            if (f == null) {
                return false;
            }
        }
        return true;
    }

    /** input_ids so far, int64 [B,S]. */
    Tensor idsTensor() {
        return Tensors.fromLongMatrix(slice(ids));
    }

    /** attention_mask so far, int64 [B,S]. */
    Tensor maskTensor() {
        return Tensors.fromLongMatrix(slice(mask));
    }

    private long[][] slice(long[][] a) {
        long[][] out = new long[a.length][];
        for (int row = 0; row < a.length; row++) {
            out[row] = Arrays.copyOf(a[row], length);
        }
        return out;
    }

    /** Appends one token per row (pad for finished rows) and applies the stopping criteria. */
    void append(long[] chosen, TokenStreamer streamer, Function<long[], String> decode) {
        for (int row = 0; row < ids.length; row++) {
            mask[row][length] = 1;
            if (finished[row] != null) {
                ids[row][length] = pad;
                continue;
            }
            ids[row][length] = chosen[row];
            newTokens[row]++;
            if (streamer != null) {
                streamer.put(row, chosen[row]);
            }
            if (eos.contains(chosen[row])) {
                finished[row] = FinishReason.EOS;
            } else if (!config.stopStrings().isEmpty() && hitsStopString(row, decode)) {
                finished[row] = FinishReason.STOP_STRING;
            }
        }
        length++;
    }

    private boolean hitsStopString(int row, Function<long[], String> decode) {
        if (decode == null) {
            throw new IllegalStateException("stop_strings " + config.stopStrings()
                    + " need the tokenizer's decode: call Generator.withDecoder(tokenizer::decode)");
        }
        String text = decode.apply(Arrays.copyOfRange(ids[row], promptLength, length + 1));
        for (String stop : config.stopStrings()) {
            if (text.contains(stop)) {
                return true;
            }
        }
        return false;
    }

    void finishRemaining(FinishReason reason) {
        for (int row = 0; row < finished.length; row++) {
            if (finished[row] == null) {
                finished[row] = reason;
            }
        }
    }

    long[][] sequences() {
        return slice(ids);
    }

    int[] newTokenCount() {
        return newTokens.clone();
    }

    FinishReason[] finishReasons() {
        return finished.clone();
    }
}
