package io.t4j.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Texts to run, one per line (LF or CRLF), from a file or stdin, streamed in batches so input of any size never
 * sits in memory. Blank lines are kept (so output line N answers input line N: see {@link #mapNonBlank}) or
 * skipped; malformed UTF-8 is an error naming the line.
 */
public final class TextInput {
    private TextInput() {}

    /** What a command writes for a blank input line when it keeps line alignment. */
    public static final String EMPTY_TEXT_ERROR = "empty text";

    /**
     * A batch of texts with where each comes from.
     *
     * @param source "stdin" or the file's name
     * @param lines  the 1-based line number of each text
     */
    public record Batch(String source, List<String> texts, long[] lines) {
        /** "file line 7" of the text at {@code index}. */
        public String where(int index) {
            return source + " line " + lines[index];
        }
    }

    /** As {@link #forEachBatch(Path, int, boolean, Consumer)} skipping blank lines. */
    public static long forEachBatch(Path file, int batchSize, Consumer<List<String>> batchConsumer) {
        return forEachBatch(file, batchSize, true, batchConsumer);
    }

    /**
     * Calls {@code batchConsumer} with consecutive batches of at most {@code batchSize} lines, blank ones included
     * unless {@code skipBlank}; returns the count of non-blank texts (none at all is an error).
     */
    public static long forEachBatch(Path file, int batchSize, boolean skipBlank, Consumer<List<String>> batchConsumer) {
        return forEachNumberedBatch(file, batchSize, skipBlank, batch -> batchConsumer.accept(batch.texts()));
    }

    /** {@link #forEachBatch(Path, int, boolean, Consumer)} with each text's line number, for errors that name the line. */
    public static long forEachNumberedBatch(Path file, int batchSize, boolean skipBlank, Consumer<Batch> batchConsumer) {
        boolean stdin = file == null || file.toString().equals("-");
        String source = stdin ? "stdin" : file.toString();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(stdin ? System.in : Files.newInputStream(file), 1 << 16)) {
            List<String> batch = new ArrayList<>(batchSize);
            long[] numbers = new long[batchSize];
            long count = 0;
            long line = 0;
            ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
            while (readLine(in, buf)) {
                line++;
                String text;
                try {
                    text = decoder.decode(ByteBuffer.wrap(buf.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new UserException(ExitCode.DATA, source + ": line " + line + " is not valid UTF-8");
                }
                if (text.isBlank() && skipBlank) {
                    continue;
                }
                numbers[batch.size()] = line;
                batch.add(text);
                count += text.isBlank() ? 0 : 1;
                if (batch.size() == batchSize) {
                    batchConsumer.accept(new Batch(source, batch, numbers.clone()));
                    batch = new ArrayList<>(batchSize);
                }
            }
            if (!batch.isEmpty()) {
                batchConsumer.accept(new Batch(source, batch, java.util.Arrays.copyOf(numbers, batch.size())));
            }
            if (count == 0) {
                throw new UserException(ExitCode.DATA, source + ": no input texts (expected one text per line)");
            }
            return count;
        } catch (NoSuchFileException e) {
            throw new UserException(ExitCode.DATA, source + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code run} over the non-blank texts of {@code batch}, its results put back in line order with null for each
     * blank line: the caller writes an error record there, so output stays aligned with input.
     */
    public static <R> List<R> mapNonBlank(List<String> batch, Function<List<String>, List<R>> run) {
        List<String> texts = batch.stream().filter(t -> !t.isBlank()).toList();
        List<R> results = texts.isEmpty() ? List.of() : run.apply(texts);
        List<R> aligned = new ArrayList<>(batch.size());
        int next = 0;
        for (String text : batch) {
            aligned.add(text.isBlank() ? null : results.get(next++));
        }
        return aligned;
    }

    /** Reads one line's bytes (without LF or CRLF) into {@code buf}; false at end of input. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream buf) throws IOException {
        buf.reset();
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            buf.write(b);
            b = in.read();
        }
        byte[] bytes = buf.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            buf.reset();
            buf.write(bytes, 0, bytes.length - 1);
        }
        return true;
    }
}
