package io.t4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedTest {
    @TempDir Path dir;

    @Test
    void aLocalFolderIsUsedAsIs() {
        assertThat(Pretrained.resolve(dir.toString())).isEqualTo(dir);
    }

    @Test
    void aMissingLocalPathIsNotSentToTheHub() {
        assertThatThrownBy(() -> Pretrained.resolve(dir.resolve("no/such/model").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such model folder");
    }
}
