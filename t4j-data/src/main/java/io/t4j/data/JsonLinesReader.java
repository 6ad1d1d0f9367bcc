package io.t4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines (one object per line; CRLF, LF or CR; blank lines skipped) with Jackson. Columns are the keys in
 * order of first appearance; a column of integers becomes int64, of numbers float64, of arrays of numbers a float32
 * list column (multi-label targets), anything else string.
 */
final class JsonLinesReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesReader() {}

    static RawTable read(Path file) {
        String[] lines = TextFiles.readUtf8(file).split("\r\n|\r|\n", -1);
        Map<String, List<JsonNode>> values = new LinkedHashMap<>();
        List<Integer> rowLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode row = parse(file, i + 1, lines[i]);
            int r = rowLines.size();
            rowLines.add(i + 1);
            row.properties().forEach(e -> values.computeIfAbsent(e.getKey(), k -> nulls(r)).add(e.getValue()));
            values.values().forEach(v -> {
                while (v.size() <= r) {
                    v.add(null);
                }
            });
        }
        if (rowLines.isEmpty() || values.isEmpty()) {
            throw new DataException(file + ": no JSON objects in the file");
        }
        List<RawTable.RawColumn> columns = values.values().stream().map(JsonLinesReader::column).toList();
        return new RawTable(file, List.copyOf(values.keySet()), columns,
                rowLines.stream().mapToInt(Integer::intValue).toArray(), Map.of());
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw new DataException(file + " line " + line + ": expected a JSON object, found " + node.getNodeType());
            }
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new DataException(file + " line " + line + (loc == null ? "" : " column " + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<JsonNode> nulls(int count) {
        List<JsonNode> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(null);
        }
        return list;
    }

    private static RawTable.RawColumn column(List<JsonNode> nodes) {
        boolean allInts = nodes.stream().allMatch(n -> n == null || n.isNull() || n.isIntegralNumber());
        boolean allNumbers = nodes.stream().allMatch(n -> n == null || n.isNull() || n.isNumber());
        boolean anyValue = nodes.stream().anyMatch(n -> n != null && !n.isNull());
        BitSet nullRows = new BitSet();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == null || nodes.get(i).isNull()) {
                nullRows.set(i);
            }
        }
        if (anyValue && allInts) {
            return new RawTable.RawLongs(nodes.stream().mapToLong(n -> n == null ? 0 : n.asLong()).toArray(), nullRows, "int64");
        }
        boolean allNumberArrays = nodes.stream().allMatch(n -> n == null || n.isNull()
                || (n.isArray() && java.util.stream.StreamSupport.stream(n.spliterator(), false).allMatch(JsonNode::isNumber)));
        if (anyValue && allNumberArrays) {
            float[][] rows = new float[nodes.size()][];
            for (int i = 0; i < rows.length; i++) {
                JsonNode n = nodes.get(i);
                rows[i] = new float[n == null || n.isNull() ? 0 : n.size()];
                for (int j = 0; j < rows[i].length; j++) {
                    rows[i][j] = (float) n.get(j).asDouble();
                }
            }
            return new RawTable.RawFloatLists(rows, nullRows);
        }
        if (anyValue && allNumbers) {
            return new RawTable.RawDoubles(nodes.stream().mapToDouble(n -> n == null ? Double.NaN : n.asDouble()).toArray(), nullRows, "float64");
        }
        return new RawTable.RawStrings(nodes.stream()
                .map(n -> n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString()).toArray(String[]::new));
    }
}
