package io.t4j.hub;

/**
 * Receives download progress (huggingface_hub's {@code tqdm_class}); the CLI renders it as a progress bar. Called on
 * the downloading thread: once when a download starts, after each chunk, and once it is complete.
 */
@FunctionalInterface
public interface DownloadListener {
    DownloadListener NONE = progress -> {};

    void onProgress(DownloadProgress progress);
}
