package io.t4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {
    @TempDir Path home;

    private HubSettings read(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return HubSettings.fromEnvironment(env, home);
    }

    @Test
    void defaultsAreHuggingfaceHubs() {
        HubSettings s = read();
        assertThat(s.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.cacheDir()).isEqualTo(home.resolve(".cache/huggingface/hub"));
        assertThat(s.token()).isEmpty();
        assertThat(s.offline()).isFalse();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theCacheFollowsHfHubCacheThenHfHomeThenXdg() {
        assertThat(read("XDG_CACHE_HOME", "/xdg").cacheDir()).isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThat(read("XDG_CACHE_HOME", "/xdg", "HF_HOME", "/hf").cacheDir()).isEqualTo(Path.of("/hf/hub"));
        assertThat(read("HF_HOME", "~/hf").cacheDir()).isEqualTo(home.resolve("hf/hub"));
        assertThat(read("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/legacy").cacheDir()).isEqualTo(Path.of("/legacy"));
        assertThat(read("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/legacy", "HF_HUB_CACHE", "/cache").cacheDir())
                .isEqualTo(Path.of("/cache"));
    }

    @Test
    void endpointOfflineAndTimeout() {
        HubSettings s = read("HF_ENDPOINT", "http://mirror.local:8080/", "HF_HUB_ETAG_TIMEOUT", "2.5");
        assertThat(s.endpoint()).isEqualTo(URI.create("http://mirror.local:8080"));
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));
        for (String on : List.of("1", "true", "YES", "on")) {
            assertThat(read("HF_HUB_OFFLINE", on).offline()).as(on).isTrue();
        }
        for (String off : List.of("0", "", "false", "no")) {
            assertThat(read("HF_HUB_OFFLINE", off).offline()).as(off).isFalse();
        }
        assertThatThrownBy(() -> read("HF_HUB_ETAG_TIMEOUT", "soon")).hasMessage(
                "HF_HUB_ETAG_TIMEOUT='soon' is not a number of seconds");
    }

    @Test
    void theTokenComesFromHfTokenThenTheLoginFile() throws IOException {
        Path hfHome = Files.createDirectories(home.resolve("hf"));
        Files.writeString(hfHome.resolve("token"), "hf_from_file\n");
        assertThat(read("HF_HOME", hfHome.toString()).token()).contains("hf_from_file");
        assertThat(read("HF_HOME", hfHome.toString(), "HF_TOKEN", "hf_env").token()).contains("hf_env");
        assertThat(read("HUGGING_FACE_HUB_TOKEN", "hf_legacy").token()).contains("hf_legacy");
        Files.writeString(home.resolve("elsewhere"), "hf_path");
        assertThat(read("HF_TOKEN_PATH", "~/elsewhere").token()).contains("hf_path");
        assertThat(read("HF_TOKEN", "  ").token()).isEmpty();
    }
}
