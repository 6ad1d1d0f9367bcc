package io.t4j.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the hub is, where its cache is, and how to talk to it: huggingface_hub's {@code constants.py} environment
 * ({@code HF_ENDPOINT}, {@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE},
 * {@code HF_HUB_ETAG_TIMEOUT}) read once into a record, so tests and the CLI can override any field.
 *
 * @param endpoint the hub, without a trailing slash ({@code https://huggingface.co})
 * @param cacheDir the hub cache ({@code ~/.cache/huggingface/hub})
 * @param token sent as {@code Authorization: Bearer <token>} to the hub (never to another host)
 * @param offline cache only: no request is made ({@code HF_HUB_OFFLINE=1})
 * @param timeout connect and response-header timeout for each request
 */
public record HubSettings(URI endpoint, Path cacheDir, Optional<String> token, boolean offline, Duration timeout) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    public HubSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(timeout, "timeout");
        endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        token = token.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** The settings of this process: {@link #fromEnvironment(Map, Path)} on the real environment and home. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Reads the settings the way huggingface_hub's constants.py does:
     * <ul>
     *   <li>HF_HOME = {@code $HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else
     *       {@code ~/.cache/huggingface};</li>
     *   <li>cache = {@code $HF_HUB_CACHE}, else {@code $HUGGINGFACE_HUB_CACHE}, else {@code HF_HOME/hub};</li>
     *   <li>token = {@code $HF_TOKEN}, else {@code $HUGGING_FACE_HUB_TOKEN}, else the file {@code $HF_TOKEN_PATH}
     *       or {@code HF_HOME/token} that {@code hf auth login} writes;</li>
     *   <li>endpoint = {@code $HF_ENDPOINT} or https://huggingface.co; offline when {@code HF_HUB_OFFLINE} is
     *       1/ON/YES/TRUE; timeout = {@code $HF_HUB_ETAG_TIMEOUT} seconds or 10.</li>
     * </ul>
     * A leading {@code ~} in paths is the user's home.
     */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        Path hfHome = Optional.ofNullable(env.get("HF_HOME")).map(p -> expandUser(p, home))
                .orElseGet(() -> Optional.ofNullable(env.get("XDG_CACHE_HOME")).map(p -> expandUser(p, home))
                        .orElse(home.resolve(".cache")).resolve("huggingface"));
        Path cache = Optional.ofNullable(env.get("HF_HUB_CACHE")).or(() -> Optional.ofNullable(env.get("HUGGINGFACE_HUB_CACHE")))
                .map(p -> expandUser(p, home)).orElse(hfHome.resolve("hub"));
        Optional<String> token = Optional.ofNullable(env.get("HF_TOKEN"))
                .or(() -> Optional.ofNullable(env.get("HUGGING_FACE_HUB_TOKEN")))
                .or(() -> readTokenFile(Optional.ofNullable(env.get("HF_TOKEN_PATH")).map(p -> expandUser(p, home))
                        .orElse(hfHome.resolve("token"))));
        URI endpoint = URI.create(env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT.toString()));
        boolean offline = TRUE.contains(env.getOrDefault("HF_HUB_OFFLINE", "").strip().toUpperCase(Locale.ROOT));
        Duration timeout = seconds(env, "HF_HUB_ETAG_TIMEOUT", 10);
        return new HubSettings(endpoint, cache, token, offline, timeout);
    }

    public HubSettings withEndpoint(URI endpoint) {
        return new HubSettings(endpoint, cacheDir, token, offline, timeout);
    }

    public HubSettings withCacheDir(Path cacheDir) {
        return new HubSettings(endpoint, cacheDir, token, offline, timeout);
    }

    public HubSettings withToken(String token) {
        return new HubSettings(endpoint, cacheDir, Optional.ofNullable(token), offline, timeout);
    }

    public HubSettings withOffline(boolean offline) {
        return new HubSettings(endpoint, cacheDir, token, offline, timeout);
    }

    private static Duration seconds(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        try {
            return Duration.ofMillis((long) (1000 * (value == null ? fallback : Double.parseDouble(value.strip()))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a number of seconds", e);
        }
    }

    private static Path expandUser(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static Optional<String> readTokenFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file).strip()).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the hub token file " + file + ": " + e.getMessage(), e);
        }
    }
}
