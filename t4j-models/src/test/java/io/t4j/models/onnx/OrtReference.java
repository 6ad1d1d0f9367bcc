package io.t4j.models.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The reference side of the ONNX tests and the benchmark: ONNX Runtime Java running the original export, and a
 * padded batch tokenized with DJL's HF tokenizer (t4j-tokenizers' AutoTokenizer is written separately).
 */
final class OrtReference implements AutoCloseable {
    /** A padded batch as long[B][T] arrays, shared by ORT and libtorch. */
    record Batch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
        int size() {
            return inputIds.length;
        }

        int length() {
            return inputIds[0].length;
        }

        ModelInputs toModelInputs() {
            return new ModelInputs(Tensors.fromLongMatrix(inputIds), Tensors.fromLongMatrix(attentionMask),
                    Tensors.fromLongMatrix(tokenTypeIds), null);
        }

        /** attention_mask as float [B,T,1], to compare real positions only. */
        Tensor realPositions() {
            return Tensors.fromLongMatrix(attentionMask).to(org.bytedeco.pytorch.global.torch.ScalarType.Float)
                    .unsqueeze(-1); // [B,T] -> [B,T,1]
        }
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** A session over {@code onnxFile} with {@code threads} intra-op threads (and one inter-op thread). */
    OrtReference(Path onnxFile, int threads) throws OrtException {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            session = env.createSession(onnxFile.toString(), options);
        }
    }

    /** last_hidden_state [B,T,C] for {@code batch}. */
    float[][][] lastHiddenState(Batch batch) throws OrtException {
        try (var ids = ai.onnxruntime.OnnxTensor.createTensor(env, batch.inputIds());
             var mask = ai.onnxruntime.OnnxTensor.createTensor(env, batch.attentionMask());
             var types = ai.onnxruntime.OnnxTensor.createTensor(env, batch.tokenTypeIds());
             OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        }
    }

    static Tensor toTensor(float[][][] x) {
        int b = x.length;
        int t = x[0].length;
        int c = x[0][0].length;
        float[] flat = new float[b * t * c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(x[i][j], 0, flat, (i * t + j) * c, c);
            }
        }
        return Tensors.fromFloats(flat, b, t, c);
    }

    /** Pads {@code sentences} to the longest, with [CLS]/[SEP] and truncation at 512, as HF's tokenizer(padding=True). */
    static Batch tokenize(Path tokenizerJson, List<String> sentences) {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                .optPadding(true).optTruncation(true).optMaxLength(512).build()) {
            Encoding[] enc = tok.batchEncode(sentences);
            long[][] ids = new long[enc.length][];
            long[][] mask = new long[enc.length][];
            long[][] types = new long[enc.length][];
            for (int i = 0; i < enc.length; i++) {
                ids[i] = enc[i].getIds();
                mask[i] = enc[i].getAttentionMask();
                types[i] = enc[i].getTypeIds();
            }
            return new Batch(ids, mask, types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a classpath resource (an entry of a langchain4j jar on the test classpath) into {@code dir}. */
    static Path extractResource(String name, Path dir) {
        try (InputStream in = OrtReference.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath (the langchain4j-embeddings test "
                        + "dependency of t4j-models provides it)");
            }
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
