package io.t4j.hub;

/**
 * Progress of one file download, reported to a {@link DownloadListener} (what huggingface_hub shows with tqdm).
 *
 * @param bytesDone bytes on disk so far, including bytes resumed from an earlier {@code .incomplete} file
 * @param totalBytes the file's size as announced by the hub
 */
public record DownloadProgress(String repoId, String filename, long bytesDone, long totalBytes) {
    public boolean done() {
        return bytesDone == totalBytes;
    }
}
