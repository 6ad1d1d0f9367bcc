package io.t4j.models.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.CheckpointException;
import io.t4j.models.AutoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The tokenizer files of an imported BERT checkpoint: {@code tokenizer.json} copied byte for byte, and the
 * {@code tokenizer_config.json} HF's {@code BertTokenizerFast} would save, with the special tokens read from the
 * tokenizer.json's {@code added_tokens} and {@code do_lower_case} from its normalizer.
 */
final class TokenizerFiles {
    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {}

    /** BERT's special tokens as the tokenizer.json spells them, and what the config needs from it. */
    record SpecialTokens(String clsToken, String sepToken, String padToken, String maskToken, String unkToken,
                         int padTokenId, boolean doLowerCase, int maxTokenId) {}

    /** HF's tokenizer_config.json for a BERT fast tokenizer (snake_case keys). */
    record TokenizerConfig(String tokenizerClass, boolean doLowerCase, int modelMaxLength, String clsToken,
                           String sepToken, String padToken, String maskToken, String unkToken, String paddingSide,
                           String truncationSide, boolean cleanUpTokenizationSpaces, boolean tokenizeChineseChars) {}

    static SpecialTokens read(Path tokenizerJson) {
        JsonNode root = readJson(tokenizerJson);
        JsonNode added = root.path("added_tokens");
        int pad = tokenId(tokenizerJson, added, "[PAD]");
        for (String token : new String[] {"[CLS]", "[SEP]", "[MASK]", "[UNK]"}) {
            tokenId(tokenizerJson, added, token);
        }
        return new SpecialTokens("[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]", pad, lowercases(root.path("normalizer")),
                maxTokenId(root));
    }

    /** Copies tokenizer.json into {@code dir} and writes tokenizer_config.json next to it. */
    static void write(Path dir, Path tokenizerJson, SpecialTokens t, int modelMaxLength) {
        var config = new TokenizerConfig("BertTokenizer", t.doLowerCase(), modelMaxLength, t.clsToken(), t.sepToken(),
                t.padToken(), t.maskToken(), t.unkToken(), "right", "right", true, true);
        Path target = dir.resolve(TOKENIZER_CONFIG);
        try {
            Files.copy(tokenizerJson, dir.resolve(TOKENIZER_JSON), StandardCopyOption.REPLACE_EXISTING);
            AutoConfig.JSON.writeValue(target.toFile(), config);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot write the tokenizer files: " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new CheckpointException(file + ": not a tokenizer.json (not a JSON object)");
            }
            return root;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new CheckpointException(file + ": no such file (the importer needs the model's tokenizer.json)", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": not a tokenizer.json (invalid JSON: " + e.getMessage() + ")", e);
        }
    }

    private static int tokenId(Path file, JsonNode added, String content) {
        for (JsonNode token : added) {
            if (content.equals(token.path("content").asText(null)) && token.path("id").canConvertToInt()) {
                return token.get("id").asInt();
            }
        }
        throw new CheckpointException(file + ": added_tokens has no " + content
                + " token (a BERT tokenizer needs [CLS], [SEP], [PAD], [MASK] and [UNK])");
    }

    /** BertNormalizer's {@code lowercase} (default true), or a Lowercase normalizer in a Sequence. */
    private static boolean lowercases(JsonNode normalizer) {
        return switch (normalizer.path("type").asText("")) {
            case "BertNormalizer" -> normalizer.path("lowercase").asBoolean(true);
            case "Lowercase" -> true;
            case "Sequence" -> {
                for (JsonNode n : normalizer.path("normalizers")) {
                    if (lowercases(n)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    private static int maxTokenId(JsonNode root) {
        int max = -1;
        for (JsonNode id : root.path("model").path("vocab")) {
            max = Math.max(max, id.asInt());
        }
        for (JsonNode token : root.path("added_tokens")) {
            max = Math.max(max, token.path("id").asInt());
        }
        return max;
    }
}
