package io.t4j.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.SafeTensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protobuf reader on a synthetic ONNX file, and its errors on files that are not (complete) ONNX models. */
class OnnxModelTest {
    @TempDir
    Path tmp;

    @Test
    void readsModelGraphNodesAndInitializers() {
        var written = SyntheticBert.standard().build();
        Path file = tmp.resolve("tiny.onnx");
        write(file, written.bytes());
        try (OnnxModel model = OnnxModel.open(file)) {
            assertThat(model.irVersion()).isEqualTo(6);
            assertThat(model.producerName()).isEqualTo("t4j-test");
            assertThat(model.opsetImports()).isEqualTo(Map.of("", 11L));
            OnnxGraph g = model.graph();
            assertThat(g.name()).isEqualTo("t4j_test_graph");
            assertThat(g.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
            assertThat(g.outputs()).containsExactly("last_hidden_state");

            OnnxTensor words = g.initializers().get("embeddings.word_embeddings.weight");
            assertThat(words.dataType()).isEqualTo(OnnxDataType.FLOAT);
            assertThat(words.dims()).containsExactly(16, 8);
            assertThat(words.data().isMapped()).as("raw_data is a slice of the mapping").isTrue();
            assertThat(words.number(17)).isEqualTo(written.values().get("embeddings.word_embeddings.weight")[17]);

            OnnxTensor ln = g.initializers().get("encoder.layer.1.output.LayerNorm.weight"); // float_data
            assertThat(ln.number(3)).isEqualTo(written.values().get("encoder.layer.1.output.LayerNorm.weight")[3]);
            assertThat(g.initializers().get("embeddings.position_ids").longs()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

            OnnxNode transpose = g.nodes().stream().filter(n -> n.opType().equals("Transpose")).findFirst().orElseThrow();
            assertThat(transpose.attribute("perm").orElseThrow().ints()).containsExactly(0, 2, 1, 3);
            OnnxNode reduce = g.nodes().stream().filter(n -> n.opType().equals("ReduceMean")).findFirst().orElseThrow();
            assertThat(reduce.attribute("axes").orElseThrow().ints()).containsExactly(-1);
            OnnxNode sub = g.nodes().stream().filter(n -> n.opType().equals("Sub")).findFirst().orElseThrow();
            assertThat(g.constant(sub.input(0)).orElseThrow().scalar()).isEqualTo(1.0);
            assertThat(g.producer(sub.output())).contains(sub);
            assertThat(g.consumers("input_ids")).extracting(OnnxNode::opType).contains("Shape", "Gather");
        }
    }

    @Test
    void textFileIsNotAnOnnxModel() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.onnx"), "this is a text file, not a model\n");
        assertThatThrownBy(() -> OnnxModel.open(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not an ONNX model")
                .hasMessageContaining("looks like a text file");
    }

    @Test
    void safetensorsFileIsNotAnOnnxModel() {
        Engine.init();
        Path file = tmp.resolve("model.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", Tensors.fromFloats(new float[] {1, 2, 3, 4}, 2, 2)));
        assertThatThrownBy(() -> OnnxModel.open(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not an ONNX model")
                .hasMessageContaining("looks like a safetensors file");
    }

    @Test
    void truncatedFileSaysTruncated() {
        byte[] bytes = SyntheticBert.standard().build().bytes();
        for (int cut : new int[] {bytes.length / 2, bytes.length - 1, 20}) {
            Path file = tmp.resolve("cut-" + cut + ".onnx");
            write(file, Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> OnnxModel.open(file)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("truncated ONNX file");
        }
    }

    @Test
    void emptyAndMissingFiles() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxModel.open(empty)).hasMessageContaining(empty + ": empty file, not an ONNX model");
        Path missing = tmp.resolve("missing.onnx");
        assertThatThrownBy(() -> OnnxModel.open(missing)).hasMessageContaining(missing + ": no such file");
    }

    @Test
    void externalDataIsAnErrorNamingTheTensor() {
        OnnxBuilder b = new OnnxBuilder().initializer(OnnxBuilder.tensor("big.weight", OnnxBuilder.FLOAT, 2, 2)
                .message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin")).varint(14, 1));
        Path file = tmp.resolve("external.onnx");
        write(file, b.build());
        assertThatThrownBy(() -> OnnxModel.open(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'big.weight'").hasMessageContaining("outside the file");
    }

    @Test
    void dataOfTheWrongSizeIsAnErrorNamingTheTensor() {
        OnnxBuilder b = new OnnxBuilder().rawFloats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4});
        Path file = tmp.resolve("short.onnx");
        write(file, b.build());
        assertThatThrownBy(() -> OnnxModel.open(file)).hasMessageContaining("tensor 'w'")
                .hasMessageContaining("16 bytes of data but FLOAT [2, 3] needs 24");
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
