package io.t4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HF's {@code AutoTokenizer}: reads a tokenizer folder as {@code AutoTokenizer.from_pretrained(path)} does for a
 * fast tokenizer (tokenizer.json, with tokenizer_config.json, special_tokens_map.json, chat_template.jinja and
 * config.json when present).
 */
public final class AutoTokenizer {
    private AutoTokenizer() {}

    /** Loads the tokenizer in {@code dir}; fails naming the folder when it has no tokenizer.json. */
    public static PreTrainedTokenizer fromPretrained(Path dir) {
        Engine.init(); // turns DJL's telemetry off before its first call
        if (!Files.isDirectory(dir)) {
            throw new TokenizerException("tokenizer folder " + dir.toAbsolutePath() + " does not exist");
        }
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException("no tokenizer.json in " + dir.toAbsolutePath() + " (t4j reads HF's fast "
                    + "tokenizer file; the folder holds " + TokenizerConfig.listing(dir) + ")");
        }
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonNode parsed = TokenizerConfig.readJson(file);
        return new PreTrainedTokenizer(dir, json, parsed, TokenizerConfig.read(dir, parsed));
    }
}
