package io.t4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads CSV (RFC 4180: quoted fields with delimiters, doubled quotes and line breaks) and GLUE-style TSV (no
 * quoting, as HF's GLUE loader reads it with {@code quoting=QUOTE_NONE}). Records end at CRLF, LF or CR, mixed in
 * one file. Blank lines are skipped. The first record is the header.
 *
 * <p>Written here rather than with Jackson's CSV module so that an unclosed quote is reported at the line where
 * it opened (a streaming parser only notices at the end of the file) and every row keeps its line number.
 */
final class DelimitedReader {
    private final Path file;
    private final String text;
    private final char delimiter;
    private final boolean quoting;
    private int pos;
    private int line = 1;
    private int lineStart;

    private DelimitedReader(Path file, String text, char delimiter, boolean quoting) {
        this.file = file;
        this.text = text;
        this.delimiter = delimiter;
        this.quoting = quoting;
    }

    static RawTable read(Path file, char delimiter, boolean quoting) {
        DelimitedReader reader = new DelimitedReader(file, TextFiles.readUtf8(file), delimiter, quoting);
        return reader.table();
    }

    private RawTable table() {
        String[] header = nextRecord();
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        while (true) {
            skipBlankLines();
            int recordLine = line;
            String[] record = nextRecord();
            if (record == null) {
                break;
            }
            if (record.length != header.length) {
                throw new DataException(file + " line " + recordLine + ": " + record.length + " fields, but the header has "
                        + header.length + " (" + String.join(", ", header) + ")"
                        + (quoting ? "" : "; is the delimiter right?"));
            }
            rows.add(record);
            lines.add(recordLine);
        }
        if (rows.isEmpty()) {
            throw new DataException(file + ": no data rows after the header (" + String.join(", ", header) + ")");
        }
        List<RawTable.RawColumn> columns = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            String[] values = new String[rows.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = rows.get(r)[c];
            }
            columns.add(new RawTable.RawStrings(values));
        }
        return new RawTable(file, Arrays.asList(header), columns, lines.stream().mapToInt(Integer::intValue).toArray(), Map.of());
    }

    private void skipBlankLines() {
        while (pos < text.length() && (text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
            endLine();
        }
    }

    /** The next record's fields, or null at the end of the text. */
    private String[] nextRecord() {
        skipBlankLines();
        if (pos >= text.length()) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        while (true) {
            fields.add(quoting && text.charAt(pos) == '"' ? quotedField() : plainField());
            if (pos >= text.length()) {
                return fields.toArray(String[]::new);
            }
            char c = text.charAt(pos);
            if (c == delimiter) {
                pos++;
                if (pos >= text.length()) {
                    fields.add("");
                    return fields.toArray(String[]::new);
                }
            } else {
                endLine();
                return fields.toArray(String[]::new);
            }
        }
    }

    private String plainField() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == delimiter || c == '\n' || c == '\r') {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private String quotedField() {
        int openLine = line;
        int openColumn = pos - lineStart + 1;
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw new DataException(file + " line " + openLine + " column " + openColumn
                        + ": unclosed quote (the quoted field runs to the end of the file)");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                    value.append('"');
                    pos += 2;
                    continue;
                }
                pos++;
                value.append(plainField()); // text after the closing quote, kept as Python's csv module does
                return value.toString();
            }
            if (c == '\n' || c == '\r') {
                int from = pos;
                endLine();
                value.append(text, from, pos);
            } else {
                value.append(c);
                pos++;
            }
        }
    }

    /** Consumes one line break (CRLF, LF or CR). */
    private void endLine() {
        if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
            pos++;
        }
        pos++;
        line++;
        lineStart = pos;
    }
}
