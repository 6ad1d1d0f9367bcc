package io.t4j.trainer;

import java.nio.file.Path;

/** Anything with HF's {@code save_pretrained(dir)}, e.g. a tokenizer whose files go into every checkpoint. */
@FunctionalInterface
public interface SavesPretrained {
    void savePretrained(Path dir);
}
