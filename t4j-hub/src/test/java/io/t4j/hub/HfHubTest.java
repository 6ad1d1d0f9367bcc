package io.t4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.hub.HubException.Reason;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfHubTest {
    static final byte[] CONFIG = "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] CONFIG_DEV = "{\"model_type\": \"bert\", \"num_labels\": 3}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = bytes(100_000, 1);
    static final byte[] ONNX = bytes(50_000, 2);
    static final byte[] PARQUET = bytes(30_000, 3);
    static final String MAIN = FakeHub.commit("main");
    static final String DEV = FakeHub.commit("dev");

    @TempDir Path cacheDir;
    FakeHub fake;
    Path bert;

    @BeforeEach
    void startHub() throws IOException {
        fake = new FakeHub();
        FakeHub.Repo repo = fake.repo(RepoType.MODEL, "org/bert")
                .commit(MAIN, Map.of("config.json", CONFIG, "model.safetensors", WEIGHTS, "onnx/model.onnx", ONNX),
                        "main", "v1.0")
                .commit(DEV, Map.of("config.json", CONFIG_DEV, "model.safetensors", WEIGHTS), "dev");
        repo.lfs.add("model.safetensors");
        fake.repo(RepoType.DATASET, "org/reviews").commit(FakeHub.commit("data"), Map.of("README.md", CONFIG,
                "data/train-00000-of-00001.parquet", PARQUET, "data/validation-00000-of-00001.parquet", ONNX), "main")
                .lfs.add("data/train-00000-of-00001.parquet");
        fake.repo(RepoType.MODEL, "org/gated").commit(FakeHub.commit("gated"), Map.of("config.json", CONFIG), "main")
                .gated = true;
        FakeHub.Repo secret = fake.repo(RepoType.MODEL, "org/private")
                .commit(FakeHub.commit("private"), Map.of("config.json", CONFIG, "model.safetensors", WEIGHTS), "main");
        secret.isPrivate = true;
        secret.lfs.add("model.safetensors");
        bert = cacheDir.resolve("models--org--bert");
    }

    @AfterEach
    void stopHub() {
        fake.close();
    }

    HubSettings settings() {
        return new HubSettings(fake.endpoint(), cacheDir, Optional.empty(), false, Duration.ofSeconds(5));
    }

    @Test
    void snapshotDownloadLaysOutTheCacheExactlyAsHuggingfaceHub() throws IOException {
        Snapshot snapshot;
        try (HfHub hub = new HfHub(settings())) {
            snapshot = hub.snapshotDownload("org/bert");
        }
        assertThat(snapshot.commit()).isEqualTo(MAIN);
        assertThat(snapshot.folder()).isEqualTo(bert.resolve("snapshots").resolve(MAIN));
        assertThat(snapshot.files()).containsExactly("config.json", "model.safetensors", "onnx/model.onnx");
        assertThat(Files.readString(bert.resolve("refs/main"))).isEqualTo(MAIN); // no newline, as Python writes it

        String configEtag = FakeHub.gitSha1(CONFIG);
        String weightsEtag = FakeHub.sha256(WEIGHTS); // LFS: X-Linked-Etag, not the pointer file's ETag
        String onnxEtag = FakeHub.gitSha1(ONNX);
        Path folder = snapshot.folder();
        assertThat(Files.readSymbolicLink(folder.resolve("config.json"))).isEqualTo(Path.of("../../blobs/" + configEtag));
        assertThat(Files.readSymbolicLink(folder.resolve("model.safetensors")))
                .isEqualTo(Path.of("../../blobs/" + weightsEtag));
        assertThat(Files.readSymbolicLink(folder.resolve("onnx/model.onnx")))
                .isEqualTo(Path.of("../../../blobs/" + onnxEtag));
        try (Stream<Path> blobs = Files.list(bert.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(configEtag, weightsEtag, onnxEtag); // no .incomplete left
        }
        assertThat(Files.readAllBytes(bert.resolve("blobs").resolve(weightsEtag))).isEqualTo(WEIGHTS);
        assertThat(Files.readAllBytes(snapshot.file("onnx/model.onnx"))).isEqualTo(ONNX);
        assertThat(cacheDir.resolve(".locks/models--org--bert/" + weightsEtag + ".lock")).exists();
        // the LFS file came from the CDN, through the 302 of the resolve URL
        assertThat(fake.requests("cdn")).extracting(FakeHub.Request::path).containsExactly("/blobs/" + weightsEtag);
    }

    @Test
    void secondCallsAreServedFromTheCache() {
        try (HfHub hub = new HfHub(settings())) {
            hub.snapshotDownload("org/bert");
            fake.requests.clear();

            Path config = hub.hfHubDownload("org/bert", "config.json", MAIN, RepoType.MODEL);
            assertThat(config).isEqualTo(bert.resolve("snapshots").resolve(MAIN).resolve("config.json"));
            assertThat(fake.requests).as("a commit revision in the cache makes no request").isEmpty();

            hub.snapshotDownload("org/bert");
            hub.hfHubDownload("org/bert", "model.safetensors");
            // like huggingface_hub, a branch is re-resolved (one API call or HEAD) but nothing is downloaded again
            assertThat(fake.requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                    "GET /api/models/org/bert/revision/main", "HEAD /org/bert/resolve/main/model.safetensors");
        }
    }

    @Test
    void revisionsAreBranchesTagsOrCommits() throws IOException {
        fake.repo(RepoType.MODEL, "org/bert").refs.put("refs/pr/1", DEV);
        try (HfHub hub = new HfHub(settings())) {
            Path dev = hub.hfHubDownload("org/bert", "config.json", "dev", RepoType.MODEL);
            Path tag = hub.hfHubDownload("org/bert", "config.json", "v1.0", RepoType.MODEL);
            Path commit = hub.hfHubDownload("org/bert", "config.json", MAIN, RepoType.MODEL);
            Path pr = hub.hfHubDownload("org/bert", "config.json", "refs/pr/1", RepoType.MODEL);

            assertThat(Files.readAllBytes(dev)).isEqualTo(CONFIG_DEV);
            assertThat(dev).isEqualTo(bert.resolve("snapshots").resolve(DEV).resolve("config.json"));
            assertThat(Files.readAllBytes(tag)).isEqualTo(CONFIG);
            assertThat(commit).isEqualTo(tag);
            assertThat(pr).isEqualTo(dev);
        }
        assertThat(Files.readString(bert.resolve("refs/dev"))).isEqualTo(DEV);
        assertThat(Files.readString(bert.resolve("refs/v1.0"))).isEqualTo(MAIN);
        assertThat(Files.readString(bert.resolve("refs/refs/pr/1"))).isEqualTo(DEV);
        assertThat(bert.resolve("refs").resolve(MAIN)).as("a commit gets no ref").doesNotExist();
        assertThat(fake.requests).extracting(FakeHub.Request::path)
                .contains("/org/bert/resolve/refs%2Fpr%2F1/config.json");
    }

    @Test
    void allowPatternsSelectFilesAsFnmatchDoes() {
        try (HfHub hub = new HfHub(settings())) {
            Snapshot json = hub.snapshotDownload("org/bert", "main", RepoType.MODEL, List.of("*.json"));
            assertThat(json.files()).containsExactly("config.json");
            Snapshot onnx = hub.snapshotDownload("org/bert", "main", RepoType.MODEL, List.of("onnx/"));
            assertThat(onnx.files()).containsExactly("config.json", "onnx/model.onnx");
        }
        assertThat(fake.requests("cdn")).as("the weights were never fetched").isEmpty();
    }

    @Test
    void offlineModeReadsTheCacheAndNamesWhatIsMissing() {
        try (HfHub hub = new HfHub(settings())) {
            hub.snapshotDownload("org/bert", "main", RepoType.MODEL, List.of("*.json"));
        }
        fake.requests.clear();
        try (HfHub offline = new HfHub(settings().withOffline(true))) {
            assertThat(offline.hfHubDownload("org/bert", "config.json"))
                    .isEqualTo(bert.resolve("snapshots").resolve(MAIN).resolve("config.json"));
            assertThat(offline.hfHubDownload("org/bert", "config.json", MAIN, RepoType.MODEL)).exists();
            assertThat(offline.snapshotDownload("org/bert").files()).containsExactly("config.json");

            assertThatThrownBy(() -> offline.hfHubDownload("org/bert", "model.safetensors"))
                    .isInstanceOf(HubException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.LOCAL_ENTRY_NOT_FOUND)
                    .hasMessageContaining("file 'model.safetensors' of model 'org/bert' at revision 'main'")
                    .hasMessageContaining("the cache is cold and offline mode is on (HF_HUB_OFFLINE=1)");
            assertThatThrownBy(() -> offline.snapshotDownload("org/bert", "dev", RepoType.MODEL, List.of()))
                    .hasFieldOrPropertyWithValue("reason", Reason.LOCAL_ENTRY_NOT_FOUND)
                    .hasMessageContaining("model 'org/bert' at revision 'dev'");
            assertThatThrownBy(() -> offline.snapshotDownload("org/reviews", "main", RepoType.DATASET, List.of()))
                    .hasMessageContaining("dataset 'org/reviews' at revision 'main'").hasMessageContaining("offline");
        }
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void theTokenGoesToTheHubButNotToTheCdn() throws IOException {
        try (HfHub hub = new HfHub(settings().withToken(FakeHub.TOKEN))) {
            Snapshot snapshot = hub.snapshotDownload("org/private");
            assertThat(Files.readAllBytes(snapshot.file("model.safetensors"))).isEqualTo(WEIGHTS);
        }
        assertThat(fake.requests("hub")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + FakeHub.TOKEN));
        assertThat(fake.requests("cdn")).hasSize(1).allSatisfy(r -> {
            assertThat(r.host()).startsWith("localhost:");
            assertThat(r.authorization()).isNull();
        });

        try (HfHub anonymous = new HfHub(settings().withCacheDir(cacheDir.resolve("other")))) {
            assertThatThrownBy(() -> anonymous.hfHubDownload("org/private", "config.json"))
                    .hasFieldOrPropertyWithValue("reason", Reason.REPOSITORY_NOT_FOUND)
                    .hasMessageContaining("model 'org/private'").hasMessageContaining("set HF_TOKEN");
        }
    }

    @Test
    void aGatedRepoWithoutATokenSaysToSetHfToken() {
        try (HfHub hub = new HfHub(settings())) {
            assertThatThrownBy(() -> hub.hfHubDownload("org/gated", "config.json"))
                    .isInstanceOf(HubException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.GATED_REPO)
                    .hasMessageContaining("file 'config.json' of model 'org/gated' at revision 'main'")
                    .hasMessageContaining("HTTP 401").hasMessageContaining("set HF_TOKEN")
                    .hasMessageContaining("Access to model org/gated is restricted");
            assertThatThrownBy(() -> hub.snapshotDownload("org/gated"))
                    .hasFieldOrPropertyWithValue("reason", Reason.GATED_REPO);
        }
        assertThat(cacheDir.resolve("models--org--gated/blobs")).doesNotExist();
        try (HfHub hub = new HfHub(settings().withToken(FakeHub.TOKEN))) {
            assertThat(hub.hfHubDownload("org/gated", "config.json")).hasBinaryContent(CONFIG);
        }
    }

    @Test
    void notFoundErrorsSayWhatWasNotFound() {
        try (HfHub hub = new HfHub(settings())) {
            assertThatThrownBy(() -> hub.snapshotDownload("org/nope"))
                    .hasFieldOrPropertyWithValue("reason", Reason.REPOSITORY_NOT_FOUND)
                    .hasMessageStartingWith("Repository Not Found: model 'org/nope'");
            assertThatThrownBy(() -> hub.hfHubDownload("org/nope", "config.json"))
                    .hasFieldOrPropertyWithValue("reason", Reason.REPOSITORY_NOT_FOUND);
            assertThatThrownBy(() -> hub.hfHubDownload("org/bert", "config.json", "v9", RepoType.MODEL))
                    .hasFieldOrPropertyWithValue("reason", Reason.REVISION_NOT_FOUND)
                    .hasMessageContaining("model 'org/bert' has no branch, tag or commit 'v9'");
            assertThatThrownBy(() -> hub.hfHubDownload("org/bert", "tokenizer.json"))
                    .hasFieldOrPropertyWithValue("reason", Reason.ENTRY_NOT_FOUND)
                    .hasMessageStartingWith("Entry Not Found: file 'tokenizer.json' of model 'org/bert' at revision"
                            + " 'main' does not exist");
            assertThat(hub.cache().isKnownMissing("org/bert", "tokenizer.json", "main", RepoType.MODEL)).isTrue();
        }
        assertThat(bert.resolve(".no_exist").resolve(MAIN).resolve("tokenizer.json")).isRegularFile();
        try (HfHub offline = new HfHub(settings().withOffline(true))) {
            assertThatThrownBy(() -> offline.hfHubDownload("org/bert", "tokenizer.json"))
                    .hasFieldOrPropertyWithValue("reason", Reason.ENTRY_NOT_FOUND);
        }
    }

    @Test
    void aPartialIncompleteFileIsResumedWithARangeRequest() throws IOException {
        Path blobs = Files.createDirectories(bert.resolve("blobs"));
        Files.write(blobs.resolve(FakeHub.sha256(WEIGHTS) + ".incomplete"), Arrays.copyOf(WEIGHTS, 40_000));
        List<DownloadProgress> progress = new CopyOnWriteArrayList<>();
        try (HfHub hub = new HfHub(settings(), progress::add)) {
            assertThat(hub.hfHubDownload("org/bert", "model.safetensors")).hasBinaryContent(WEIGHTS);
        }
        assertThat(fake.requests("cdn")).extracting(FakeHub.Request::range).containsExactly("bytes=40000-");
        assertThat(progress.getFirst()).isEqualTo(new DownloadProgress("org/bert", "model.safetensors", 40_000, 100_000));
        assertThat(progress.getLast().done()).isTrue();
        assertThat(blobs.resolve(FakeHub.sha256(WEIGHTS) + ".incomplete")).doesNotExist();
    }

    @Test
    void concurrentDownloadsOfOneFileFetchItOnce() throws Exception {
        try (HfHub hub = new HfHub(settings());
                var pool = Executors.newFixedThreadPool(4)) {
            var calls = IntStream.range(0, 4)
                    .mapToObj(i -> pool.submit(() -> hub.hfHubDownload("org/bert", "model.safetensors"))).toList();
            for (var call : calls) {
                assertThat(call.get()).hasBinaryContent(WEIGHTS);
            }
        }
        assertThat(fake.requests("cdn")).hasSize(1);
    }

    @Test
    void aBrokenConnectionIsRetriedFromWhereItStopped() {
        fake.breakOnce.add("onnx/model.onnx");
        try (HfHub hub = new HfHub(settings())) {
            assertThat(hub.hfHubDownload("org/bert", "onnx/model.onnx")).hasBinaryContent(ONNX);
        }
        // the retry asks for the rest of what arrived: at most the half the server sent before dropping (how much
        // of it reached the client before the connection died is up to TCP)
        List<String> ranges = fake.requests.stream().filter(r -> r.method().equals("GET")).map(FakeHub.Request::range)
                .toList();
        assertThat(ranges).hasSize(2).first().isNull();
        long resumedAt = ranges.get(1) == null ? 0 : Long.parseLong(ranges.get(1).replaceAll("\\D", ""));
        assertThat(resumedAt).isBetween(0L, ONNX.length / 2L);
    }

    @Test
    void sizeAndSha256MismatchesFailWithoutTouchingValidFiles() throws IOException {
        try (HfHub hub = new HfHub(settings())) {
            Path config = hub.hfHubDownload("org/bert", "config.json");

            fake.announcedSize.put("onnx/model.onnx", ONNX.length + 10L);
            assertThatThrownBy(() -> hub.hfHubDownload("org/bert", "onnx/model.onnx"))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONSISTENCY)
                    .hasMessageContaining("file 'onnx/model.onnx' of model 'org/bert' at revision 'main' should be "
                            + (ONNX.length + 10) + " bytes but " + ONNX.length + " were downloaded")
                    .hasMessageContaining("is kept and the next attempt resumes it");
            Path onnxBlob = bert.resolve("blobs").resolve(FakeHub.gitSha1(ONNX));
            assertThat(onnxBlob).doesNotExist();
            assertThat(Path.of(onnxBlob + ".incomplete")).hasSize(ONNX.length);
            assertThat(bert.resolve("snapshots").resolve(MAIN).resolve("onnx/model.onnx")).doesNotExist();

            fake.announcedSize.put("onnx/model.onnx", ONNX.length - 10L);
            assertThatThrownBy(() -> hub.hfHubDownload("org/bert", "onnx/model.onnx"))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONSISTENCY)
                    .hasMessageContaining("the partial file was deleted");
            assertThat(Path.of(onnxBlob + ".incomplete")).doesNotExist();

            fake.corruptOnCdn.add("model.safetensors");
            assertThatThrownBy(() -> hub.hfHubDownload("org/bert", "model.safetensors"))
                    .hasFieldOrPropertyWithValue("reason", Reason.CONSISTENCY)
                    .hasMessageContaining("has sha256").hasMessageContaining("but the hub's etag is "
                            + FakeHub.sha256(WEIGHTS));
            try (Stream<Path> blobs = Files.list(bert.resolve("blobs"))) {
                assertThat(blobs.map(p -> p.getFileName().toString())).containsExactly(FakeHub.gitSha1(CONFIG));
            }
            assertThat(config).hasBinaryContent(CONFIG);
        }
    }

    @Test
    void pathTraversalIsRejectedBeforeAnyRequest() throws IOException {
        try (HfHub hub = new HfHub(settings())) {
            for (String id : List.of("../etc", "/abs/name", "org\\name", "org//name", "org/name/extra", "", "org/..",
                    "..", "org/-x", "org--x/name", "C:\\x", "org/name.git")) {
                assertInvalid(() -> hub.snapshotDownload(id), "repo id");
                assertInvalid(() -> hub.hfHubDownload(id, "config.json"), "repo id");
            }
            for (String file : List.of("../x", "/etc/passwd", "a//b", "a\\b", "a/./b", "a/../../b", "", "a/")) {
                assertInvalid(() -> hub.hfHubDownload("org/bert", file), "file name");
            }
            for (String revision : List.of("../x", "a/../b", "", "/main", "main\\x")) {
                assertInvalid(() -> hub.hfHubDownload("org/bert", "config.json", revision, RepoType.MODEL), "revision");
                assertInvalid(() -> hub.cache().cachedSnapshot("org/bert", revision, RepoType.MODEL), "revision");
            }
        }
        assertThat(fake.requests).isEmpty();
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aRepoListingAFileOutsideTheSnapshotIsRejected() {
        fake.repo(RepoType.MODEL, "org/evil").commit(FakeHub.commit("evil"), Map.of("../../../escape", CONFIG), "main");
        try (HfHub hub = new HfHub(settings())) {
            assertInvalid(() -> hub.snapshotDownload("org/evil"), "file name '../../../escape'");
        }
        assertThat(fake.requests("hub")).extracting(FakeHub.Request::method).containsExactly("GET");
    }

    private static void assertInvalid(ThrowingCallable call, String what) {
        assertThatThrownBy(call).isInstanceOf(HubException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_NAME).hasMessageContaining("Invalid " + what);
    }

    @Test
    void datasetsUseTheirOwnCacheFolderAndUrls() {
        String commit = FakeHub.commit("data");
        try (HfHub hub = new HfHub(settings())) {
            Snapshot snapshot = hub.snapshotDownload("org/reviews", "main", RepoType.DATASET, List.of("data/*.parquet"));
            assertThat(snapshot.folder()).isEqualTo(cacheDir.resolve("datasets--org--reviews/snapshots").resolve(commit));
            assertThat(snapshot.files())
                    .containsExactly("data/train-00000-of-00001.parquet", "data/validation-00000-of-00001.parquet");
            assertThat(snapshot.file("data/train-00000-of-00001.parquet")).hasBinaryContent(PARQUET);
            assertThat(hub.cache().cachedSnapshot("org/reviews", "main", RepoType.DATASET)).contains(snapshot);
            assertThat(hub.cache().cachedSnapshot("org/reviews", "main", RepoType.MODEL)).isEmpty();
        }
        assertThat(fake.requests("hub")).extracting(r -> r.method() + " " + r.path()).containsExactlyInAnyOrder(
                "GET /api/datasets/org/reviews/revision/main",
                "HEAD /datasets/org/reviews/resolve/" + commit + "/data/train-00000-of-00001.parquet",
                "HEAD /datasets/org/reviews/resolve/" + commit + "/data/validation-00000-of-00001.parquet",
                "GET /datasets/org/reviews/resolve/" + commit + "/data/validation-00000-of-00001.parquet");
    }

    @Test
    void aRenamedRepoIsFollowedOnTheSameHostWithTheToken() {
        fake.renamed.put("org/old-bert", "org/bert");
        try (HfHub hub = new HfHub(settings().withToken(FakeHub.TOKEN))) {
            assertThat(hub.hfHubDownload("org/old-bert", "config.json")).hasBinaryContent(CONFIG)
                    .startsWithRaw(cacheDir.resolve("models--org--old-bert/snapshots"));
        }
        assertThat(fake.requests).extracting(r -> r.method() + " " + r.path() + " " + r.authorization()).containsExactly(
                "HEAD /org/old-bert/resolve/main/config.json Bearer " + FakeHub.TOKEN,
                "HEAD /org/bert/resolve/main/config.json Bearer " + FakeHub.TOKEN,
                "GET /org/bert/resolve/main/config.json Bearer " + FakeHub.TOKEN);
    }

    @Test
    void anUnreachableHubFallsBackToTheCache() throws IOException {
        try (HfHub hub = new HfHub(settings())) {
            hub.snapshotDownload("org/bert", "main", RepoType.MODEL, List.of("*.json"));
        }
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (HfHub unreachable = new HfHub(settings().withEndpoint(closed))) {
            assertThat(unreachable.hfHubDownload("org/bert", "config.json")).hasBinaryContent(CONFIG);
            assertThat(unreachable.snapshotDownload("org/bert").commit()).isEqualTo(MAIN);
            assertThatThrownBy(() -> unreachable.hfHubDownload("org/bert", "model.safetensors"))
                    .hasFieldOrPropertyWithValue("reason", Reason.LOCAL_ENTRY_NOT_FOUND)
                    .hasMessageContaining("Cannot reach the hub at " + closed)
                    .hasMessageContaining("file 'model.safetensors' of model 'org/bert' at revision 'main'");
        }
    }

    @Test
    void theEnvironmentChoosesTheEndpointAndTheCache() {
        Map<String, String> env = Map.of("HF_ENDPOINT", fake.endpoint() + "/", "HF_HOME", cacheDir.resolve("home").toString());
        try (HfHub hub = new HfHub(HubSettings.fromEnvironment(env, cacheDir))) {
            assertThat(hub.hfHubDownload("org/bert", "config.json"))
                    .startsWithRaw(cacheDir.resolve("home/hub/models--org--bert/snapshots"));
        }
        assertThat(fake.requests).isNotEmpty();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
