package io.t4j.cli;

import io.t4j.hub.DownloadListener;
import io.t4j.hub.Pretrained;
import java.nio.file.Path;

/** {@code --model}: a local folder, a hub repo id (downloaded into HF's cache), or {@code default}. */
public final class ModelResolver {
    public static final String DEFAULT = "default";

    private ModelResolver() {}

    public static Path resolve(String model, String revision) {
        if (model.equals(DEFAULT)) {
            return io.t4j.models.onnx.DefaultModels.bgeSmallEnV15();
        }
        return Pretrained.resolve(model, revision, progress(model));
    }

    private static DownloadListener progress(String model) {
        return p -> {
            if (p.totalBytes() > 0 && p.bytesDone() == p.totalBytes()) {
                System.err.printf("downloaded %s/%s (%,d bytes)%n", model, p.filename(), p.totalBytes());
            }
        };
    }
}
