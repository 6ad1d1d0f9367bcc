package io.t4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Texts to run, one per line, from a file or stdin, streamed in batches so input of any size never sits in memory.
 * Blank lines are skipped; malformed UTF-8 is an error naming the line.
 */
public final class TextInput {
    private TextInput() {}

    /** Calls {@code batchConsumer} with consecutive batches of at most {@code batchSize} texts; returns the count. */
    public static long forEachBatch(Path file, int batchSize, Consumer<List<String>> batchConsumer) {
        String source = file == null || file.toString().equals("-") ? "stdin" : file.toString();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = source.equals("stdin")
                ? new BufferedReader(new InputStreamReader(System.in, decoder))
                : new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            List<String> batch = new ArrayList<>(batchSize);
            long count = 0;
            long line = 0;
            String text;
            try {
                while ((text = reader.readLine()) != null) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    batch.add(text);
                    count++;
                    if (batch.size() == batchSize) {
                        batchConsumer.accept(batch);
                        batch = new ArrayList<>(batchSize);
                    }
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserException(ExitCode.DATA, source + ": line " + (line + 1) + " is not valid UTF-8");
            }
            if (!batch.isEmpty()) {
                batchConsumer.accept(batch);
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
}
