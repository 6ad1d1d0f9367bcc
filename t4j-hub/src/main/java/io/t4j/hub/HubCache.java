package io.t4j.hub;

import io.t4j.hub.HubException.Reason;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * huggingface_hub's cache layout ({@code file_download.py}: {@code repo_folder_name}, {@code try_to_load_from_cache},
 * {@code _create_symlink}, {@code _cache_commit_hash_for_specific_revision}) under one root, read without the
 * network. {@code fromPretrained("org/name")} and the dataset loader look here first.
 */
public final class HubCache {
    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** {@code <root>/models--org--name} (or {@code datasets--org--name}), HF's {@code repo_folder_name}. */
    public Path repoFolder(String repoId, RepoType type) {
        return root.resolve(type.plural() + "--" + HubNames.checkRepoId(repoId).replace("/", "--"));
    }

    /** The commit {@code revision} names: itself if it is a commit hash, else the content of {@code refs/<revision>}. */
    public Optional<String> resolveCommit(String repoId, String revision, RepoType type) {
        HubNames.checkRevision(revision);
        if (HubNames.isCommitHash(revision)) {
            return Optional.of(revision);
        }
        Path ref = HubNames.localPath(repoFolder(repoId, type).resolve("refs"), revision);
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref).strip()).filter(HubNames::isCommitHash)
                    : Optional.empty();
        } catch (IOException e) {
            throw new HubException(Reason.IO, "cannot read " + ref + ": " + e.getMessage(), e);
        }
    }

    /** The cached snapshot of the repo at {@code revision} (branch, tag or commit), if its folder exists. */
    public Optional<Snapshot> cachedSnapshot(String repoId, String revision, RepoType type) {
        return resolveCommit(repoId, revision, type).flatMap(commit -> {
            Path folder = repoFolder(repoId, type).resolve("snapshots").resolve(commit);
            return Files.isDirectory(folder) ? Optional.of(new Snapshot(repoId, type, commit, folder, listFiles(folder)))
                    : Optional.empty();
        });
    }

    /** The cached file {@code filename} of the repo at {@code revision} (HF's {@code try_to_load_from_cache}). */
    public Optional<Path> cachedFile(String repoId, String filename, String revision, RepoType type) {
        HubNames.checkFilename(filename);
        return resolveCommit(repoId, revision, type).map(commit -> pointer(repoFolder(repoId, type), commit, filename))
                .filter(Files::isRegularFile);
    }

    /** Whether the hub said {@code filename} does not exist at {@code revision} (HF's {@code .no_exist} markers). */
    public boolean isKnownMissing(String repoId, String filename, String revision, RepoType type) {
        HubNames.checkFilename(filename);
        return resolveCommit(repoId, revision, type)
                .map(commit -> HubNames.localPath(repoFolder(repoId, type).resolve(".no_exist").resolve(commit), filename))
                .filter(Files::isRegularFile).isPresent();
    }

    private static List<String> listFiles(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(p -> !Files.isDirectory(p))
                    .map(p -> folder.relativize(p).toString().replace(folder.getFileSystem().getSeparator(), "/"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new HubException(Reason.IO, "cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    // ---- writing, for HfHub ----

    static Path blob(Path repoFolder, String etag) {
        return repoFolder.resolve("blobs").resolve(etag);
    }

    static Path pointer(Path repoFolder, String commit, String filename) {
        return HubNames.localPath(repoFolder.resolve("snapshots").resolve(commit), filename);
    }

    /** {@code <root>/.locks/models--org--name/<etag>.lock}, where huggingface_hub takes its file lock. */
    Path lockFile(String repoId, RepoType type, String etag) {
        return root.resolve(".locks").resolve(repoFolder(repoId, type).getFileName()).resolve(etag + ".lock");
    }

    /** Records that {@code revision} (a branch or tag) resolved to {@code commit}; nothing for a commit hash. */
    static void writeRef(Path repoFolder, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = HubNames.localPath(repoFolder.resolve("refs"), revision);
        if (Files.isRegularFile(ref) && Files.readString(ref).strip().equals(commit)) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.writeString(tmp, commit);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Marks {@code filename} as absent at {@code commit}: an empty file under {@code .no_exist/<commit>/}. */
    static void markMissing(Path repoFolder, String commit, String filename) throws IOException {
        Path marker = HubNames.localPath(repoFolder.resolve(".no_exist").resolve(commit), filename);
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    /**
     * Points {@code pointer} at {@code blob} with a relative symlink ({@code ../../blobs/<etag>}, one more
     * {@code ../} per folder in the file name), created beside it and renamed into place. Where symlinks are not
     * allowed (Windows without developer mode) the blob is copied, as huggingface_hub does.
     */
    static void link(Path blob, Path pointer) throws IOException {
        Files.createDirectories(pointer.getParent());
        Path tmp = pointer.resolveSibling(pointer.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createSymbolicLink(tmp, pointer.getParent().relativize(blob));
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp);
        }
        Files.move(tmp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
