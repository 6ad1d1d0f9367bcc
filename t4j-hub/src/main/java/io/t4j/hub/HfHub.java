package io.t4j.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.hub.HubException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Hugging Face hub: huggingface_hub's {@code hf_hub_download} and {@code snapshot_download}
 * (file_download.py, _snapshot_download.py), writing HF's own cache layout (see {@link HubCache}) so Python and
 * t4j share one cache.
 *
 * <p>How a file is fetched, as in huggingface_hub:
 * <ol>
 *   <li>A commit revision whose file is already in {@code snapshots/<commit>/} returns at once, with no request.</li>
 *   <li>Offline ({@code HF_HUB_OFFLINE=1}) only the cache is read: {@code refs/<revision>} names the commit.</li>
 *   <li>Otherwise a {@code HEAD} on {@code {endpoint}/{repo_id}/resolve/{revision}/{filename}} (following only
 *       same-host redirects, e.g. a renamed repo) gives the commit ({@code X-Repo-Commit}), the etag
 *       ({@code X-Linked-Etag} for LFS files, else {@code ETag}), the size ({@code X-Linked-Size}, else
 *       {@code Content-Length}) and, for LFS files, the CDN {@code Location}. If the hub cannot be reached, or
 *       denies access, a cached copy is used when there is one.</li>
 *   <li>{@code refs/<revision>} is updated; if {@code blobs/<etag>} is missing it is downloaded, under the lock
 *       {@code .locks/<repo>/<etag>.lock}, into {@code blobs/<etag>.incomplete}: an existing partial file is
 *       resumed with {@code Range: bytes=N-}, a broken connection is resumed a few times, the size (and, when the
 *       etag is a sha256, the sha256) is verified, and the file is renamed to {@code blobs/<etag>}.</li>
 *   <li>{@code snapshots/<commit>/<filename>} becomes a relative symlink to the blob.</li>
 * </ol>
 * The token goes only to the hub's own host: never to a CDN or any other host a redirect points to.
 *
 * <p>Thread-safe; close it to release the HTTP client.
 */
public final class HfHub implements AutoCloseable {
    public static final String DEFAULT_REVISION = "main";
    private static final Logger LOG = LoggerFactory.getLogger(HfHub.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STALLED_RESUMES = 3;
    /** Errors after which huggingface_hub falls back to a cached copy (the hub is down, or denies access). */
    private static final Set<Reason> CACHE_FALLBACK =
            Set.of(Reason.NETWORK, Reason.HTTP, Reason.REPOSITORY_NOT_FOUND, Reason.GATED_REPO, Reason.UNAUTHORIZED);
    /** FileChannel locks are per process; threads of this JVM queue on these first. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final HubSettings settings;
    private final HubCache cache;
    private final DownloadListener listener;
    private final HubHttp http;

    public HfHub(HubSettings settings) {
        this(settings, DownloadListener.NONE);
    }

    public HfHub(HubSettings settings, DownloadListener listener) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.listener = listener;
        this.http = new HubHttp(settings);
    }

    /** A client configured from this process's environment ({@link HubSettings#fromEnvironment()}). */
    public static HfHub fromEnvironment() {
        return new HfHub(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    public HubCache cache() {
        return cache;
    }

    // ---- snapshot_download ----

    /** The whole model repo at {@code main}. */
    public Snapshot snapshotDownload(String repoId) {
        return snapshotDownload(repoId, DEFAULT_REVISION, RepoType.MODEL, List.of());
    }

    /**
     * Downloads the repo's files at {@code revision} (branch, tag or commit) that match any of
     * {@code allowPatterns} (fnmatch patterns such as {@code *.json} or {@code data/}; empty means all files) and
     * returns the snapshot folder. Offline, or when the hub cannot be reached, the cached snapshot of
     * {@code refs/<revision>} is returned.
     */
    public Snapshot snapshotDownload(String repoId, String revision, RepoType type, List<String> allowPatterns) {
        HubTarget target = HubTarget.repo(repoId, type, revision);
        List<Pattern> patterns = allowPatterns.stream().map(HubNames::glob).toList();
        if (settings.offline()) {
            return cachedSnapshot(target, null);
        }
        RepoInfo info;
        try {
            info = repoInfo(target);
        } catch (HubException e) {
            if (!CACHE_FALLBACK.contains(e.reason())) {
                throw e;
            }
            return cachedSnapshot(target, e);
        }
        for (String file : info.filenames()) {
            if (patterns.isEmpty() || patterns.stream().anyMatch(p -> p.matcher(file).matches())) {
                download(HubTarget.file(repoId, type, info.sha(), file));
            }
        }
        Path repo = cache.repoFolder(repoId, type);
        try {
            Files.createDirectories(repo.resolve("snapshots").resolve(info.sha()));
            HubCache.writeRef(repo, target.revision(), info.sha());
        } catch (IOException e) {
            throw new HubException(Reason.IO, "cannot write the cache for " + target + " in " + repo + ": " + e, e);
        }
        return cache.cachedSnapshot(repoId, info.sha(), type).orElseThrow();
    }

    private Snapshot cachedSnapshot(HubTarget target, HubException cause) {
        Optional<Snapshot> cached = cache.cachedSnapshot(target.repoId(), target.revision(), target.type());
        if (cached.isPresent()) {
            if (cause != null) {
                LOG.warn("Using the cached snapshot {} of {}: {}", cached.get().commit(), target, cause.getMessage());
            }
            return cached.get();
        }
        throw cacheMiss(target, cause);
    }

    // ---- hf_hub_download ----

    /** The model file {@code filename} at {@code main}. */
    public Path hfHubDownload(String repoId, String filename) {
        return hfHubDownload(repoId, filename, DEFAULT_REVISION, RepoType.MODEL);
    }

    /**
     * Downloads one file of the repo at {@code revision} (branch, tag or commit) unless it is cached, and returns
     * its path in the snapshot folder ({@code .../snapshots/<commit>/<filename>}, a symlink to the blob).
     */
    public Path hfHubDownload(String repoId, String filename, String revision, RepoType type) {
        return download(HubTarget.file(repoId, type, revision, filename));
    }

    private Path download(HubTarget target) {
        Path repo = cache.repoFolder(target.repoId(), target.type());
        if (HubNames.isCommitHash(target.revision())) {
            Path pointer = HubCache.pointer(repo, target.revision(), target.filename());
            if (Files.exists(pointer)) {
                return pointer;
            }
        }
        if (settings.offline()) {
            return cachedFile(target, null);
        }
        HfFileMetadata meta;
        try {
            meta = fileMetadata(target);
        } catch (HubException e) {
            if (!CACHE_FALLBACK.contains(e.reason())) {
                throw e;
            }
            return cachedFile(target, e);
        }
        Path blob = HubCache.blob(repo, meta.etag());
        Path pointer = HubCache.pointer(repo, meta.commitHash(), target.filename());
        try {
            HubCache.writeRef(repo, target.revision(), meta.commitHash());
            if (Files.exists(pointer)) {
                return pointer;
            }
            withLock(cache.lockFile(target.repoId(), target.type(), meta.etag()), () -> {
                if (!Files.exists(blob)) {
                    fetchBlob(target, meta, blob);
                }
                if (!Files.exists(pointer)) {
                    HubCache.link(blob, pointer);
                }
            });
        } catch (IOException e) {
            throw new HubException(Reason.IO, "cannot write " + target + " to the cache " + repo + ": " + e, e);
        }
        return pointer;
    }

    private Path cachedFile(HubTarget target, HubException cause) {
        RepoType type = target.type();
        if (cause == null && cache.isKnownMissing(target.repoId(), target.filename(), target.revision(), type)) {
            throw new HubException(Reason.ENTRY_NOT_FOUND, "Entry Not Found: " + target + " does not exist (the"
                    + " hub said so earlier; the cache holds a .no_exist marker) and offline mode is on");
        }
        Optional<Path> cached = cache.cachedFile(target.repoId(), target.filename(), target.revision(), type);
        if (cached.isPresent()) {
            if (cause != null) {
                LOG.warn("Using the cached copy of {}: {}", target, cause.getMessage());
            }
            return cached.get();
        }
        throw cacheMiss(target, cause);
    }

    private HubException cacheMiss(HubTarget target, HubException cause) {
        if (cause == null) {
            return new HubException(Reason.LOCAL_ENTRY_NOT_FOUND, "Cannot find " + target + " in the cache "
                    + cache.root() + ": the cache is cold and offline mode is on (HF_HUB_OFFLINE=1). Download it"
                    + " once online, or unset HF_HUB_OFFLINE.");
        }
        if (cause.reason() == Reason.NETWORK) {
            return new HubException(Reason.LOCAL_ENTRY_NOT_FOUND, "Cannot reach the hub at " + settings.endpoint()
                    + " and " + target + " is not in the cache " + cache.root() + ": " + cause.getMessage(), cause);
        }
        return cause;
    }

    // ---- metadata ----

    /** The hub's info on the repo at {@code revision}: the commit it resolves to and its files. */
    public RepoInfo repoInfo(String repoId, String revision, RepoType type) {
        return repoInfo(HubTarget.repo(repoId, type, revision));
    }

    private RepoInfo repoInfo(HubTarget target) {
        URI url = URI.create(settings.endpoint() + "/api/" + target.type().plural() + "/" + target.repoId()
                + "/revision/" + HubNames.quote(target.revision(), ""));
        HttpResponse<InputStream> response = http.request(target, "GET", url, Map.of("Accept", "application/json"), true);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw http.error(target, response, false);
            }
            RepoInfo info = JSON.readValue(body, RepoInfo.class);
            if (info.sha() == null || !HubNames.isCommitHash(info.sha())) {
                throw new HubException(Reason.HTTP, "The hub's info on " + target + " (" + url + ") has no valid"
                        + " commit sha: " + info.sha());
            }
            return info;
        } catch (IOException e) {
            throw new HubException(Reason.HTTP, "Cannot read the hub's info on " + target + " from " + url + ": " + e, e);
        }
    }

    /** What the hub says about one file ({@code get_hf_file_metadata}): commit, etag, size and download location. */
    public HfFileMetadata fileMetadata(String repoId, String filename, String revision, RepoType type) {
        return fileMetadata(HubTarget.file(repoId, type, revision, filename));
    }

    private HfFileMetadata fileMetadata(HubTarget target) {
        URI url = resolveUrl(target);
        HttpResponse<InputStream> response =
                http.request(target, "HEAD", url, Map.of("Accept-Encoding", "identity"), false);
        try (InputStream _ = response.body()) {
            return fileMetadata(target, url, response);
        } catch (IOException e) {
            throw new HubException(Reason.NETWORK, "Cannot read the answer of " + url + " for " + target + ": " + e, e);
        }
    }

    private HfFileMetadata fileMetadata(HubTarget target, URI url, HttpResponse<InputStream> response) {
        int status = response.statusCode();
        if (status / 100 != 2 && status / 100 != 3) {
            HubException error = http.error(target, response, true);
            if (error.reason() == Reason.ENTRY_NOT_FOUND) {
                rememberMissing(target, response);
            }
            throw error;
        }
        var headers = response.headers();
        String commit = headers.firstValue("X-Repo-Commit").orElse(null);
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
                .map(HubNames::normalizeEtag).orElse(null);
        Optional<Long> size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length"))
                .flatMap(HfHub::parseLong);
        String problem = commit == null || !HubNames.isCommitHash(commit) ? "no valid X-Repo-Commit header (" + commit + ")"
                : etag == null || !HubNames.isSafeEtag(etag) ? "no valid ETag header (" + etag + ")"
                : size.isEmpty() ? "no X-Linked-Size or Content-Length header" : null;
        if (problem != null) {
            throw new HubException(Reason.HTTP, "The answer for " + target + " (" + url + ") has " + problem
                    + ": is " + settings.endpoint() + " a Hugging Face hub? Check HF_ENDPOINT and any proxy.");
        }
        URI location = headers.firstValue("Location").map(l -> response.uri().resolve(l)).orElse(response.uri());
        return new HfFileMetadata(commit, etag, location, size.get());
    }

    private void rememberMissing(HubTarget target, HttpResponse<?> response) {
        Optional<String> commit = response.headers().firstValue("X-Repo-Commit").filter(HubNames::isCommitHash);
        if (commit.isPresent()) {
            Path repo = cache.repoFolder(target.repoId(), target.type());
            try {
                HubCache.markMissing(repo, commit.get(), target.filename());
                HubCache.writeRef(repo, target.revision(), commit.get());
            } catch (IOException e) {
                LOG.warn("Could not record in {} that {} does not exist: {}", repo, target, e.toString());
            }
        }
    }

    private URI resolveUrl(HubTarget target) {
        return URI.create(settings.endpoint() + "/" + target.type().urlPrefix() + target.repoId() + "/resolve/"
                + HubNames.quote(target.revision(), "") + "/" + HubNames.quote(target.filename(), "/"));
    }

    // ---- downloading a blob ----

    private void fetchBlob(HubTarget target, HfFileMetadata meta, Path blob) throws IOException {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        Files.createDirectories(blob.getParent());
        if (Files.exists(incomplete) && Files.size(incomplete) > meta.size()) {
            LOG.warn("Discarding {}: it is larger than the {} bytes announced for {}", incomplete, meta.size(), target);
            Files.delete(incomplete);
        }
        for (int stalls = 0; ; ) {
            long before = Files.exists(incomplete) ? Files.size(incomplete) : 0;
            if (before == meta.size() && meta.size() > 0) {
                break;
            }
            try {
                fetchRange(target, meta, incomplete, before);
                break;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new HubException(Reason.NETWORK, "Interrupted while downloading " + target, e);
                }
                long after = Files.exists(incomplete) ? Files.size(incomplete) : 0;
                stalls = after > before ? 0 : stalls + 1;
                if (stalls > MAX_STALLED_RESUMES) {
                    throw new HubException(Reason.NETWORK, "Downloading " + target + " from " + meta.location()
                            + " kept failing (" + e + "); " + after + " of " + meta.size() + " bytes are kept in "
                            + incomplete + " and the next attempt resumes from there", e);
                }
                LOG.warn("Download of {} broke at {} of {} bytes ({}); resuming", target, after, meta.size(), e.toString());
            }
        }
        verify(target, meta, incomplete);
        Files.move(incomplete, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** GETs the file from byte {@code offset} on (the whole file when the server ignores the range). */
    private void fetchRange(HubTarget target, HfFileMetadata meta, Path incomplete, long offset) throws IOException {
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        HttpResponse<InputStream> response = http.send(target, "GET", meta.location(), headers, true);
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status != 200 && status != 206) {
                throw http.error(target, response, true);
            }
            boolean append = offset > 0 && status == 206;
            if (append && !response.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + offset + "-")) {
                throw new HubException(Reason.HTTP, "Asked " + meta.location() + " for bytes " + offset + "- of "
                        + target + " but got Content-Range " + response.headers().firstValue("Content-Range"));
            }
            long done = append ? offset : 0;
            listener.onProgress(new DownloadProgress(target.repoId(), target.filename(), done, meta.size()));
            try (OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    done += n;
                    listener.onProgress(new DownloadProgress(target.repoId(), target.filename(), done, meta.size()));
                }
            }
        }
    }

    /** The size, and the sha256 when the etag is one (LFS files); a file that cannot become valid is deleted. */
    private static void verify(HubTarget target, HfFileMetadata meta, Path incomplete) throws IOException {
        long actual = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (actual != meta.size()) {
            boolean resumable = actual < meta.size();
            if (!resumable) {
                Files.delete(incomplete);
            }
            throw new HubException(Reason.CONSISTENCY, "Consistency check failed: " + target + " should be "
                    + meta.size() + " bytes but " + actual + " were downloaded from " + meta.location() + "; "
                    + (resumable ? "the partial file " + incomplete + " is kept and the next attempt resumes it"
                    : "the partial file was deleted"));
        }
        if (HubNames.isSha256(meta.etag())) {
            String sha256 = sha256(incomplete);
            if (!sha256.equals(meta.etag())) {
                Files.delete(incomplete);
                throw new HubException(Reason.CONSISTENCY, "Consistency check failed: " + target + " downloaded from "
                        + meta.location() + " has sha256 " + sha256 + " but the hub's etag is " + meta.etag()
                        + "; the download was deleted");
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try (var in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** huggingface_hub's {@code WeakFileLock} on {@code .locks/<repo>/<etag>.lock}, plus a lock between threads. */
    private static void withLock(Path lockFile, IoAction action) throws IOException {
        Files.createDirectories(lockFile.getParent());
        ReentrantLock threads = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        threads.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock _ = channel.lock()) {
            action.run();
        } finally {
            threads.unlock();
        }
    }

    private static Optional<Long> parseLong(String value) {
        try {
            return Optional.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
