package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.ConverterTestSupport.encodeRaw;
import static io.t4j.tokenizers.convert.ConverterTestSupport.spans;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The converted tokenizer.json of each fixture folder (src/test/resources/convert, README there) against the one
 * HF's convert_slow_tokenizer.py built for the same files: the same added tokens, normalizer, pre-tokenizer,
 * post-processor, decoder and model (vocabulary, scores and merges in order), and so the same ids and offsets.
 *
 * <p>transformers 5's own tokenizer classes build some of these differently (XLM-R: WhitespaceSplit and no
 * strip/replace; DeBERTa-v2: no compiled charsmap; RoBERTa: {@code <mask>} without lstrip; Llama: no bos). On real
 * text the converter classes match the SentencePiece slow tokenizers more closely (see the convert package docs), so
 * they are the reference here.
 */
class ConvertParityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TEXTS = List.of("The quick, unaffable fox!", "Hello world!", "hello world", "HELLO,  World ",
            "hello é <mask> [MASK] <|user|>", "中文 fox", "");

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "xlm-roberta", "deberta-v2", "llama"})
    void convertedTokenizerJsonIsHfs(String name) throws IOException {
        Path dir = fixture(name);
        JsonNode expected = JSON.readTree(dir.resolve("hf-tokenizer.json").toFile());
        String convertedJson = ConvertSlowTokenizer.convert(dir).tokenizerJson();
        JsonNode converted = JSON.readTree(convertedJson);
        for (String key : List.of("added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder", "model")) {
            JsonNode a = comparable(converted.get(key));
            JsonNode b = comparable(expected.get(key));
            assertThat(a).as("%s: %s", name, key).isEqualTo(b);
        }
        String expectedJson = Files.readString(dir.resolve("hf-tokenizer.json"));
        for (String text : TEXTS) {
            Encoding ours = encodeRaw(convertedJson, text);
            Encoding hf = encodeRaw(expectedJson, text);
            assertThat(ours.getIds()).as("%s: ids of %s", name, text).containsExactly(hf.getIds());
            assertThat(spans(ours)).as("%s: offsets of %s", name, text).containsExactly(spans(hf));
        }
    }

    /** Merges as [a, b] pairs whichever way they were written; other nodes as they are. */
    private static JsonNode comparable(JsonNode node) {
        if (node == null || !node.has("merges")) {
            return node;
        }
        ObjectNode copy = node.deepCopy();
        ArrayNode merges = copy.putArray("merges");
        for (JsonNode m : node.get("merges")) {
            merges.add(m.isTextual() ? JSON.valueToTree(m.asText().split(" ", 2)) : m);
        }
        return copy;
    }

    private static Path fixture(String name) {
        try {
            var url = ConvertParityTest.class.getResource("/convert/" + name + "/tokenizer_config.json");
            if (url == null) {
                throw new IllegalStateException("missing test resource convert/" + name);
            }
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
