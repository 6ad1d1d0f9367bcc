package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.ConverterTestSupport.encodeRaw;
import static io.t4j.tokenizers.convert.ConverterTestSupport.ids;
import static io.t4j.tokenizers.convert.ConverterTestSupport.spans;
import static io.t4j.tokenizers.convert.ConverterTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ai.djl.huggingface.tokenizers.Encoding;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vocab.txt to WordPiece. Ids are line numbers of the vocabulary below; the expected tokens follow BERT's rules:
 * lowercase and strip accents (do_lower_case), split on whitespace, punctuation and around CJK characters, then
 * greedy longest-match WordPiece with {@code ##} continuations, [UNK] for a word that cannot be covered.
 */
class BertConverterTest {
    static final String VOCAB = String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
            "the", "quick", "fox", "un", "##aff", "##able", ",", "!", "中", "文", "cafe", "hello") + "\n"; // 5-16
    @TempDir Path dir;

    private PreTrainedTokenizer load(String tokenizerConfig) {
        write(dir.resolve("vocab.txt"), VOCAB);
        if (tokenizerConfig != null) {
            write(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        return AutoTokenizer.fromPretrained(dir);
    }

    @Test
    void encodesWithBertsNormalizerAndWordPiece() {
        try (PreTrainedTokenizer t = load("{\"tokenizer_class\": \"BertTokenizer\", \"do_lower_case\": true}")) {
            // the quick , un ##aff ##able fox !
            assertThat(ids(t, "The quick, unaffable fox!")).containsExactly(2, 5, 6, 11, 8, 9, 10, 7, 12, 3);
            // accents stripped with lowercase (strip_accents null); CJK characters split one by one
            assertThat(ids(t, "Café 中文")).containsExactly(2, 15, 13, 14, 3);
            assertThat(t.decode(ids(t, "The quick, unaffable fox!"), true)).isEqualTo("the quick, unaffable fox!");
            // BertTokenizer's special tokens, from the class defaults (tokenizer_config.json names none)
            assertThat(t.padTokenId()).isZero();
            assertThat(t.unkTokenId()).isEqualTo(1);
            assertThat(t.clsTokenId()).isEqualTo(2);
            assertThat(t.sepTokenId()).isEqualTo(3);
            assertThat(t.maskTokenId()).isEqualTo(4);
            assertThat(t.returnsTokenTypeIds()).isTrue();
        }
    }

    @Test
    void offsetsAndPairTypeIds() {
        write(dir.resolve("vocab.txt"), VOCAB);
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"BertTokenizer\"}");
        String json = ConverterTestSupport.convert(dir);
        Encoding e = encodeRaw(json, "The quick, unaffable fox!");
        // character spans of the, quick, ",", un, ##aff, ##able, fox, "!"; none for [CLS] and [SEP]
        assertThat(spans(e)).containsExactly("-", "0:3", "4:9", "9:10", "11:13", "13:16", "16:20", "21:24", "24:25", "-");
        Encoding pair = encodeRaw(json, "hello", "the fox");
        assertThat(pair.getIds()).containsExactly(2L, 16L, 3L, 5L, 7L, 3L); // [CLS] A [SEP] B [SEP]
        assertThat(pair.getTypeIds()).containsExactly(0L, 0L, 0L, 1L, 1L, 1L);
    }

    @Test
    void followsDoLowerCaseStripAccentsAndTokenizeChineseChars() {
        try (PreTrainedTokenizer t = load("{\"tokenizer_class\": \"BertTokenizerFast\", \"do_lower_case\": false, "
                + "\"tokenize_chinese_chars\": false}")) {
            assertThat(ids(t, "The quick")).containsExactly(2, 1, 6, 3); // "The" is not in the cased vocabulary
            assertThat(ids(t, "cafe 中文")).containsExactly(2, 15, 1, 3); // 中文 stays one word: 中 then no ##文
            assertThat(ids(t, "café")).containsExactly(2, 1, 3); // no lowercase, so accents stay
        }
    }

    @Test
    void stripAccentsFalseKeepsAccentsWhenLowercasing() {
        try (PreTrainedTokenizer t = load("{\"tokenizer_class\": \"BertTokenizer\", \"strip_accents\": false}")) {
            assertThat(ids(t, "CAFE")).containsExactly(2, 15, 3);
            assertThat(ids(t, "café")).containsExactly(2, 1, 3);
        }
    }

    @Test
    void picksTheClassFromConfigModelTypeWithoutTokenizerConfig() {
        write(dir.resolve("config.json"), "{\"model_type\": \"electra\"}");
        try (PreTrainedTokenizer t = load(null)) {
            assertThat(t.tokenizerClass()).isEqualTo("ElectraTokenizer");
            assertThat(t.returnsTokenTypeIds()).isTrue();
            assertThat(ids(t, "the fox")).containsExactly(2, 5, 7, 3);
        }
        write(dir.resolve("config.json"), "{\"model_type\": \"distilbert\"}");
        try (PreTrainedTokenizer t = load(null)) {
            assertThat(t.tokenizerClass()).isEqualTo("DistilBertTokenizer");
            assertThat(t.returnsTokenTypeIds()).isFalse(); // DistilBertTokenizer: input_ids and attention_mask only
        }
    }

    @Test
    void readsVocabLinesAsPythonsTextModeDoes() {
        // \r\n and \r end lines; a repeated token keeps its last line's id (HF's load_vocab)
        write(dir.resolve("vocab.txt"), "[PAD]\r\n[UNK]\r[CLS]\n[SEP]\nfox\nfox\n");
        assertThat(BertConverter.loadVocab(dir.resolve("vocab.txt")))
                .containsExactly(entry("[PAD]", 0), entry("[UNK]", 1), entry("[CLS]", 2), entry("[SEP]", 3), entry("fox", 5));
    }

    @Test
    void savePretrainedWritesTheConvertedTokenizerJson() throws Exception {
        Path saved = dir.resolve("saved");
        try (PreTrainedTokenizer t = load("{\"tokenizer_class\": \"BertTokenizer\"}")) {
            t.savePretrained(saved);
        }
        assertThat(saved.resolve("tokenizer.json")).exists();
        assertThat(Files.readString(saved.resolve("tokenizer_config.json"))).contains("\"unk_token\" : \"[UNK]\"");
        try (PreTrainedTokenizer reloaded = AutoTokenizer.fromPretrained(saved)) {
            assertThat(ids(reloaded, "The quick, unaffable fox!")).containsExactly(2, 5, 6, 11, 8, 9, 10, 7, 12, 3);
        }
    }
}
