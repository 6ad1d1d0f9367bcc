package io.t4j.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads SQuAD files, as HF datasets' {@code squad} / {@code squad_v2} builders and its {@code json} and
 * {@code parquet} loaders do:
 * <ul>
 *   <li>the original JSON layout of SQuAD v1.1 and v2.0: {@code {"version", "data": [{"title", "paragraphs":
 *       [{"context", "qas": [{"id", "question", "answers": [{"text", "answer_start"}]}]}]}]}}, with v2's
 *       {@code is_impossible} and {@code plausible_answers};</li>
 *   <li>HF's flat layout, one question per record: {@code {"id", "title", "context", "question", "answers":
 *       {"text": [...], "answer_start": [...]}}} (an empty {@code answers} is an unanswerable question), as JSON
 *       Lines ({@code .jsonl}, or a {@code .json} of objects one after another), as a JSON array or a
 *       {@code {"data": [...]}} object ({@code .json}), or as Parquet (HF's {@code answers} struct of two lists).</li>
 * </ul>
 * Files are read as strict UTF-8. Everything is checked at load, and an error names the file and the question id
 * (or, before the id is known, the record's place): a missing field, an empty context or question, an
 * {@code answer_start} whose context does not read the answer's text, a v2 {@code is_impossible} that
 * contradicts the answers, a question id that appears twice. {@code title} may be absent (""), as HF allows.
 *
 * <p>{@code answer_start} counts Python characters (code points); the examples hold Java string indices
 * ({@link SquadAnswer}).
 */
public final class SquadReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SquadReader() {}

    /** Reads {@code file} by its extension: {@code .json}, {@code .jsonl}/{@code .ndjson} or {@code .parquet}. */
    public static SquadData read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return readParquet(file);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return readJsonLines(file, TextFiles.readUtf8(file));
        }
        if (name.endsWith(".json")) {
            return readJson(file, TextFiles.readUtf8(file));
        }
        throw new DataException(file + ": unknown SQuAD file type (expected .json, .jsonl or .parquet)");
    }

    private static SquadData readJson(Path file, String text) {
        JsonNode root;
        boolean more;
        try (JsonParser parser = JSON.createParser(text)) {
            root = JSON.readTree(parser);
            more = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new DataException(file + (loc == null ? "" : " line " + loc.getLineNr() + " column " + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (more || (root.isObject() && !root.has("data"))) {
            return readJsonLines(file, text);
        }
        if (root.isArray()) {
            return flatRecords(file, null, root);
        }
        if (!root.isObject()) {
            throw new DataException(file + ": expected a SQuAD JSON object {\"data\": [...]}, found " + root.getNodeType());
        }
        String version = root.path("version").isValueNode() ? root.path("version").asText() : null;
        JsonNode data = root.get("data");
        if (!data.isArray() || data.isEmpty()) {
            throw new DataException(file + ": field 'data' must be a non-empty array, found " + describe(data));
        }
        return data.get(0).has("paragraphs") ? articles(file, version, data) : flatRecords(file, version, data);
    }

    /** The original layout: articles of paragraphs of questions. */
    private static SquadData articles(Path file, String version, JsonNode data) {
        List<SquadExample> out = new ArrayList<>();
        for (int a = 0; a < data.size(); a++) {
            JsonNode article = data.get(a);
            String articlePlace = file + ", article " + a;
            requireObject(article, articlePlace);
            String title = optionalText(article, "title", articlePlace);
            articlePlace += title.isEmpty() ? "" : " ('" + title + "')";
            JsonNode paragraphs = requireArray(article, "paragraphs", articlePlace);
            for (int p = 0; p < paragraphs.size(); p++) {
                JsonNode paragraph = paragraphs.get(p);
                String paragraphPlace = articlePlace + " paragraph " + p;
                requireObject(paragraph, paragraphPlace);
                String context = requireText(paragraph, "context", paragraphPlace);
                JsonNode qas = requireArray(paragraph, "qas", paragraphPlace);
                for (int q = 0; q < qas.size(); q++) {
                    JsonNode qa = qas.get(q);
                    String qaPlace = paragraphPlace + " question " + q;
                    requireObject(qa, qaPlace);
                    String id = requireId(qa, qaPlace);
                    String where = file + ", question " + id;
                    requireContext(context, where);
                    Boolean impossible = null;
                    if (qa.hasNonNull("is_impossible")) {
                        if (!qa.get("is_impossible").isBoolean()) {
                            throw new DataException(where + ": field 'is_impossible' must be true or false, found "
                                    + describe(qa.get("is_impossible")));
                        }
                        impossible = qa.get("is_impossible").booleanValue();
                    }
                    List<SquadAnswer> answers = answerObjects(requireArray(qa, "answers", where), context, where, "answers");
                    List<SquadAnswer> plausible = qa.hasNonNull("plausible_answers")
                            ? answerObjects(requireArray(qa, "plausible_answers", where), context, where, "plausible_answers")
                            : List.of();
                    if (Boolean.TRUE.equals(impossible) && !answers.isEmpty()) {
                        throw new DataException(where + ": is_impossible is true but the question has " + answers.size() + " answers");
                    }
                    if (!Boolean.TRUE.equals(impossible) && answers.isEmpty()) {
                        throw new DataException(where + ": no answers, and is_impossible is not true "
                                + "(an unanswerable SQuAD v2 question says \"is_impossible\": true)");
                    }
                    out.add(example(id, title, context, requireText(qa, "question", where), answers, plausible, file, where));
                }
            }
        }
        return data(file, version, out);
    }

    private static List<SquadAnswer> answerObjects(JsonNode array, String context, String where, String field) {
        List<SquadAnswer> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode answer = array.get(i);
            String place = where + ": " + field + "[" + i + "]";
            if (!answer.isObject()) {
                throw new DataException(place + " must be an object {\"text\", \"answer_start\"}, found " + describe(answer));
            }
            String text = requireText(answer, "text", place);
            if (!answer.hasNonNull("answer_start") || !answer.get("answer_start").isIntegralNumber()) {
                throw new DataException(place + ": field 'answer_start' must be an integer, found " + describe(answer.get("answer_start")));
            }
            out.add(answer(context, text, answer.get("answer_start").asLong(), place));
        }
        return out;
    }

    /** HF's flat records from a JSON array (or the array under "data"). */
    private static SquadData flatRecords(Path file, String version, JsonNode records) {
        List<SquadExample> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            out.add(flatRecord(records.get(i), file, file + ", record " + i));
        }
        return data(file, version, out);
    }

    private static SquadData readJsonLines(Path file, String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<SquadExample> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String place = file + " line " + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                var loc = e.getLocation();
                throw new DataException(place + (loc == null ? "" : " column " + loc.getColumnNr()) + ": not valid JSON: "
                        + e.getOriginalMessage(), e);
            }
            out.add(flatRecord(node, file, place));
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no JSON objects in the file");
        }
        return data(file, null, out);
    }

    private static SquadExample flatRecord(JsonNode record, Path file, String place) {
        requireObject(record, place);
        String id = requireId(record, place);
        String where = file + ", question " + id;
        String context = requireContext(requireText(record, "context", where), where);
        JsonNode answers = record.get("answers");
        if (answers == null || !answers.isObject()) {
            throw new DataException(where + ": field 'answers' must be an object {\"text\": [...], \"answer_start\": [...]}, found "
                    + describe(answers));
        }
        JsonNode texts = requireArray(answers, "text", where + ": answers");
        JsonNode starts = requireArray(answers, "answer_start", where + ": answers");
        List<String> textList = new ArrayList<>();
        List<Long> startList = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (!texts.get(i).isTextual()) {
                throw new DataException(where + ": answers.text[" + i + "] must be a string, found " + describe(texts.get(i)));
            }
            textList.add(texts.get(i).textValue());
        }
        for (int i = 0; i < starts.size(); i++) {
            if (!starts.get(i).isIntegralNumber()) {
                throw new DataException(where + ": answers.answer_start[" + i + "] must be an integer, found " + describe(starts.get(i)));
            }
            startList.add(starts.get(i).asLong());
        }
        return flatExample(id, optionalText(record, "title", where), context, requireText(record, "question", where),
                textList, startList, file, where);
    }

    private static SquadExample flatExample(String id, String title, String context, String question, List<String> texts,
                                            List<Long> starts, Path file, String where) {
        if (texts.size() != starts.size()) {
            throw new DataException(where + ": answers has " + texts.size() + " texts but " + starts.size() + " answer_start values");
        }
        List<SquadAnswer> answers = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            answers.add(answer(context, texts.get(i), starts.get(i), where + ": answers[" + i + "]"));
        }
        return example(id, title, context, question, answers, List.of(), file, where);
    }

    private static SquadExample example(String id, String title, String context, String question, List<SquadAnswer> answers,
                                        List<SquadAnswer> plausible, Path file, String where) {
        if (question.isBlank()) {
            throw new DataException(where + ": empty question");
        }
        return new SquadExample(id, title, context, question, answers, plausible, file.toString());
    }

    /** One answer, its start converted from code points to a Java index; the context must read its text there. */
    private static SquadAnswer answer(String context, String text, long codePointStart, String place) {
        if (text.isEmpty()) {
            throw new DataException(place + ": empty answer text");
        }
        int codePoints = context.codePointCount(0, context.length());
        if (codePointStart < 0 || codePointStart >= codePoints) {
            throw new DataException(place + ": answer_start " + codePointStart + " is outside the context ("
                    + codePoints + " characters) for the answer '" + text + "'");
        }
        int start = context.offsetByCodePoints(0, (int) codePointStart);
        if (!context.startsWith(text, start)) {
            String there = context.substring(start, Math.min(context.length(), start + text.length()));
            throw new DataException(place + ": answer_start " + codePointStart + " does not match the answer text '" + text
                    + "': the context there reads '" + there + "'");
        }
        return new SquadAnswer(text, start);
    }

    private static SquadData data(Path file, String version, List<SquadExample> examples) {
        if (examples.isEmpty()) {
            throw new DataException(file + ": no questions in the file");
        }
        return new SquadData(file.toString(), version, examples);
    }

    // ---- Parquet: HF's flat layout, answers a struct of two lists, read record by record (nested columns).

    private static SquadData readParquet(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs()).build();
        List<SquadExample> out = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            for (String field : List.of("id", "context", "question", "answers")) {
                if (!schema.containsField(field)) {
                    throw new DataException(file + ": no column '" + field + "' (columns: "
                            + String.join(", ", schema.getFields().stream().map(Type::getName).toList()) + ")");
                }
            }
            var columnIO = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore rowGroup;
            int row = 0;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = columnIO.getRecordReader(rowGroup, new GroupRecordConverter(schema));
                for (long r = 0; r < rowGroup.getRowCount(); r++, row++) {
                    out.add(parquetRecord(records.read(), file, file + " row " + row));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException(file + ": not a readable Parquet file: " + e.getMessage(), e);
        }
        return data(file, null, out);
    }

    private static SquadExample parquetRecord(Group record, Path file, String place) {
        String id = parquetValue(record, "id", place);
        if (id == null || id.isEmpty()) {
            throw new DataException(place + ": missing field 'id'");
        }
        String where = file + ", question " + id;
        String context = parquetValue(record, "context", where);
        String question = parquetValue(record, "question", where);
        if (context == null) {
            throw new DataException(where + ": missing field 'context'");
        }
        if (question == null) {
            throw new DataException(where + ": missing field 'question'");
        }
        requireContext(context, where);
        String title = record.getType().containsField("title") ? parquetValue(record, "title", where) : null;
        if (record.getFieldRepetitionCount("answers") == 0) {
            throw new DataException(where + ": missing field 'answers'");
        }
        Group answers = record.getGroup("answers", 0);
        List<String> texts = parquetList(answers, "text", where);
        List<String> starts = parquetList(answers, "answer_start", where);
        List<Long> startValues = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            try {
                startValues.add(Long.parseLong(starts.get(i)));
            } catch (NumberFormatException e) {
                throw new DataException(where + ": answers.answer_start[" + i + "] must be an integer, found '" + starts.get(i) + "'");
            }
        }
        return flatExample(id, title, context, question, texts, startValues, file, where);
    }

    private static String parquetValue(Group record, String field, String where) {
        if (record.getFieldRepetitionCount(field) == 0) {
            return null;
        }
        if (!record.getType().getType(field).isPrimitive()) {
            throw new DataException(where + ": column '" + field + "' is not a plain value");
        }
        return record.getValueToString(record.getType().getFieldIndex(field), 0);
    }

    /** A Parquet list: the standard 3-level LIST group ({@code list.element}) or a legacy repeated field. */
    private static List<String> parquetList(Group parent, String field, String where) {
        GroupType type = parent.getType();
        if (!type.containsField(field)) {
            throw new DataException(where + ": answers has no field '" + field + "'");
        }
        List<String> out = new ArrayList<>();
        int index = type.getFieldIndex(field);
        if (type.getType(index).isRepetition(Type.Repetition.REPEATED)) {
            for (int i = 0; i < parent.getFieldRepetitionCount(index); i++) {
                out.add(parent.getValueToString(index, i));
            }
            return out;
        }
        if (parent.getFieldRepetitionCount(index) == 0) {
            throw new DataException(where + ": missing field 'answers." + field + "'");
        }
        Group list = parent.getGroup(index, 0);
        GroupType listType = list.getType();
        for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
            String value;
            if (listType.getType(0).isPrimitive()) {
                value = list.getValueToString(0, i);
            } else {
                Group element = list.getGroup(0, i);
                value = element.getFieldRepetitionCount(0) == 0 ? null : element.getValueToString(0, 0);
            }
            if (value == null) {
                throw new DataException(where + ": answers." + field + "[" + i + "] is null");
            }
            out.add(value);
        }
        return out;
    }

    // ---- JSON field access with messages.

    private static void requireObject(JsonNode node, String place) {
        if (!node.isObject()) {
            throw new DataException(place + ": expected a JSON object, found " + describe(node));
        }
    }

    private static String requireContext(String context, String where) {
        if (context.isBlank()) {
            throw new DataException(where + ": empty context");
        }
        return context;
    }

    private static String requireId(JsonNode node, String place) {
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            throw new DataException(place + ": missing field 'id'");
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw new DataException(place + ": field 'id' must be a string, found " + describe(id));
        }
        if (id.asText().isEmpty()) {
            throw new DataException(place + ": empty field 'id'");
        }
        return id.asText();
    }

    private static String requireText(JsonNode node, String field, String place) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new DataException(place + ": missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new DataException(place + ": field '" + field + "' must be a string, found " + describe(value));
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode node, String field, String place) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new DataException(place + ": field '" + field + "' must be a string, found " + describe(value));
        }
        return value.textValue();
    }

    private static JsonNode requireArray(JsonNode node, String field, String place) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new DataException(place + ": missing field '" + field + "'");
        }
        if (!value.isArray()) {
            throw new DataException(place + ": field '" + field + "' must be an array, found " + describe(value));
        }
        return value;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return node.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
