package io.t4j.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code from_pretrained("name")} resolves: a local folder as is, otherwise a hub repo id downloaded (or found
 * in the cache) with the files a model folder needs.
 */
public final class Pretrained {
    /** The files of a model folder that t4j reads (HF's weights, configs, tokenizer files and chat templates). */
    public static final List<String> MODEL_FILES = List.of("*.json", "*.safetensors", "*.jinja", "*.txt", "*.model");

    private Pretrained() {}

    /** A local directory, or the snapshot folder of hub repo {@code nameOrPath} at {@code main}. */
    public static Path resolve(String nameOrPath) {
        return resolve(nameOrPath, "main", DownloadListener.NONE);
    }

    public static Path resolve(String nameOrPath, String revision, DownloadListener listener) {
        Path local = Path.of(nameOrPath);
        if (Files.isDirectory(local)) {
            return local;
        }
        if (looksLikeLocalPath(nameOrPath)) {
            throw new IllegalArgumentException(nameOrPath + ": no such model folder (and not a hub repo id like 'org/name')");
        }
        try (HfHub hub = new HfHub(HubSettings.fromEnvironment(), listener)) {
            return hub.snapshotDownload(nameOrPath, revision, RepoType.MODEL, MODEL_FILES).folder();
        }
    }

    private static boolean looksLikeLocalPath(String s) {
        return s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.startsWith("~")
                || s.contains("\\") || s.split("/").length > 2;
    }
}
