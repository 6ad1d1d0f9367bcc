package io.t4j.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected ids are what HF transformers' BertTokenizerFast (bge-small-en-v1.5) and RobertaTokenizerFast give. */
class AutoTokenizerTest {
    static final String SEED_SENTENCE = "hide new secretions from the parental units";
    static PreTrainedTokenizer bge;
    static PreTrainedTokenizer roberta;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        bge = AutoTokenizer.fromPretrained(TokenizerFixtures.bge());
        roberta = AutoTokenizer.fromPretrained(TokenizerFixtures.tinyRoberta());
    }

    @AfterAll
    static void close() {
        bge.close();
        roberta.close();
    }

    @Test
    void bgeGivesHfIdsForTheSeedSentence() {
        BatchEncoding enc = bge.encode(List.of(SEED_SENTENCE), EncodeOptions.defaults());
        assertThat(enc.inputIds()[0]).containsExactly(101, 5342, 2047, 3595, 8496, 2013, 1996, 18643, 3197, 102);
        assertThat(enc.attentionMask()[0]).containsOnly(1).hasSize(10);
        assertThat(enc.tokenTypeIds()[0]).containsOnly(0).hasSize(10);
        assertThat(bge.decode(enc.inputIds()[0], true)).isEqualTo(SEED_SENTENCE);
        assertThat(bge.decode(enc.inputIds()[0], false)).isEqualTo("[CLS] " + SEED_SENTENCE + " [SEP]");
    }

    @Test
    void readsSpecialTokensAndConfig() {
        assertThat(bge.padTokenId()).isZero();
        assertThat(bge.unkTokenId()).isEqualTo(100);
        assertThat(bge.clsTokenId()).isEqualTo(101);
        assertThat(bge.sepTokenId()).isEqualTo(102);
        assertThat(bge.maskTokenId()).isEqualTo(103);
        assertThat(bge.bosToken()).isNull();
        assertThat(bge.eosTokenId()).isNull();
        assertThat(bge.allSpecialIds()).containsExactly(100, 102, 0, 101, 103); // HF's all_special_ids order
        assertThat(bge.vocabSize()).isEqualTo(30522);
        assertThat(bge.modelMaxLength()).isEqualTo(512);
        assertThat(bge.paddingSide()).isEqualTo(Side.RIGHT);
        assertThat(bge.returnsTokenTypeIds()).isTrue();
        assertThat(bge.chatTemplate()).isEmpty();

        assertThat(roberta.padTokenId()).isEqualTo(1);
        assertThat(roberta.maskToken()).isEqualTo("<mask>"); // given as an AddedToken object
        assertThat(roberta.maskTokenId()).isEqualTo(3);
        assertThat(roberta.bosTokenId()).isZero();
        assertThat(roberta.eosTokenId()).isEqualTo(2);
        assertThat(roberta.returnsTokenTypeIds()).isFalse();
    }

    @Test
    void convertsBetweenTokensAndIds() {
        assertThat(bge.convertTokensToIds(List.of("hello", "world", "notarealtokenxyz"))).containsExactly(7592, 2088, 100);
        assertThat(bge.convertIdsToTokens(new int[] {101, 5342, 3595, 8496})).containsExactly("[CLS]", "hide", "secret", "##ions");
        assertThatThrownBy(() -> bge.convertIdsToTokens(new int[] {30522}))
                .hasMessageContaining("token id 30522 is out of range").hasMessageContaining("bge-small-tokenizer");
    }

    @Test
    void encodesPairsWithTokenTypes() {
        BatchEncoding enc = bge.encodePairs(List.of("hello world"), List.of("the cat"), EncodeOptions.defaults());
        assertThat(enc.inputIds()[0]).containsExactly(101, 7592, 2088, 102, 1996, 4937, 102);
        assertThat(enc.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 1, 1, 1);

        BatchEncoding rob = roberta.encodePairs(List.of("hello"), List.of("world"), EncodeOptions.defaults());
        assertThat(rob.inputIds()[0]).containsExactly(0, 5, 2, 2, 6, 2); // <s> A </s></s> B </s>
        assertThat(rob.tokenTypeIds()).isNull();
    }

    @Test
    void truncatesPairsLongestFirst() {
        BatchEncoding enc = bge.encodePairs(List.of(SEED_SENTENCE), List.of("hello world"),
                EncodeOptions.defaults().withMaxLength(8));
        // 8 + 2 tokens + 3 specials = 13; longest_first removes 5 from the first sequence
        assertThat(enc.inputIds()[0]).containsExactly(101, 5342, 2047, 3595, 102, 7592, 2088, 102);
        assertThat(enc.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
    }

    @Test
    void truncatesToModelMaxLengthUnlessTruncationIsOff() {
        String nine = "the cat sat on the mat a dog ran";
        // tiny-roberta's model_max_length is 8: <s> + 6 words + </s>
        assertThat(roberta.encode(List.of(nine), EncodeOptions.defaults()).inputIds()[0])
                .containsExactly(0, 7, 8, 9, 10, 7, 11, 2);
        assertThat(roberta.encode(List.of(nine), EncodeOptions.noTruncation()).inputIds()[0])
                .containsExactly(0, 7, 8, 9, 10, 7, 11, 12, 13, 14, 2);
        assertThat(roberta.encode(List.of(nine), EncodeOptions.defaults().withMaxLength(4)).inputIds()[0])
                .containsExactly(0, 7, 8, 2);
    }

    @Test
    void padsWithThePadIdOnThePaddingSide() throws IOException {
        List<String> texts = List.of("hello world", "the cat sat");
        BatchEncoding right = roberta.encode(texts, EncodeOptions.padLongest());
        assertThat(right.inputIds()[0]).containsExactly(0, 5, 6, 2, 1);
        assertThat(right.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0);
        assertThat(right.inputIds()[1]).containsExactly(0, 7, 8, 9, 2);

        Path left = TokenizerFixtures.copy(TokenizerFixtures.tinyRoberta(), dir.resolve("left"));
        Files.writeString(left.resolve("tokenizer_config.json"),
                Files.readString(left.resolve("tokenizer_config.json")).replace("\"pad_token\"", "\"padding_side\": \"left\", \"pad_token\""));
        try (PreTrainedTokenizer leftTok = AutoTokenizer.fromPretrained(left)) {
            BatchEncoding enc = leftTok.encode(texts, EncodeOptions.padLongest());
            assertThat(leftTok.paddingSide()).isEqualTo(Side.LEFT);
            assertThat(enc.inputIds()[0]).containsExactly(1, 0, 5, 6, 2);
            assertThat(enc.attentionMask()[0]).containsExactly(0, 1, 1, 1, 1);
        }
    }

    @Test
    void padsToMaxLengthAndToAMultiple() {
        BatchEncoding max = bge.encode(List.of("hello world"), EncodeOptions.padToMaxLength(6));
        assertThat(max.inputIds()[0]).containsExactly(101, 7592, 2088, 102, 0, 0);
        assertThat(max.attentionMask()[0]).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(max.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0, 0, 0);

        BatchEncoding multiple = bge.encode(List.of("hello world", SEED_SENTENCE), EncodeOptions.padLongest().withPadToMultipleOf(8));
        assertThat(multiple.inputIds()[0]).hasSize(16); // longest is 10, rounded up to 16
        assertThat(multiple.inputIds()[1]).hasSize(16);

        BatchEncoding ragged = bge.encode(List.of("hello world", SEED_SENTENCE), EncodeOptions.defaults().withPadToMultipleOf(8));
        assertThat(ragged.inputIds()[0]).hasSize(4); // pad_to_multiple_of only applies when padding
    }

    @Test
    void encodesWithoutSpecialTokens() {
        BatchEncoding enc = bge.encode(List.of("hello world"), EncodeOptions.defaults().withAddSpecialTokens(false));
        assertThat(enc.inputIds()[0]).containsExactly(7592, 2088);
    }

    @Test
    void savePretrainedRoundTrips() throws IOException {
        Path out = dir.resolve("saved");
        bge.savePretrained(out);
        String config = Files.readString(out.resolve("tokenizer_config.json"));
        assertThat(config).contains("\"model_max_length\" : 512").contains("\"tokenizer_class\" : \"BertTokenizer\"");
        assertThat(config.indexOf("\"cls_token\"")).isLessThan(config.indexOf("\"mask_token\"")); // sorted keys
        assertThat(Files.readString(out.resolve("special_tokens_map.json"))).contains("\"pad_token\" : \"[PAD]\"");
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
        }
        try (PreTrainedTokenizer reloaded = AutoTokenizer.fromPretrained(out)) {
            assertThat(reloaded.encode(List.of(SEED_SENTENCE), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(101, 5342, 2047, 3595, 8496, 2013, 1996, 18643, 3197, 102);
            assertThat(reloaded.modelMaxLength()).isEqualTo(512);
            assertThat(reloaded.padTokenId()).isZero();
        }
    }
}
