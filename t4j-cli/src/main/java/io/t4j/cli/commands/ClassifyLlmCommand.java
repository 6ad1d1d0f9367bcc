package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.LlmOptions;
import io.t4j.cli.Output;
import io.t4j.cli.TextInput;
import io.t4j.pipelines.LlmPrediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code t4j classify-llm}: zero/few-shot classification by prompting a decoder LLM. */
@Command(name = "classify-llm", mixinStandardHelpOptions = true,
        description = "Classify texts (one per line) by prompting a chat LLM; the answer is always exactly one label. "
                + "Writes JSONL {\"text\",\"label\",\"probabilities\"}; output line N answers input line N (a blank line "
                + "gets {\"text\",\"error\":\"empty text\"}; --skip-empty drops blank lines instead).")
public final class ClassifyLlmCommand implements Callable<Integer> {
    @Mixin LlmOptions llm;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Texts, one per line ('-' or absent: stdin).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "JSONL output ('-' or absent: stdout).")
    Path output;

    @Option(names = "--skip-empty", description = "Drop blank input lines (output lines then no longer match input lines).")
    boolean skipEmpty;

    @Override
    public Integer call() {
        LlmOptions.Loaded loaded = llm.load();
        try (Output out = Output.open(output); var tok = loaded.tokenizer()) {
            TextInput.forEachBatch(input, 8, skipEmpty, batch -> write(out, batch,
                    TextInput.mapNonBlank(batch, texts -> loaded.classifier().classify(texts))));
            out.commit();
        }
        return ExitCode.OK;
    }

    private static void write(Output out, List<String> texts, List<LlmPrediction> predictions) {
        try {
            for (int i = 0; i < texts.size(); i++) {
                LlmPrediction p = predictions.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", texts.get(i));
                if (p == null) {
                    row.put("error", TextInput.EMPTY_TEXT_ERROR);
                    Json.MAPPER.writeValue(out.stream(), row);
                    out.stream().write('\n');
                    continue;
                }
                row.put("label", p.label());
                row.put("probabilities", p.probabilities());
                if (p.unconstrainedOutput() != null) {
                    row.put("unconstrained_output", p.unconstrainedOutput());
                    row.put("unconstrained_parsed", p.unconstrainedParsed());
                }
                Json.MAPPER.writeValue(out.stream(), row);
                out.stream().write('\n');
            }
            out.stream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
