package io.t4j.tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths of the tokenizer fixtures in src/test/resources, and copies to edit. */
final class TokenizerFixtures {
    private TokenizerFixtures() {}

    static Path bge() {
        return resource("bge-small-tokenizer");
    }

    static Path tinyRoberta() {
        return resource("tiny-roberta-tokenizer");
    }

    /** A writable copy of a fixture folder, for tests that edit a config. */
    static Path copy(Path fixture, Path target) {
        try (Stream<Path> files = Files.list(fixture)) {
            Files.createDirectories(target);
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            var url = TokenizerFixtures.class.getResource("/" + name + "/tokenizer.json");
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name + "/tokenizer.json");
            }
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
