package io.t4j.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncating encodes cut a long text to a prefix before the Rust tokenizer sees it (so a 5 MB line never becomes a
 * million tokens): the ids must equal whole-text truncation exactly, for single texts and pairs, for every
 * whitespace shape at the cut, and for texts that cannot be cut.
 */
class LongTextTruncationTest {
    @TempDir Path tmp;

    /** Long texts of words, punctuation, runs of spaces/tabs/newlines, accents and CJK, plus edge cases. */
    static List<String> texts(long seed) {
        String[] words = {"the", "film", "was", "unbelievably", "boring", "ça", "naïve", "東京", "well,", "(really)", "hide",
                "secretions", "!!!", "x".repeat(150), "Ünïcödé", "don't", "42", "3.14"};
        String[] gaps = {" ", " ", " ", "  ", "\t", "\n", " \n ", "\r\n"};
        Random random = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int chars : new int[] {100, 3_000, 9_000, 40_000}) {
            StringBuilder b = new StringBuilder();
            while (b.length() < chars) {
                b.append(words[random.nextInt(words.length)]).append(gaps[random.nextInt(gaps.length)]);
            }
            out.add(b.toString());
            out.add("   " + b.toString().strip()); // leading whitespace
        }
        out.add("y".repeat(30_000) + " tail");            // no whitespace before the cut: the whole text is used
        out.add("a " + "z".repeat(30_000) + " b c d");    // whitespace only at the very start
        out.add("w ".repeat(15_000));                     // ends in whitespace
        return out;
    }

    private static void assertSameAsWholeText(PreTrainedTokenizer tok, int maxLength) {
        List<String> texts = texts(maxLength);
        EncodeOptions options = EncodeOptions.defaults().withMaxLength(maxLength);
        // whole-text pair truncation keeps every combination of both texts' overflowing windows (quadratic in the
        // text length over max_length): the reference pairs stay under 10,000 characters
        List<String> pairFirst = texts.stream().filter(t -> t.length() < 10_000).toList();
        List<String> pairSecond = pairFirst.reversed();
        tok.truncateLongTextsByPrefix = false;
        BatchEncoding whole = tok.encode(texts, options);
        BatchEncoding wholePairs = tok.encodePairs(pairFirst, pairSecond, options);
        tok.truncateLongTextsByPrefix = true;
        BatchEncoding cut = tok.encode(texts, options);
        BatchEncoding cutPairs = tok.encodePairs(pairFirst, pairSecond, options);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cut.inputIds()[i]).as("text %d (%d chars), max_length %d", i, texts.get(i).length(), maxLength)
                    .containsExactly(whole.inputIds()[i]);
        }
        for (int i = 0; i < pairFirst.size(); i++) {
            assertThat(cutPairs.inputIds()[i]).as("pair %d, max_length %d", i, maxLength).containsExactly(wholePairs.inputIds()[i]);
            if (whole.tokenTypeIds() != null) {
                assertThat(cutPairs.tokenTypeIds()[i]).containsExactly(wholePairs.tokenTypeIds()[i]);
            }
        }
    }

    @Test
    void bertWordPieceTruncatesLikeTheWholeText() {
        try (PreTrainedTokenizer bge = AutoTokenizer.fromPretrained(TokenizerFixtures.bge())) {
            for (int maxLength : new int[] {128, 512}) {
                assertSameAsWholeText(bge, maxLength);
            }
        }
    }

    @Test
    void whitespaceSplitAndByteLevelTruncateLikeTheWholeText() throws Exception {
        try (PreTrainedTokenizer roberta = AutoTokenizer.fromPretrained(TokenizerFixtures.tinyRoberta())) {
            assertSameAsWholeText(roberta, 64);
            assertSameAsWholeText(roberta, 300);
        }
        Path byteLevel = TokenizerFixtures.copy(TokenizerFixtures.tinyRoberta(), tmp.resolve("byte-level"));
        ObjectMapper json = new ObjectMapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(byteLevel.resolve("tokenizer.json").toFile());
        tree.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        Files.writeString(byteLevel.resolve("tokenizer.json"), json.writeValueAsString(tree));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(byteLevel)) {
            assertSameAsWholeText(tok, 64);
            assertSameAsWholeText(tok, 300);
        }
    }

    @Test
    void onlyPreTokenizersThatSplitAtWhitespaceQualify() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(PreTrainedTokenizer.splitsAtWhitespace(json.readTree("{\"type\": \"BertPreTokenizer\"}"))).isTrue();
        assertThat(PreTrainedTokenizer.splitsAtWhitespace(json.readTree("{\"type\": \"ByteLevel\", \"use_regex\": false}"))).isFalse();
        assertThat(PreTrainedTokenizer.splitsAtWhitespace(json.readTree("{\"type\": \"Metaspace\", \"split\": false}"))).isFalse();
        assertThat(PreTrainedTokenizer.splitsAtWhitespace(json.readTree(
                "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\"}, {\"type\": \"WhitespaceSplit\"}]}"))).isTrue();
        assertThat(PreTrainedTokenizer.splitsAtWhitespace(json.readTree("null"))).isFalse();
    }
}
