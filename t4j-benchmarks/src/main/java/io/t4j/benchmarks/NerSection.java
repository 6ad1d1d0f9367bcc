package io.t4j.benchmarks;

import io.t4j.data.ConllOptions;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The token-classification pipeline on CoNLL-2003 validation: each sentence's words joined by spaces as raw text,
 * aggregation first, batches of --batch-size, fp32 and bf16 weights interleaved over --infer-reps passes:
 * sentences/s, and the entity-level precision/recall/F1 of the pipeline's entities (type and character span exactly
 * equal to a gold entity's) as a check that the whole path from raw text to offsets is right.
 */
public final class NerSection {
    private NerSection() {}

    /**
     * One dtype's passes.
     *
     * @param dtype      float32 or bfloat16
     * @param seconds    each timed pass over every sentence
     * @param sentencesPerSecond sentences / median pass
     * @param entities   entities the pipeline found in a pass
     * @param precision  entity precision against the gold spans
     * @param recall     entity recall
     * @param f1         entity F1
     */
    public record Row(String dtype, List<Double> seconds, double sentencesPerSecond, int entities, double precision,
                      double recall, double f1) {}

    /** The section's result: the model, the file, and a row per dtype. */
    public record Result(String model, String file, int sentences, long words, int goldEntities, int batchSize,
                         List<Row> rows) implements SectionResult {
        @Override
        public List<Table> tables() {
            var out = Table.newRows();
            for (Row r : rows) {
                out.add(List.of(r.dtype(), Table.num(Stats.median(r.seconds()), 2), Table.num(r.sentencesPerSecond(), 1),
                        Integer.toString(r.entities()), Table.num(r.precision() * 100, 2), Table.num(r.recall() * 100, 2),
                        Table.num(r.f1() * 100, 2)));
            }
            return List.of(new Table("ner: token-classification pipeline on " + file + " (" + sentences + " sentences, "
                    + words + " words, " + goldEntities + " entities), aggregation first, batch " + batchSize,
                    List.of("weights", "median pass s", "sentences/s", "entities found", "precision", "recall", "F1"),
                    out, List.of("model " + model + "; passes " + rows.getFirst().seconds().size()
                            + " per dtype, interleaved; an entity counts when its type and character span equal a gold one's")));
        }
    }

    public static Result run(BenchContext ctx) {
        Path model = ctx.options().nerModel();
        if (model == null) {
            throw new IllegalArgumentException("--sections ner needs --ner-model DIR (a token-classification model folder)");
        }
        Path file = ctx.options().conll().resolve("valid.txt");
        TaggedSentences valid = TokenClassificationData.readConll(file, ConllOptions.defaults());
        List<String> texts = new ArrayList<>(valid.size());
        Set<String> gold = new HashSet<>();
        for (int s = 0; s < valid.size(); s++) {
            texts.add(String.join(" ", valid.tokens().get(s)));
            gold.addAll(spans(s, valid.tokens().get(s), valid.tags().get(s)));
        }
        var options = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.FIRST)
                .withBatchSize(ctx.options().batchSize());
        List<ScalarType> dtypes = List.of(ScalarType.Float, ScalarType.BFloat16);
        List<TokenClassificationPipeline> pipes = new ArrayList<>();
        try {
            for (ScalarType t : dtypes) {
                pipes.add(Pipeline.tokenClassification(model, PretrainedOptions.defaults().withDtype(t).withZeroCopy(true)));
            }
            List<List<Double>> seconds = new ArrayList<>();
            List<List<List<TokenClassificationResult>>> results = new ArrayList<>();
            for (TokenClassificationPipeline p : pipes) {
                p.apply(texts.subList(0, Math.min(64, texts.size())), options); // warm-up
                seconds.add(new ArrayList<>());
                results.add(null);
            }
            for (int rep = 0; rep < ctx.options().inferReps(); rep++) {
                for (int d = 0; d < pipes.size(); d++) {
                    Progress.say("ner: pass %d, %s", rep + 1, dtypes.get(d));
                    long t0 = System.nanoTime();
                    results.set(d, pipes.get(d).apply(texts, options));
                    seconds.get(d).add((System.nanoTime() - t0) / 1e9);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (int d = 0; d < pipes.size(); d++) {
                Set<String> found = new HashSet<>();
                for (int s = 0; s < texts.size(); s++) {
                    for (TokenClassificationResult r : results.get(d).get(s)) {
                        found.add(s + " " + r.entityGroup() + " " + r.start() + " " + r.end());
                    }
                }
                long correct = found.stream().filter(gold::contains).count();
                double p = found.isEmpty() ? 0 : (double) correct / found.size();
                double r = gold.isEmpty() ? 0 : (double) correct / gold.size();
                rows.add(new Row(d == 0 ? "float32" : "bfloat16", seconds.get(d), texts.size() / Stats.median(seconds.get(d)),
                        found.size(), p, r, p + r == 0 ? 0 : 2 * p * r / (p + r)));
            }
            return new Result(model.toString(), file.toString(), texts.size(), valid.words(), gold.size(),
                    ctx.options().batchSize(), rows);
        } finally {
            pipes.forEach(TokenClassificationPipeline::close);
        }
    }

    /** The IOB2 entities of one sentence as "sentence TYPE start end" with character offsets in the joined text. */
    static List<String> spans(int sentence, String[] words, String[] tags) {
        List<String> out = new ArrayList<>();
        int offset = 0;
        String type = null;
        int start = 0;
        int end = 0;
        for (int i = 0; i <= words.length; i++) {
            String tag = i < words.length ? tags[i] : "O";
            boolean continues = type != null && tag.equals("I-" + type);
            if (!continues && type != null) {
                out.add(sentence + " " + type + " " + start + " " + end);
                type = null;
            }
            if (i < words.length) {
                if (!continues && !tag.equals("O")) {
                    type = tag.substring(2);
                    start = offset;
                }
                end = offset + words[i].length();
                offset = end + 1;
            }
        }
        return out;
    }
}
