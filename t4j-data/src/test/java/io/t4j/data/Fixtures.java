package io.t4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources and small files written by tests (line endings exact, so git cannot rewrite them). */
final class Fixtures {
    private Fixtures() {}

    static Path resource(String name) {
        try {
            var url = Fixtures.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path bgeTokenizer() {
        return resource("bge-small-tokenizer");
    }

    static Path robertaTokenizer() {
        return resource("tiny-roberta-tokenizer");
    }

    static Path write(Path file, String content) {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GLUE SST-2 train.tsv in miniature: header {@code label\tsentence}, CRLF and CR line endings mixed. */
    static Path sst2Train(Path dir) {
        return write(dir.resolve("train.tsv"), "label\tsentence\r\n"
                + "0\thide new secretions from the parental units\r\n"
                + "0\tcontains no wit , only labored gags\r"
                + "1\tthat loves its characters and communicates something rather beautiful about human nature\r\n"
                + "0\tremains utterly satisfied to remain the same throughout\r"
                + "1\tthe \"greatest\" film of the year\r\n");
    }

    /** GLUE SST-2 dev.tsv in miniature: the text column is called {@code content}; LF endings. */
    static Path sst2Dev(Path dir) {
        return write(dir.resolve("dev.tsv"), "label\tcontent\n0\tone long string of cliches .\n1\tit 's a charming and often affecting journey .\n");
    }
}
