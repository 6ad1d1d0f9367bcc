package io.t4j.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * A repo at one commit in the cache: the folder {@code snapshot_download} returns
 * ({@code .../models--org--name/snapshots/<commit>}) and the repo files it holds.
 *
 * @param files paths relative to {@code folder}, with {@code /} separators, as the hub names them
 */
public record Snapshot(String repoId, RepoType type, String commit, Path folder, List<String> files) {
    public Snapshot {
        files = List.copyOf(files);
    }

    /** The local path of the repo file {@code filename} (which need not be cached). */
    public Path file(String filename) {
        return HubNames.localPath(folder, HubNames.checkFilename(filename));
    }
}
