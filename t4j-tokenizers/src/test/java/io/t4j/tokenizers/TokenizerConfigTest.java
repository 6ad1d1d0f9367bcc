package io.t4j.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer_config.json variants and bad input: each error names the file, key or value. */
class TokenizerConfigTest {
    @TempDir Path dir;

    private Path robertaWithConfig(String configJson) throws IOException {
        Path copy = TokenizerFixtures.copy(TokenizerFixtures.tinyRoberta(), Files.createTempDirectory(dir, "tok"));
        Files.writeString(copy.resolve("tokenizer_config.json"), configJson);
        return copy;
    }

    @Test
    void missingTokenizerJsonNamesTheFolder() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("no tokenizer.json in " + dir.toAbsolutePath())
                .hasMessageContaining("config.json");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(dir.resolve("nope")))
                .hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void malformedConfigNamesFileLineAndColumn() throws IOException {
        Path tok = robertaWithConfig("{\n  \"pad_token\": \"<pad>\",\n  oops\n}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(tok))
                .hasMessageContaining("tokenizer_config.json:3:").hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownOptionValuesFailLoudly() throws IOException {
        Path tok = robertaWithConfig("{\"pad_token\": \"<pad>\", \"padding_side\": \"middle\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(tok))
                .hasMessageContaining("tokenizer_config.json: padding_side").hasMessageContaining("'middle'");
        assertThatThrownBy(() -> Padding.fromHf("sideways")).hasMessageContaining("unknown padding 'sideways'");
        assertThatThrownBy(() -> EncodeOptions.defaults().withMaxLength(0)).hasMessageContaining("max_length must be positive");
    }

    @Test
    void specialTokenMissingFromTheVocabularyIsAnError() throws IOException {
        Path tok = robertaWithConfig("{\"pad_token\": \"[PAD]\"}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(tok))
                .hasMessageContaining("pad_token '[PAD]' is not in the vocabulary");
        Path extra = robertaWithConfig("{\"pad_token\": \"<pad>\", \"additional_special_tokens\": [\"<tool>\"]}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(extra))
                .hasMessageContaining("additional_special_tokens '<tool>' is not in the vocabulary");
    }

    @Test
    void hugeModelMaxLengthMeansNoLimitAndPaddingNeedsAPadToken() throws IOException {
        Path tok = robertaWithConfig("{\"model_max_length\": 1000000000000000019884624838656, \"eos_token\": \"</s>\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(tok)) {
            assertThat(t.modelMaxLength()).isEqualTo(PreTrainedTokenizer.NO_MAX_LENGTH);
            assertThat(t.padToken()).isNull();
            // no limit: nothing is truncated by default
            assertThat(t.encode(List.of("a a a a a a a a a a"), EncodeOptions.defaults()).inputIds()[0]).hasSize(12);
            assertThatThrownBy(() -> t.encode(List.of("a", "a a"), EncodeOptions.padLongest()))
                    .hasMessageContaining("no pad_token");
            assertThatThrownBy(() -> t.encode(List.of("a"), EncodeOptions.defaults().withPadding(Padding.MAX_LENGTH)))
                    .hasMessageContaining("needs a max_length");
        }
    }

    @Test
    void modelInputNamesAndModelTypeDecideTokenTypeIds() throws IOException {
        Path listed = robertaWithConfig("{\"pad_token\": \"<pad>\", \"model_input_names\": [\"input_ids\", \"token_type_ids\", \"attention_mask\"]}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(listed)) {
            assertThat(t.returnsTokenTypeIds()).isTrue();
            assertThat(t.encode(List.of("hello"), EncodeOptions.defaults()).tokenTypeIds()[0]).containsExactly(0, 0, 0);
        }
        Path byModelType = robertaWithConfig("{\"pad_token\": \"<pad>\"}");
        Files.writeString(byModelType.resolve("config.json"), "{\"model_type\": \"bert\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(byModelType)) {
            assertThat(t.returnsTokenTypeIds()).isTrue();
        }
        Files.writeString(byModelType.resolve("config.json"), "{\"model_type\": \"distilbert\"}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(byModelType)) {
            assertThat(t.returnsTokenTypeIds()).isFalse();
        }
    }

    @Test
    void keepsChatTemplatesRaw() throws IOException {
        Path listForm = robertaWithConfig("{\"pad_token\": \"<pad>\", \"chat_template\": ["
                + "{\"name\": \"default\", \"template\": \"{{ messages }}\"}, {\"name\": \"tool_use\", \"template\": \"{{ tools }}\"}]}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(listForm)) {
            assertThat(t.chatTemplate()).contains("{{ messages }}");
            assertThat(t.chatTemplates()).containsEntry("tool_use", "{{ tools }}");
            Path saved = dir.resolve("saved");
            t.savePretrained(saved);
            try (PreTrainedTokenizer again = AutoTokenizer.fromPretrained(saved)) {
                assertThat(again.chatTemplates()).isEqualTo(t.chatTemplates());
            }
        }
        Path jinja = robertaWithConfig("{\"pad_token\": \"<pad>\", \"chat_template\": \"old\"}");
        Files.writeString(jinja.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}{% endfor %}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(jinja)) {
            assertThat(t.chatTemplate()).contains("{% for m in messages %}{{ m.content }}{% endfor %}");
        }
        Path bad = robertaWithConfig("{\"chat_template\": 42}");
        assertThatThrownBy(() -> AutoTokenizer.fromPretrained(bad)).hasMessageContaining("chat_template must be a string");
    }

    @Test
    void leftTruncationKeepsTheEnd() throws IOException {
        Path tok = robertaWithConfig("{\"pad_token\": \"<pad>\", \"truncation_side\": \"left\", \"model_max_length\": 8}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(tok)) {
            assertThat(t.truncationSide()).isEqualTo(Side.LEFT);
            assertThat(t.encode(List.of("hello"), EncodeOptions.noTruncation()).inputIds()[0]).containsExactly(0, 5, 2);
            // <s> + the last 6 of 9 words + </s>
            assertThat(t.encode(List.of("the cat sat on the mat a dog ran"), EncodeOptions.defaults()).inputIds()[0])
                    .containsExactly(0, 10, 7, 11, 12, 13, 14, 2);
        }
    }

    @Test
    void specialTokensMapWinsOverTokenizerConfig() throws IOException {
        Path tok = robertaWithConfig("{\"pad_token\": \"<unk>\"}");
        Files.writeString(tok.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"<pad>\", \"lstrip\": false}}");
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(tok)) {
            assertThat(t.padTokenId()).isEqualTo(1);
        }
    }
}
