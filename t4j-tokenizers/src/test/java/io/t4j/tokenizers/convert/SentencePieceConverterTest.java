package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.ConverterTestSupport.convert;
import static io.t4j.tokenizers.convert.ConverterTestSupport.encodeRaw;
import static io.t4j.tokenizers.convert.ConverterTestSupport.ids;
import static io.t4j.tokenizers.convert.ConverterTestSupport.spans;
import static io.t4j.tokenizers.convert.ConverterTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.convert.SentencePieceModel.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SentencePiece models written by {@link SpmModelWriter}. The Unigram models score "▁hello" and "▁world" far above
 * their letters, so the best segmentation of "hello world" is the two whole words; a letter outside the vocabulary
 * is the unknown piece. The BPE model lists its pieces in merge order (scores 0, -1, -2, ...), so the merges that
 * {@code generate_merges} rebuilds apply in that order.
 */
class SentencePieceConverterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** Pieces 3.. of the Unigram models: ▁hello ▁world ▁ , then letters. */
    private static SpmModelWriter words(SpmModelWriter w) {
        w.piece("▁hello", -1f).piece("▁world", -1.5f).piece("▁", -3f).piece(",", -3f);
        for (String letter : List.of("h", "e", "l", "o", "w", "r", "d")) {
            w.piece(letter, -4f);
        }
        return w;
    }

    @Test
    void xlmRobertaShiftsPiecesByOneAndPutsMaskLast() {
        SpmModelWriter spm = new SpmModelWriter().unigram()
                .piece("<unk>", 0f, Type.UNKNOWN).piece("<s>", 0f, Type.CONTROL).piece("</s>", 0f, Type.CONTROL);
        words(spm).write(dir.resolve("sentencepiece.bpe.model")); // 14 pieces: ▁hello is 3, ▁world 4, ▁ 5
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"XLMRobertaTokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            // fairseq ids: <s> 0, <pad> 1, </s> 2, <unk> 3, then SentencePiece id + 1; <mask> = 14 + 1
            assertThat(ids(t, "hello world")).containsExactly(0, 4, 5, 2);
            // trailing spaces stripped, runs of spaces one separator: the same pieces
            assertThat(ids(t, "hello   world  ")).containsExactly(0, 4, 5, 2);
            // "z" is in no piece: ▁ then the unknown piece (fairseq's <unk>, 3)
            assertThat(ids(t, "hello z")).containsExactly(0, 4, 6, 3, 2);
            assertThat(ids(t, "hello <mask>")).containsExactly(0, 4, 15, 2);
            assertThat(t.maskTokenId()).isEqualTo(15);
            assertThat(t.padTokenId()).isEqualTo(1);
            assertThat(t.returnsTokenTypeIds()).isFalse();
            assertThat(t.decode(ids(t, "hello world"), true)).isEqualTo("hello world");
        }
        String json = convert(dir);
        // "▁world" stands for " world": its span starts at the space
        assertThat(spans(encodeRaw(json, "hello world"))).containsExactly("-", "0:5", "5:11", "-");
        Encoding pair = encodeRaw(json, "hello", "world");
        assertThat(pair.getIds()).containsExactly(0L, 4L, 2L, 2L, 5L, 2L); // <s> A </s> </s> B </s>
        assertThat(pair.getTypeIds()).containsOnly(0L);
    }

    @Test
    void debertaV2KeepsTheVocabularyAndAddsMask() throws Exception {
        SpmModelWriter spm = new SpmModelWriter().unigram().unkId(3)
                .piece("[PAD]", 0f, Type.CONTROL).piece("[CLS]", 0f, Type.CONTROL).piece("[SEP]", 0f, Type.CONTROL)
                .piece("[UNK]", 0f, Type.UNKNOWN);
        words(spm).write(dir.resolve("spm.model")); // 15 pieces: ▁hello 4, ▁world 5, ▁ 6, "," 7
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"DebertaV2Tokenizer\", \"do_lower_case\": true}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "HELLO World")).containsExactly(1, 4, 5, 2);
            assertThat(t.maskTokenId()).isEqualTo(15); // [MASK] is not a piece: added after the vocabulary
            assertThat(t.padTokenId()).isZero();
            assertThat(t.unkTokenId()).isEqualTo(3);
            assertThat(t.returnsTokenTypeIds()).isTrue();
        }
        Encoding pair = encodeRaw(convert(dir), "hello", "world");
        assertThat(pair.getIds()).containsExactly(1L, 4L, 2L, 5L, 2L); // [CLS] A [SEP] B [SEP]
        assertThat(pair.getTypeIds()).containsExactly(0L, 0L, 0L, 1L, 1L);
        // split_by_punct isolates "," so each part gets its own ▁: ▁hello, ▁ ",", ▁world
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"DebertaV2Tokenizer\", \"split_by_punct\": true}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "hello,world")).containsExactly(1, 4, 6, 7, 5, 2);
        }
        JsonNode preTokenizer = JSON.readTree(convert(dir)).get("pre_tokenizer");
        assertThat(preTokenizer.get("pretokenizers").get(0).get("type").asText()).isEqualTo("Punctuation");
    }

    /** Byte pieces 3-258, then pieces in merge order, the single characters last, and one user-defined piece. */
    private void llamaModel() {
        SpmModelWriter spm = new SpmModelWriter().bpe().byteFallback()
                .piece("<unk>", 0f, Type.UNKNOWN).piece("<s>", 0f, Type.CONTROL).piece("</s>", 0f, Type.CONTROL)
                .bytePieces();
        List<String> merged = List.of("▁h", "ll", "▁he", "▁hell", "▁hello", "▁w", "or", "▁wor", "ld", "▁world");
        List<String> chars = List.of("▁", "h", "e", "l", "o", "w", "r", "d");
        int score = 0;
        for (String piece : merged) {
            spm.piece(piece, score--); // ids 259-268
        }
        for (String piece : chars) {
            spm.piece(piece, score--); // ids 269-276
        }
        spm.piece("<|user|>", 0f, Type.USER_DEFINED); // id 277
        spm.write(dir.resolve("tokenizer.model"));
    }

    @Test
    void llamaBuildsMergesFromScoresAndFallsBackToBytes() throws Exception {
        llamaModel();
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"LlamaTokenizer\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "hello world")).containsExactly(1, 263, 268); // <s> ▁hello ▁world
            // é is no piece: its UTF-8 bytes C3 A9 are pieces 3 + 0xC3 and 3 + 0xA9
            assertThat(ids(t, "hello é")).containsExactly(1, 263, 269, 3 + 0xC3, 3 + 0xA9);
            assertThat(t.decode(ids(t, "hello é"), true)).isEqualTo("hello é");
            assertThat(ids(t, "hello<|user|>")).containsExactly(1, 263, 277); // a user-defined piece is an added token
            assertThat(t.bosTokenId()).isEqualTo(1);
            assertThat(t.padToken()).isNull();
        }
        JsonNode json = JSON.readTree(convert(dir));
        List<String> merges = json.at("/model/merges").valueStream().map(m -> m.get(0).asText() + " " + m.get(1).asText()).toList();
        assertThat(merges).containsExactly("▁ h", "l l", "▁h e", "▁he ll", "▁hell o", "▁ w", "o r", "▁w or", "l d", "▁wor ld");
        assertThat(json.at("/model/byte_fallback").asBoolean()).isTrue();
        assertThat(json.at("/added_tokens/3/content").asText()).isEqualTo("<|user|>");
        assertThat(json.at("/added_tokens/3/special").asBoolean()).isFalse();
        Encoding pair = encodeRaw(convert(dir), "hello", "world");
        assertThat(pair.getIds()).containsExactly(1L, 263L, 1L, 268L); // <s> A <s> B
        assertThat(pair.getTypeIds()).containsExactly(0L, 0L, 1L, 1L);
    }

    @Test
    void llamaNonLegacyUsesMetaspaceAndAddEosToken() throws Exception {
        llamaModel();
        write(dir.resolve("tokenizer_config.json"),
                "{\"tokenizer_class\": \"LlamaTokenizerFast\", \"legacy\": false, \"add_eos_token\": true}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "hello world")).containsExactly(1, 263, 268, 2);
        }
        JsonNode json = JSON.readTree(convert(dir));
        assertThat(json.get("normalizer").isNull()).isTrue();
        assertThat(json.at("/pre_tokenizer/prepend_scheme").asText()).isEqualTo("first");
        assertThat(json.at("/pre_tokenizer/split").asBoolean()).isFalse();
    }

    @Test
    void generateMergesOrdersByScoreThenLengthsThenIds() {
        // every split whose halves are pieces is a merge with the piece's score: a+b, b+c (-1), a+bc, ab+c (-2)
        Map<String, Integer> vocab = Map.of("a", 0, "b", 1, "c", 2, "ab", 3, "bc", 4, "abc", 5);
        List<Map.Entry<String, Double>> scores = List.of(SpmConverter.entry("a", 0), SpmConverter.entry("b", 0),
                SpmConverter.entry("c", 0), SpmConverter.entry("ab", -1), SpmConverter.entry("bc", -1),
                SpmConverter.entry("abc", -2));
        List<String> merges = SpmConverter.generateMerges(vocab, scores).stream().map(m -> m[0] + " " + m[1]).toList();
        // highest score first; ab and bc tie on score and lengths and keep their order (a stable sort); abc's splits
        // tie on score and (ab, c) has the longer left half. HF's generate_merges gives the same list.
        assertThat(merges).containsExactly("a b", "b c", "ab c", "a bc");
    }
}
