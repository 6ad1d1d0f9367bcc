package io.t4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The CLI demo's small review dataset (shipped in the t4j-cli jar), as files the dataset loader reads. */
final class DemoData {
    private DemoData() {}

    static Path train() {
        return extract("train.tsv");
    }

    static Path validation() {
        return extract("validation.tsv");
    }

    private static Path extract(String name) {
        try (InputStream in = DemoData.class.getResourceAsStream("/io/t4j/cli/demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the demo dataset " + name + " is missing from the classpath (t4j-cli jar)");
            }
            Path file = Files.createTempFile("t4j-demo-", "-" + name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
