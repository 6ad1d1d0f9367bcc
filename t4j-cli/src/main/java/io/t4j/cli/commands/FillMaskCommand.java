package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.TextInput;
import io.t4j.cli.UserException;
import io.t4j.pipelines.FillMaskPipeline;
import io.t4j.pipelines.FillMaskResult;
import io.t4j.pipelines.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code t4j fill-mask}: HF's fill-mask pipeline. For each mask token in each text, the top-k tokens with their
 * probabilities and the filled-in sentence; {@code --json} writes HF's records
 * {@code {"score","token","token_str","sequence"}}, one JSON line per text (a list per mask).
 */
@Command(name = "fill-mask", mixinStandardHelpOptions = true,
        description = {"Predict the tokens behind the mask token of a masked-LM model ([MASK] for BERT, <mask> for "
                + "RoBERTa).", "", "Example: t4j fill-mask -m runs/mlm \"the movie was [MASK] .\""})
public final class FillMaskCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts with a mask token (none: one per line from --input or stdin).")
    List<String> texts;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Texts, one per line, when none are given ('-': stdin).")
    Path input;

    @Option(names = "--top-k", defaultValue = "5", description = "Candidates per mask (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Write JSON lines of HF's records instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        if (topK < 1) {
            throw new UserException(ExitCode.USAGE, "--top-k must be at least 1, got " + topK);
        }
        try (FillMaskPipeline fill = Pipeline.fillMask(model.folder(), model.inferenceOptions())) {
            if (texts != null && !texts.isEmpty()) {
                texts.forEach(t -> print(t, fill.applyToEachMask(t, topK)));
            } else {
                TextInput.forEachBatch(input, 16, batch -> {
                    var results = fill.apply(batch, topK);
                    for (int i = 0; i < batch.size(); i++) {
                        print(batch.get(i), results.get(i));
                    }
                });
            }
        }
        return ExitCode.OK;
    }

    private void print(String text, List<List<FillMaskResult>> perMask) {
        if (json) {
            try {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", text);
                row.put("results", perMask.stream().map(list -> list.stream().map(FillMaskCommand::hfRecord).toList()).toList());
                Json.MAPPER.writeValue(System.out, row);
                System.out.println();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        System.out.println(text);
        for (int m = 0; m < perMask.size(); m++) {
            if (perMask.size() > 1) {
                System.out.println("  mask " + (m + 1) + ":");
            }
            int width = perMask.get(m).stream().mapToInt(r -> r.tokenStr().length()).max().orElse(1);
            for (FillMaskResult r : perMask.get(m)) {
                System.out.printf(Locale.ROOT, "  %.4f  %-" + width + "s  %s%n", r.score(), r.tokenStr(), r.sequence());
            }
        }
    }

    /** HF's key names. */
    private static Map<String, Object> hfRecord(FillMaskResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", r.score());
        m.put("token", r.token());
        m.put("token_str", r.tokenStr());
        m.put("sequence", r.sequence());
        return m;
    }
}
