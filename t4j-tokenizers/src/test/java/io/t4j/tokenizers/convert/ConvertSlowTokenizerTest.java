package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.ConverterTestSupport.ids;
import static io.t4j.tokenizers.convert.ConverterTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.TokenizerException;
import io.t4j.tokenizers.convert.SentencePieceModel.Type;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the converter, the added tokens of tokenizer_config.json, and the errors that name what is unsupported. */
class ConvertSlowTokenizerTest {
    static final String VOCAB = String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "fox") + "\n";
    @TempDir Path dir;

    @Test
    void addedTokensDecoderTokensKeepTheirIdsAndFlags() {
        write(dir.resolve("vocab.txt"), VOCAB);
        write(dir.resolve("tokenizer_config.json"), """
                {"tokenizer_class": "BertTokenizer",
                 "added_tokens_decoder": {
                   "0": {"content": "[PAD]", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": true},
                   "7": {"content": "<ent>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": false}
                 }}""");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "the <ent> fox")).containsExactly(2, 5, 7, 6, 3);
            assertThat(t.length()).isEqualTo(8);
            assertThat(t.vocabSize()).isEqualTo(7);
        }
    }

    @Test
    void legacyAddedTokensJsonIsRead() {
        write(dir.resolve("vocab.txt"), VOCAB);
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"BertTokenizer\"}");
        write(dir.resolve("added_tokens.json"), "{\"<ent>\": 7}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            // normalized (it is no special token), so it matches the lowercased text too
            assertThat(ids(t, "the <ENT>")).containsExactly(2, 5, 7, 3);
        }
    }

    @Test
    void aDeclaredIdTheConversionCannotGiveIsAnError() {
        write(dir.resolve("vocab.txt"), VOCAB);
        write(dir.resolve("tokenizer_config.json"), """
                {"tokenizer_class": "BertTokenizer", "added_tokens_decoder": {"9": {"content": "<ent>", "special": false}}}""");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("'<ent>' is declared with id 9").hasMessageContaining("added_tokens_decoder")
                .hasMessageContaining("gives it id 7");
    }

    @Test
    void specialTokensMapWinsOverTokenizerConfig() {
        write(dir.resolve("vocab.txt"), VOCAB);
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"BertTokenizer\", \"cls_token\": \"[SEP]\"}");
        write(dir.resolve("special_tokens_map.json"), "{\"cls_token\": {\"content\": \"[CLS]\", \"lstrip\": false}}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(dir)) {
            assertThat(ids(t, "fox")).containsExactly(2, 6, 3);
        }
    }

    @Test
    void unsupportedTokenizerClassOrModelTypeIsNamed() {
        write(dir.resolve("spiece.model"), "not read");
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"T5Tokenizer\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer_config.json: tokenizer_class 'T5Tokenizer'")
                .hasMessageContaining("no converter").hasMessageContaining("XLMRobertaTokenizer");
        write(dir.resolve("tokenizer_config.json"), "{}");
        write(dir.resolve("config.json"), "{\"model_type\": \"t5\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("config.json: model_type 't5'").hasMessageContaining("deberta-v2");
    }

    @Test
    void aMissingVocabularyFileIsNamed() {
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"DebertaV2Tokenizer\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("no spm.model for DebertaV2Tokenizer").hasMessageContaining("tokenizer_config.json");
    }

    @Test
    void unsupportedSentencePieceModelsAreNamed() {
        write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"XLMRobertaTokenizer\"}");
        Path model = dir.resolve("sentencepiece.bpe.model");
        new SpmModelWriter().modelType(3).piece("<unk>", 0f, Type.UNKNOWN).piece("▁a", -1f).write(model);
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining(model.toString()).hasMessageContaining("trainer_spec.model_type is WORD");
        new SpmModelWriter().unigram().normalizer("nfkc_cf", new byte[0]).piece("<unk>", 0f, Type.UNKNOWN).write(model);
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("normalizer_spec.name is 'nfkc_cf'").hasMessageContaining("precompiled_charsmap is empty");
        new SpmModelWriter().unigram().treatWhitespaceAsSuffix().piece("<unk>", 0f, Type.UNKNOWN).write(model);
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("trainer_spec.treat_whitespace_as_suffix");
    }

    @Test
    void aFolderWithNothingToConvertSaysWhatIsMissing() {
        write(dir.resolve("notes.txt"), "");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("no tokenizer.json in " + dir.toAbsolutePath())
                .hasMessageContaining("tokenizer_class").hasMessageContaining("model_type").hasMessageContaining("notes.txt");
    }
}
