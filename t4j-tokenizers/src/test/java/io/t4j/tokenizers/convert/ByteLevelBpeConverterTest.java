package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.ConverterTestSupport.convert;
import static io.t4j.tokenizers.convert.ConverterTestSupport.encodeRaw;
import static io.t4j.tokenizers.convert.ConverterTestSupport.ids;
import static io.t4j.tokenizers.convert.ConverterTestSupport.spans;
import static io.t4j.tokenizers.convert.ConverterTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.TokenizerException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vocab.json + merges.txt to byte-level BPE (RoBERTa, GPT-2). The merges build "Hello" (H e, l l, He ll, Hell o)
 * and "Ġworld" (Ġ w, o r, Ġw or, l d, Ġwor ld) in rank order; "Ġ" is the byte-level space, so " world" becomes
 * "Ġworld" while "world" at the start of a sequence (no prefix space) only gets as far as w, or, ld.
 */
class ByteLevelBpeConverterTest {
    static final String MERGES = "#version: 0.2\nH e\nl l\nHe ll\nHell o\nĠ w\no r\nĠw or\nl d\nĠwor ld\n";
    @TempDir Path dir;

    private static String vocab(String lastToken) {
        return "{\"<s>\": 0, \"<pad>\": 1, \"</s>\": 2, \"<unk>\": 3, \"H\": 4, \"e\": 5, \"l\": 6, \"o\": 7, \"Ġ\": 8, "
                + "\"w\": 9, \"r\": 10, \"d\": 11, \"He\": 12, \"ll\": 13, \"Hell\": 14, \"Hello\": 15, \"Ġw\": 16, "
                + "\"or\": 17, \"Ġwor\": 18, \"ld\": 19, \"Ġworld\": 20, \"!\": 21, \"" + lastToken + "\": 22}";
    }

    private void files(String lastToken, String tokenizerConfig) {
        write(dir.resolve("vocab.json"), vocab(lastToken));
        write(dir.resolve("merges.txt"), MERGES);
        write(dir.resolve("tokenizer_config.json"), tokenizerConfig);
    }

    @Test
    void robertaWrapsInSAndSlashSAndTrimsOffsets() {
        files("<mask>", "{\"tokenizer_class\": \"RobertaTokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "Hello world!")).containsExactly(0, 15, 20, 21, 2);
            // <mask> is lstrip: it takes the space before it
            assertThat(ids(t, "Hello <mask>!")).containsExactly(0, 15, 22, 21, 2);
            assertThat(t.padTokenId()).isEqualTo(1);
            assertThat(t.maskTokenId()).isEqualTo(22);
            assertThat(t.returnsTokenTypeIds()).isFalse();
            assertThat(t.decode(ids(t, "Hello world!"), true)).isEqualTo("Hello world!");
        }
        String json = convert(dir);
        // trim_offsets: "Ġworld" covers "world" (6:11), not the space before it
        assertThat(spans(encodeRaw(json, "Hello world!"))).containsExactly("-", "0:5", "6:11", "11:12", "-");
        Encoding pair = encodeRaw(json, "Hello", "world");
        assertThat(pair.getIds()).containsExactly(0L, 15L, 2L, 2L, 9L, 17L, 19L, 2L); // <s> A </s></s> B </s>
        assertThat(pair.getTypeIds()).containsOnly(0L);
    }

    @Test
    void addPrefixSpaceMakesTheFirstWordLikeTheOthers() {
        files("<mask>", "{\"tokenizer_class\": \"RobertaTokenizer\", \"add_prefix_space\": true}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "world")).containsExactly(0, 20, 2);
        }
        files("<mask>", "{\"tokenizer_class\": \"RobertaTokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "world")).containsExactly(0, 9, 17, 19, 2);
        }
    }

    @Test
    void gpt2AddsNoSpecialTokensUnlessAddBosToken() {
        files("<|endoftext|>", "{\"tokenizer_class\": \"GPT2Tokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "Hello world!")).containsExactly(15, 20, 21);
            assertThat(t.eosTokenId()).isEqualTo(22);
            assertThat(t.padToken()).isNull();
        }
        // GPT-2's ByteLevel post-processor keeps the untrimmed offsets: "Ġworld" starts at the space
        assertThat(spans(encodeRaw(convert(dir), "Hello world!"))).containsExactly("0:5", "5:11", "11:12");
        files("<|endoftext|>", "{\"tokenizer_class\": \"GPT2Tokenizer\", \"add_bos_token\": true}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "Hello world!")).containsExactly(22, 15, 20, 21);
        }
    }

    @Test
    void specialTokensMissingFromTheVocabularyAreAddedAfterIt() {
        // GPT-2's vocabulary has no <s>, <pad>, <mask>...: RobertaTokenizerFast adds them in attribute order
        write(dir.resolve("vocab.json"), "{\"H\": 0, \"e\": 1, \"He\": 2}");
        write(dir.resolve("merges.txt"), "#version: 0.2\nH e\n");
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"RobertaTokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(t.bosTokenId()).isEqualTo(3); // bos <s>, eos </s>, unk <unk>, pad <pad>, mask <mask>
            assertThat(t.eosTokenId()).isEqualTo(4);
            assertThat(t.unkTokenId()).isEqualTo(5);
            assertThat(t.padTokenId()).isEqualTo(6);
            assertThat(t.maskTokenId()).isEqualTo(7);
            assertThat(ids(t, "He")).containsExactly(3, 2, 4);
        }
    }

    @Test
    void aMalformedMergeLineNamesTheFileAndLine() {
        write(dir.resolve("vocab.json"), vocab("<mask>"));
        write(dir.resolve("merges.txt"), "#version: 0.2\nH e\nl l x\n");
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"RobertaTokenizer\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("merges.txt:3").hasMessageContaining("'l l x'");
    }
}
