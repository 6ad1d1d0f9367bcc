package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEnvironmentTest {

    @Test
    void aNewReportDoesNotMakeTheTreeDirtyAnyOtherChangeDoes(@TempDir Path repo) throws IOException {
        assertThat(RunEnvironment.git("-C", repo.toString(), "init", "-q")).as("git init").isNotNull();
        Files.writeString(repo.resolve("Model.java"), "class Model {}\n");
        RunEnvironment.git("-C", repo.toString(), "add", ".");
        assertThat(RunEnvironment.git("-C", repo.toString(), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                "-m", "first")).as("git commit").isNotNull();
        assertThat(RunEnvironment.dirty(repo)).isFalse();

        Path results = Files.createDirectories(repo.resolve(RunEnvironment.RESULTS));
        Files.writeString(results.resolve("run.json"), "{}");
        assertThat(RunEnvironment.dirty(repo)).as("only a report was added").isFalse();
        assertThat(RunEnvironment.dirty(results)).as("asked from inside the tree").isFalse();

        Files.writeString(repo.resolve("Model.java"), "class Model { int changed; }\n");
        assertThat(RunEnvironment.dirty(repo)).as("a source changed").isTrue();
        assertThat(RunEnvironment.dirty(results)).as("asked from inside the tree").isTrue();
    }

    @Test
    void noGitTreeIsUnknown(@TempDir Path dir) {
        assertThat(RunEnvironment.dirty(dir)).isNull();
    }
}
