package io.t4j.pipelines;

import io.t4j.engine.IntraOpThreads;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;

/**
 * TEI's warm-up for serving an encoder one text at a time ({@link IntraOpThreads#warmUp}): before the first request,
 * one forward of a text cut to each small token count, on each intra-op thread arm, so that requests meet no new
 * oneDNN kernel shape and the small-forward thread chooser starts with every count known. {@code t4j serve} runs it
 * for each encoder it loads, and {@code t4j bench}'s infer section before timing t4j, as a server would have run it.
 * {@code T4J_SMALL_FORWARD_TOKENS=0} turns it off with the small forwards themselves.
 */
public final class SmallForwardWarmUp {
    /** Words repeated into a text long enough to fill any small forward (every common tokenizer splits them). */
    private static final String WORDS = "a warm up of the model before its first request ";

    private SmallForwardWarmUp() {}

    /**
     * Runs {@code forward} (the model under inference mode) once per small token count and thread arm, on an input of
     * exactly that many tokens (special tokens included; counts the tokenizer cannot make exactly are skipped), each
     * under the forward guard {@code owner}'s pipelines use.
     */
    public static IntraOpThreads.WarmUp run(Object owner, PreTrainedTokenizer tokenizer, Consumer<ModelInputs> forward) {
        long limit = IntraOpThreads.smallForwardTokens();
        String text = WORDS.repeat((int) Math.min(1_000, limit / 4 + 2));
        int specials = tokenizer.encode(List.of(""), EncodeOptions.defaults()).inputIds()[0].length;
        return IntraOpThreads.warmUp(owner, tokens -> {
            if (tokens <= specials) {
                return false;
            }
            try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
                BatchEncoding encoding = tokenizer.encode(List.of(text), EncodeOptions.defaults().withMaxLength(tokens));
                if (encoding.inputIds()[0].length != tokens) {
                    return false; // beyond the tokenizer's model_max_length
                }
                ModelInputs in = ModelInputs.of(encoding);
                try (IntraOpThreads threads = IntraOpThreads.forTokens(in.inputIds().numel(), owner)) {
                    forward.accept(in);
                }
                return true;
            }
        });
    }
}
