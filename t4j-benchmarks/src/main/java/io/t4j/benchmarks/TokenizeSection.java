package io.t4j.benchmarks;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokenization speed: every SST-2 train sentence batch-encoded through t4j-tokenizers (HF's Rust tokenizers),
 * truncation to --max-length, no padding, no tokenization cache: once with a freshly loaded tokenizer (cold), then
 * again with the same tokenizer.
 */
public final class TokenizeSection {
    private TokenizeSection() {}

    /**
     * The section's result.
     *
     * @param sentences          sentences per pass
     * @param tokens             tokens produced (special tokens included)
     * @param coldSeconds        first pass with a freshly loaded tokenizer
     * @param warmSeconds        the later passes
     * @param coldSentencesPerSecond sentences / cold time
     * @param warmSentencesPerSecond sentences / median warm time
     */
    public record Result(int sentences, long tokens, double coldSeconds, List<Double> warmSeconds,
                         double coldSentencesPerSecond, double warmSentencesPerSecond) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            rows.add(List.of("cold (new tokenizer)", Table.num(coldSeconds, 3), Table.num(coldSentencesPerSecond, 0),
                    Table.num(tokens / coldSeconds, 0)));
            double warm = Stats.median(warmSeconds);
            rows.add(List.of("again (median of " + warmSeconds.size() + ")", Table.num(warm, 3),
                    Table.num(warmSentencesPerSecond, 0), Table.num(tokens / warm, 0)));
            return List.of(new Table("tokenize: SST-2 train, " + sentences + " sentences, batch encode (no cache)",
                    List.of("pass", "seconds", "sentences/s", "tokens/s"), rows,
                    List.of(tokens + " tokens (" + Table.num((double) tokens / sentences, 1) + " per sentence, [CLS]/[SEP] included)")));
        }
    }

    public static Result run(BenchContext ctx) {
        List<String> texts = ctx.sst2().train().strings("sentence").asList();
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(ctx.options().maxLength());
        Progress.say("tokenize: %d sentences", texts.size());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(ctx.bgeSmall())) {
            long t0 = System.nanoTime();
            BatchEncoding enc = tok.encode(texts, options);
            double cold = (System.nanoTime() - t0) / 1e9;
            long tokens = 0;
            for (int[] row : enc.inputIds()) {
                tokens += row.length;
            }
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                long t = System.nanoTime();
                tok.encode(texts, options);
                warm.add((System.nanoTime() - t) / 1e9);
            }
            return new Result(texts.size(), tokens, cold, warm, texts.size() / cold, texts.size() / Stats.median(warm));
        }
    }
}
