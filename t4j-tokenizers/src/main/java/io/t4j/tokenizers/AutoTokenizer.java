package io.t4j.tokenizers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.Engine;
import io.t4j.tokenizers.convert.ConvertSlowTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HF's {@code AutoTokenizer}: reads a tokenizer folder as {@code AutoTokenizer.from_pretrained(path)} does for a
 * fast tokenizer (tokenizer.json, with tokenizer_config.json, special_tokens_map.json, chat_template.jinja and
 * config.json when present). A folder without tokenizer.json has its slow tokenizer files converted as HF's
 * {@code convert_slow_tokenizer} does ({@link ConvertSlowTokenizer}: vocab.txt, vocab.json + merges.txt, or a
 * SentencePiece model), and the conversion is logged at info.
 */
public final class AutoTokenizer {
    private AutoTokenizer() {}

    /** Loads the tokenizer in {@code dir}; fails naming the folder and files when it has nothing t4j can read. */
    public static PreTrainedTokenizer fromPretrained(Path dir) {
        return fromPretrained(dir, TokenizerOptions.defaults());
    }

    /**
     * HF's {@code AutoTokenizer.from_pretrained(dir, **kwargs)} with the kwargs in {@code options}, e.g.
     * {@code add_prefix_space=True} for pre-tokenized input to a RoBERTa tokenizer.
     */
    public static PreTrainedTokenizer fromPretrained(Path dir, TokenizerOptions options) {
        Engine.init(); // turns DJL's telemetry off before its first call
        if (!Files.isDirectory(dir)) {
            throw new TokenizerException("tokenizer folder " + dir.toAbsolutePath() + " does not exist");
        }
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            // HF's from_slow path: convert vocab.txt, vocab.json + merges.txt or a SentencePiece model (logged at info)
            ConvertSlowTokenizer.Converted converted = ConvertSlowTokenizer.convert(dir);
            JsonNode parsed = readJson(converted.tokenizerJson(), dir);
            return new PreTrainedTokenizer(dir, converted.tokenizerJson(), parsed,
                    TokenizerConfig.read(dir, parsed, converted.tokenizerConfig()));
        }
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonNode parsed = TokenizerConfig.readJson(file);
        TokenizerConfig config = TokenizerConfig.read(dir, parsed);
        if (options.addPrefixSpace() != null) {
            config = config.withAddPrefixSpace(options.addPrefixSpace());
        }
        if (config.addPrefixSpace() != null && parsed.isObject()) {
            ObjectNode rewritten = ((ObjectNode) parsed).deepCopy();
            if (ByteLevelJson.setAddPrefixSpace(rewritten, config.addPrefixSpace())) {
                parsed = rewritten;
                try {
                    json = TokenizerConfig.JSON.writeValueAsString(rewritten);
                } catch (JsonProcessingException e) {
                    throw new TokenizerException(file + ": cannot write the tokenizer back: " + e.getOriginalMessage(), e);
                }
            }
        }
        return new PreTrainedTokenizer(dir, json, parsed, config);
    }

    private static JsonNode readJson(String json, Path dir) {
        try {
            return TokenizerConfig.JSON.readTree(json);
        } catch (IOException e) {
            throw new TokenizerException("the tokenizer.json converted from the files in " + dir + " is not valid JSON", e);
        }
    }
}
