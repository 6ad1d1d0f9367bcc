package io.t4j.engine.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.DType;
import io.t4j.engine.Tensors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes the safetensors format exactly as the reference writer lays it out, so Python's {@code safetensors}
 * loads the result: 8-byte little-endian header length, a JSON header that starts with
 * {@code "__metadata__": {"format": "pt"}} and is padded with spaces to a multiple of 8, then the tensors' raw
 * little-endian bytes, ordered by dtype size (largest first) and then by name.
 *
 * <p>The file is written to a temporary sibling and moved into place, so a crash never leaves a partial file under
 * the final name.
 */
public final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensorsWriter() {}

    /** Writes {@code tensors} (name → tensor, any dtype in {@link DType}) with {@code format: pt} metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of("format", "pt"));
    }

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -(int) e.getValue().element_size())
                .thenComparing(Map.Entry::getKey));

        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        List<Tensor> contiguous = new ArrayList<>(ordered.size());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            Tensor t = e.getValue().detach().contiguous();
            contiguous.add(t);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", DType.of(Tensors.scalarType(t)).safetensorsName());
            var shape = entry.putArray("shape");
            for (long d : Tensors.shape(t)) {
                shape.add(d);
            }
            long bytes = t.nbytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                writeFully(ch, head);
                for (Tensor t : contiguous) {
                    if (t.nbytes() > 0) {
                        writeSegment(ch, Tensors.bytes(t));
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new CheckpointException(file + ": cannot write safetensors file: " + e.getMessage(), e);
        }
    }

    private static void writeSegment(FileChannel ch, MemorySegment segment) throws IOException {
        long chunk = 1L << 30;
        for (long pos = 0; pos < segment.byteSize(); pos += chunk) {
            writeFully(ch, segment.asSlice(pos, Math.min(chunk, segment.byteSize() - pos)).asByteBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
