package io.t4j.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link QaPostprocessing} returns, per question id in example order: utils_qa's {@code all_predictions},
 * {@code all_nbest_json} and (SQuAD v2) {@code scores_diff_json}.
 *
 * @param predictions question id to the predicted answer text ("" for no answer in SQuAD v2)
 * @param nbest question id to its best answers, best first, with probabilities
 * @param nullOdds question id to the null score minus the best answer's score (v2 only; null for v1)
 */
public record QaPredictions(Map<String, String> predictions, Map<String, List<Answer>> nbest, Map<String, Double> nullOdds) {
    public QaPredictions {
        predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
        nbest = Collections.unmodifiableMap(new LinkedHashMap<>(nbest));
        nullOdds = nullOdds == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(nullOdds));
    }

    /**
     * One of the n best answers of a question.
     *
     * @param text the answer, {@code context.substring(start, end)}; "" for the null answer, "empty" for HF's
     *     stand-in when no span was valid
     * @param start where it starts in the context (UTF-16 index; 0 for the null answer and the stand-in)
     * @param end where it ends (exclusive)
     * @param startLogit the start token's logit
     * @param endLogit the end token's logit
     * @param score {@code startLogit + endLogit} (float32 as in HF)
     * @param probability the softmax of the scores over the n best answers
     */
    public record Answer(String text, int start, int end, float startLogit, float endLogit, float score, double probability) {}

    /**
     * Writes HF's files into {@code dir}: {@code predictions.json}, {@code nbest_predictions.json} and, for v2,
     * {@code null_odds.json}, each prefixed {@code prefix_} when {@code prefix} is not null, indented by 4 with
     * non-ASCII escaped as Python's {@code json.dumps(..., indent=4)}. Each file is written to a temporary file
     * and moved into place.
     */
    public void writeTo(Path dir, String prefix) {
        String p = prefix == null ? "" : prefix + "_";
        write(dir.resolve(p + "predictions.json"), predictions);
        Map<String, List<Map<String, Object>>> nbestJson = new LinkedHashMap<>();
        nbest.forEach((id, answers) -> nbestJson.put(id, answers.stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start_logit", (double) a.startLogit());
            m.put("end_logit", (double) a.endLogit());
            m.put("text", a.text());
            m.put("probability", a.probability());
            return m;
        }).toList()));
        write(dir.resolve(p + "nbest_predictions.json"), nbestJson);
        if (nullOdds != null) {
            write(dir.resolve(p + "null_odds.json"), nullOdds);
        }
    }

    private static void write(Path file, Object value) {
        JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("    ", "\n")).withArrayIndenter(new DefaultIndenter("    ", "\n"));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                 JsonGenerator gen = json.createGenerator(out)) {
                gen.setPrettyPrinter(printer);
                json.writeValue(gen, value);
                gen.flush();
                out.write("\n");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
