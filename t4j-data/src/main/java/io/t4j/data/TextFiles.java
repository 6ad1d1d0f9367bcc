package io.t4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a text data file as strict UTF-8: a missing file, an empty file and a bad byte each fail with its place. */
final class TextFiles {
    private TextFiles() {}

    static String readUtf8(Path file) {
        byte[] bytes = readBytes(file);
        if (bytes.length == 0) {
            throw new DataException(file + ": the file is empty");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw badByte(file, bytes, in.position());
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (text.isBlank()) {
            throw new DataException(file + ": the file is empty (only whitespace)");
        }
        return text;
    }

    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static DataException badByte(Path file, byte[] bytes, int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            boolean crlf = bytes[i] == '\r' && i + 1 < at && bytes[i + 1] == '\n';
            if (bytes[i] == '\n' || (bytes[i] == '\r' && !crlf)) {
                line++;
                lineStart = i + 1;
            }
        }
        return new DataException(String.format("%s line %d column %d (byte offset %d): not UTF-8 (byte 0x%02X); "
                + "convert the file to UTF-8", file, line, at - lineStart + 1, at, bytes[at] & 0xFF));
    }
}
