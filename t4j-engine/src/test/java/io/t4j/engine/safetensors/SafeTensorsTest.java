package io.t4j.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir Path dir;

    @Test
    void writesTheReferenceLayoutAndReadsItBackWithoutCopying() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", Tensors.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a.half", Tensors.fromFloats(new float[] {0.5f, -1.5f}, 2).to(ScalarType.BFloat16));
        tensors.put("ids", Tensors.fromLongs(new long[] {7, 8, 9}, 3));
        tensors.put("mask", Tensors.fromLongs(new long[] {1, 0}, 2).to(ScalarType.Bool));
        tensors.put("f16", Tensors.fromFloats(new float[] {0.25f}, 1).to(ScalarType.Half));
        tensors.put("i32", Tensors.fromLongs(new long[] {-3}, 1).to(ScalarType.Int));
        tensors.put("u8", Tensors.fromLongs(new long[] {255}, 1).to(ScalarType.Byte));
        Path file = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(file, tensors);

        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"}");
        // larger dtypes first, then by name: ids (I64), b.weight (F32), i32 (I32), a.half (BF16), f16, mask, u8
        assertThat(header.indexOf("\"ids\"")).isLessThan(header.indexOf("\"b.weight\""));
        assertThat(header.indexOf("\"b.weight\"")).isLessThan(header.indexOf("\"i32\""));
        assertThat(header.indexOf("\"i32\"")).isLessThan(header.indexOf("\"a.half\""));

        try (SafeTensors st = SafeTensors.open(file)) {
            assertThat(st.metadata()).containsEntry("format", "pt");
            Tensor w = st.tensor("b.weight");
            assertThat(Tensors.shape(w)).containsExactly(2, 3);
            assertThat(Tensors.toFloats(w)).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(Tensors.toFloats(st.tensor("a.half"))).containsExactly(0.5f, -1.5f);
            assertThat(Tensors.toLongs(st.tensor("ids"))).containsExactly(7, 8, 9);
            assertThat(Tensors.toLongs(st.tensor("mask"))).containsExactly(1, 0);
            assertThat(Tensors.toFloats(st.tensor("f16"))).containsExactly(0.25f);
            assertThat(Tensors.toLongs(st.tensor("i32"))).containsExactly(-3);
            assertThat(Tensors.toLongs(st.tensor("u8"))).containsExactly(255);
            // zero copy: the tensor's storage is the mapped file
            assertThat(w.data_ptr().address()).isEqualTo(st.bytes("b.weight").address());
        }
    }

    @Test
    void readsPastTwoGigabytesWithoutCopying() throws IOException {
        // a sparse 2.2 GB file: one F32 tensor whose last element sits beyond 2^31 bytes
        long n = (1L << 31) / 4 + 50_000_000L;
        Path file = writeRaw("{\"big\":{\"dtype\":\"U8\",\"shape\":[" + (n * 4) + "],\"data_offsets\":[0," + (n * 4) + "]}}", 0);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), Files.size(file) - 1 + n * 4);
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            Tensor big = st.tensor("big");
            assertThat(big.numel()).isEqualTo(n * 4);
            assertThat(big.select(0, n * 4 - 1).item_long()).isEqualTo(42);
        }
    }

    @Test
    void truncatedFileIsRejectedNamingTheTensor() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", torch.ones(4, 4)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> SafeTensors.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("t.safetensors")
                .hasMessageContaining("'w'")
                .hasMessageContaining("truncated");
    }

    @Test
    void tinyFileIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafeTensors.open(file)).hasMessageContaining("tiny.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void headerLengthLargerThanTheFileIsRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).putLong(0);
        Path file = Files.write(dir.resolve("h.safetensors"), b.array());
        assertThatThrownBy(() -> SafeTensors.open(file))
                .hasMessageContaining("h.safetensors").hasMessageContaining("header length 1000000");
    }

    @Test
    void overlappingOffsetsAreRejected() throws IOException {
        Path file = writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThatThrownBy(() -> SafeTensors.open(file)).hasMessageContaining("'b'").hasMessageContaining("overlap");
    }

    @Test
    void outOfRangeOffsetsAreRejected() throws IOException {
        Path file = writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafeTensors.open(file)).hasMessageContaining("'a'").hasMessageContaining("past the end");
    }

    @Test
    void byteLengthThatDoesNotMatchDtypeAndShapeIsRejected() throws IOException {
        Path file = writeRaw("{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,12]}}", 12);
        assertThatThrownBy(() -> SafeTensors.open(file))
                .hasMessageContaining("'a'").hasMessageContaining("byte length 12").hasMessageContaining("BF16");
    }

    @Test
    void duplicateNamesAreRejected() throws IOException {
        Path file = writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertThatThrownBy(() -> SafeTensors.open(file)).hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void unknownDtypeIsRejected() throws IOException {
        Path file = writeRaw("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertThatThrownBy(() -> SafeTensors.open(file)).hasMessageContaining("'a'").hasMessageContaining("F8_E4M3");
    }

    @Test
    void shardedCheckpointsLoadThroughTheIndex() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            tensors.put("layer." + i + ".weight", torch.full(new long[] {10, 10}, new org.bytedeco.pytorch.Scalar((double) i)));
        }
        Checkpoint.write(dir, tensors, 900); // 400 bytes each: two per shard
        assertThat(dir.resolve("model-00001-of-00003.safetensors")).exists();
        assertThat(dir.resolve(Checkpoint.INDEX_NAME)).exists();
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThat(ckpt.keys()).hasSize(5);
            assertThat(ckpt.tensor("layer.4.weight").sum().item_float()).isEqualTo(400f);
            assertThat(ckpt.fileOf("layer.4.weight").getFileName().toString()).isEqualTo("model-00003-of-00003.safetensors");
        }
    }

    @Test
    void missingWeightsNameTheFolder() {
        assertThatThrownBy(() -> Checkpoint.open(dir)).hasMessageContaining(dir.toString()).hasMessageContaining("model.safetensors");
    }

    private Path writeRaw(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return Files.write(dir.resolve("raw.safetensors"), b.array());
    }
}
