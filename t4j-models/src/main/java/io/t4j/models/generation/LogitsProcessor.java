package io.t4j.models.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.global.torch;

/**
 * HF's {@code LogitsProcessor} (generation/logits_process.py): turns the next-token scores [B,V] (float32) into new
 * scores, given the sequences so far [B,S]. The implementations are HF's, in HF's order
 * ({@link #forConfig}).
 */
@FunctionalInterface
public interface LogitsProcessor {
    /** input_ids [B,S] (int64), scores [B,V] (float32) → processed scores [B,V]. */
    Tensor process(Tensor inputIds, Tensor scores);

    /**
     * HF's {@code _get_logits_processor} for the options t4j implements: repetition penalty, then, when sampling,
     * temperature, top-k and top-p (each only when it changes something, as HF).
     */
    static List<LogitsProcessor> forConfig(GenerationConfig c) {
        List<LogitsProcessor> out = new ArrayList<>(processorsFor(c));
        out.addAll(warpersFor(c));
        return out;
    }

    /** The config's processors that come before a caller's own (HF: repetition penalty). */
    static List<LogitsProcessor> processorsFor(GenerationConfig c) {
        return c.repetitionPenalty() != 1.0 ? List.of(repetitionPenalty(c.repetitionPenalty())) : List.of();
    }

    /**
     * The sampling warpers, which HF appends after every processor, a caller's {@code logits_processor} and
     * {@code prefix_allowed_tokens_fn} included: temperature, top-k, top-p (empty for greedy decoding).
     */
    static List<LogitsProcessor> warpersFor(GenerationConfig c) {
        List<LogitsProcessor> out = new ArrayList<>();
        if (c.doSample()) {
            if (c.temperature() != 1.0) {
                out.add(temperature(c.temperature()));
            }
            if (c.topK() != 0) {
                out.add(topK(c.topK(), 1));
            }
            if (c.topP() < 1.0) {
                out.add(topP(c.topP(), 1));
            }
        }
        return out;
    }

    /** {@code RepetitionPenaltyLogitsProcessor}: scores of tokens in input_ids: negative × penalty, positive ÷ penalty. */
    static LogitsProcessor repetitionPenalty(double penalty) {
        return (ids, scores) -> {
            Tensor score = torch.gather(scores, 1, ids);                                       // [B,S]
            Tensor penalised = torch.where(score.lt(new Scalar(0.0)), score.mul(new Scalar(penalty)),
                    score.div(new Scalar(penalty)));
            return scores.clone().scatter_(1, ids, penalised);
        };
    }

    /** {@code TemperatureLogitsWarper}: scores / temperature. */
    static LogitsProcessor temperature(double temperature) {
        return (ids, scores) -> scores.div(new Scalar(temperature));
    }

    /** {@code TopKLogitsWarper}: everything below the k-th largest score becomes -inf. */
    static LogitsProcessor topK(int k, int minTokensToKeep) {
        return (ids, scores) -> {
            long kk = Math.min(Math.max(k, minTokensToKeep), scores.size(-1));
            T_TensorTensor_T top = scores.topk(kk);                                            // values [B,k]
            Tensor kth = top.get0().narrow(-1, kk - 1, 1);                                      // [B,1]
            return scores.masked_fill(scores.lt(kth), new Scalar(Double.NEGATIVE_INFINITY));
        };
    }

    /**
     * {@code TopPLogitsWarper}: sort ascending, drop the tokens whose cumulative probability is at most 1 - top_p
     * (keeping at least minTokensToKeep), i.e. keep the smallest set of most likely tokens with mass >= top_p.
     */
    static LogitsProcessor topP(double topP, int minTokensToKeep) {
        return (ids, scores) -> {
            T_TensorTensor_T sorted = scores.sort(-1, false);                                  // ascending
            Tensor cumulative = sorted.get0().softmax(-1).cumsum(-1);                           // [B,V]
            Tensor remove = cumulative.le(new Scalar(1 - topP));
            long v = scores.size(-1);
            remove.narrow(-1, v - minTokensToKeep, minTokensToKeep).fill_(new Scalar(0L));
            Tensor removeAt = remove.scatter(1, sorted.get1(), remove);                         // back to vocab order
            return scores.masked_fill(removeAt, new Scalar(Double.NEGATIVE_INFINITY));
        };
    }

    /**
     * {@code PrefixConstrainedLogitsProcessor}: only the tokens {@code allowed(row, sequence)} returns keep their
     * score; every other token gets -inf. An empty allowed set is an error (HF would produce NaNs).
     */
    static LogitsProcessor prefixAllowedTokens(BiFunction<Integer, long[], long[]> allowed) {
        return (ids, scores) -> {
            long b = scores.size(0);
            Tensor mask = torch.full_like(scores, new Scalar(Double.NEGATIVE_INFINITY));
            long[] flat = io.t4j.engine.Tensors.toLongs(ids);
            int s = (int) ids.size(1);
            for (int row = 0; row < b; row++) {
                long[] seq = java.util.Arrays.copyOfRange(flat, row * s, (row + 1) * s);
                long[] tokens = allowed.apply(row, seq);
                if (tokens.length == 0) {
                    throw new IllegalStateException("prefix_allowed_tokens_fn allowed no token for row " + row);
                }
                mask.select(0, row).index_fill_(0, io.t4j.engine.Tensors.fromLongs(tokens, tokens.length), new Scalar(0.0));
            }
            return scores.add(mask);
        };
    }
}
