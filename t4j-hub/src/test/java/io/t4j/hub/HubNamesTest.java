package io.t4j.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HubNamesTest {
    @Test
    void allowPatternsAreFnmatchOverTheWholePath() {
        assertThat(HubNames.glob("*.json").matcher("config.json").matches()).isTrue();
        assertThat(HubNames.glob("*.json").matcher("onnx/config.json").matches()).as("* crosses /").isTrue();
        assertThat(HubNames.glob("*.json").matcher("model.safetensors").matches()).isFalse();
        assertThat(HubNames.glob("onnx/").matcher("onnx/model.onnx").matches()).isTrue();
        assertThat(HubNames.glob("model-0000?-of-00002.safetensors").matcher("model-00001-of-00002.safetensors")
                .matches()).isTrue();
        assertThat(HubNames.glob("[!t]*.parquet").matcher("train.parquet").matches()).isFalse();
        assertThat(HubNames.glob("[!t]*.parquet").matcher("validation.parquet").matches()).isTrue();
        assertThat(HubNames.glob("a[.txt").matcher("a[.txt").matches()).as("an unclosed [ is literal").isTrue();
        assertThat(HubNames.glob("(x)+.txt").matcher("(x)+.txt").matches()).isTrue();
    }

    @Test
    void quotingIsPythonsUrllibQuote() {
        assertThat(HubNames.quote("refs/pr/1", "")).isEqualTo("refs%2Fpr%2F1");
        assertThat(HubNames.quote("dir/a b+é~.txt", "/")).isEqualTo("dir/a%20b%2B%C3%A9~.txt");
    }

    @Test
    void etagsAreNormalisedAsHuggingfaceHubDoes() {
        assertThat(HubNames.normalizeEtag("\"abc123\"")).isEqualTo("abc123");
        assertThat(HubNames.normalizeEtag("W/\"abc123\"")).isEqualTo("abc123");
        assertThat(HubNames.normalizeEtag("abc123")).isEqualTo("abc123");
    }

    @Test
    void hubIdsAreNamesNotPaths() {
        for (String ok : List.of("gpt2", "org/bert-base_uncased.v2", "BAAI/bge-small-en-v1.5", "a/b")) {
            assertThat(HubNames.checkRepoId(ok)).isEqualTo(ok);
        }
        assertThat(HubNames.checkFilename("data/train-00000-of-00001.parquet")).isNotNull();
        assertThat(HubNames.checkRevision("refs/pr/1")).isNotNull();
        assertThat(HubNames.isCommitHash("2439f60ef33a0d46d85da5001d52aeda5b00ce9f")).isTrue();
        assertThat(HubNames.isCommitHash("main")).isFalse();
    }
}
