package io.t4j.trainer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.data.SquadData;
import io.t4j.data.SquadExample;
import io.t4j.data.SquadReader;
import io.t4j.trainer.metrics.SquadMetric;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Development check of the SQuAD reader, the split by article and the metric on a real SQuAD v1.1 file: scores
 * trivial baselines (no model). Usage: {@code SquadBaselines path/to/train.json [predictionsOut.json]}; the optional
 * output holds each baseline's predictions, for checking the scores against the official script.
 */
public final class SquadBaselines {
    private SquadBaselines() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        SquadData data = SquadReader.read(Path.of(args[0]));
        long readMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%s: %d questions, %d articles, version %s, unanswerable %b (read in %d ms)%n", args[0],
                data.size(), data.titles().size(), data.version(), data.hasImpossible(), readMs);
        SquadData.ArticleSplit split = data.splitByArticle(4, 42);
        System.out.printf("split by article (4, seed 42): train %d questions / %d articles, validation %d questions / %d articles %s%n",
                split.train().size(), split.train().titles().size(), split.test().size(), split.test().titles().size(), split.test().titles());
        Map<String, Function<SquadExample, String>> baselines = new LinkedHashMap<>();
        baselines.put("first sentence", e -> firstSentence(e.context()));
        baselines.put("first 3 words", e -> String.join(" ", java.util.Arrays.asList(e.context().strip().split("\\s+")).subList(0,
                Math.min(3, e.context().strip().split("\\s+").length))));
        baselines.put("whole context", SquadExample::context);
        baselines.put("first gold answer (oracle)", e -> e.answers().getFirst().text());
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (var b : baselines.entrySet()) {
            for (var part : Map.of("all", data, "validation", split.test()).entrySet()) {
                Map<String, String> predictions = new LinkedHashMap<>();
                part.getValue().examples().forEach(e -> predictions.put(e.id(), b.getValue().apply(e)));
                Map<String, Double> scores = SquadMetric.compute(predictions, part.getValue().examples());
                System.out.printf("%-28s %-10s exact_match %8.4f  f1 %8.4f%n", b.getKey(), part.getKey(), scores.get("exact_match"), scores.get("f1"));
                if (part.getKey().equals("all")) {
                    all.put(b.getKey(), predictions);
                }
            }
        }
        if (args.length > 1) {
            new ObjectMapper().writeValue(Path.of(args[1]).toFile(), all);
        }
    }

    /** The context up to the first ". " (or all of it). */
    static String firstSentence(String context) {
        int end = context.indexOf(". ");
        return end < 0 ? context : context.substring(0, end + 1);
    }
}
