package io.t4j.engine.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.DType;
import io.t4j.engine.Engine;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A memory-mapped safetensors file (https://github.com/huggingface/safetensors: 8-byte little-endian header
 * length N, N bytes of JSON header, then the raw little-endian data region).
 *
 * <p>The file is mapped read-only through FFM, so there is no 2 GB limit and {@link #tensor} makes no copy: the
 * tensor's storage <em>is</em> the mapping. Such a tensor must never be modified in place (that kills the JVM);
 * trainable parameters are copied out first (see {@code StateDict}). Closing this object unmaps the file, after
 * which tensors over it dangle, so the owner of the tensors owns this object.
 *
 * <p>The header is validated strictly, as the reference implementation does: the header fits in the file, the
 * JSON has no duplicate names, every dtype is known, every byte length equals dtype size times the shape's
 * product, and the data offsets tile the data region exactly, in order, without gaps or overlaps.
 */
public final class SafeTensors implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors,
                        Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps and validates {@code file}. */
    public static SafeTensors open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file + ": truncated safetensors file (" + size
                        + " bytes; the 8-byte header length is missing)");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > size - 8) {
                throw new CheckpointException(file + ": header length " + headerLen + " does not fit in the file ("
                        + size + " bytes): the file is truncated or not safetensors");
            }
            if (headerLen > MAX_HEADER) {
                throw new CheckpointException(file + ": header length " + headerLen + " exceeds the 100 MB limit");
            }
            byte[] headerBytes = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment dataRegion = all.asSlice(8 + headerLen);
            Header header = parseHeader(file, headerBytes, dataRegion.byteSize());
            return new SafeTensors(file, arena, dataRegion, header.tensors, header.metadata);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new CheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            arena.close();
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    private static Header parseHeader(Path file, byte[] bytes, long dataLength) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": invalid safetensors header JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + ": safetensors header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue()));
        }
        checkTiling(file, tensors.values(), dataLength);
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode node) {
        String where = file + ": tensor '" + name + "'";
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || offsets == null || !shapeNode.isArray()
                || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(where + ": entry needs dtype, shape and data_offsets [begin, end]");
        }
        DType dtype = DType.fromSafetensors(dtypeNode.asText());
        if (dtype == null) {
            throw new CheckpointException(where + ": unsupported dtype '" + dtypeNode.asText() + "'");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (!shapeNode.get(i).canConvertToLong() || shape[i] < 0) {
                throw new CheckpointException(where + ": invalid dimension " + shapeNode.get(i) + " in shape");
            }
            numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + ": invalid data_offsets [" + offsets.get(0) + ", " + offsets.get(1) + "]");
        }
        long expected = numel * dtype.byteSize();
        if (end - begin != expected) {
            throw new CheckpointException(where + ": byte length " + (end - begin) + " does not match dtype "
                    + dtype.safetensorsName() + " x shape " + java.util.Arrays.toString(shape) + " = " + expected + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkTiling(Path file, java.util.Collection<TensorInfo> infos, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataLength) {
                throw new CheckpointException(file + ": tensor '" + t.name() + "' data_offsets [" + t.begin() + ", "
                        + t.end() + "] run past the end of the data region (" + dataLength
                        + " bytes): the file is truncated or the offsets are out of range");
            }
            if (t.begin() < expectedBegin) {
                throw new CheckpointException(file + ": tensor '" + t.name() + "' data_offsets [" + t.begin() + ", "
                        + t.end() + "] overlap tensor '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (t.begin() > expectedBegin) {
                throw new CheckpointException(file + ": gap in the data region before tensor '" + t.name()
                        + "' (begins at " + t.begin() + ", expected " + expectedBegin + ")");
            }
            expectedBegin = t.end();
            previous = t;
        }
        if (expectedBegin != dataLength) {
            throw new CheckpointException(file + ": data region has " + dataLength + " bytes but the tensors cover "
                    + expectedBegin + " (trailing bytes)");
        }
    }

    public Path path() {
        return path;
    }

    /** Header entries in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} map (e.g. {@code format: pt}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(path + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /**
     * A zero-copy tensor over the mapped bytes of {@code name}. Read-only: never modify it in place, and do not
     * use it after {@link #close()}. Copy it ({@code clone()}) to own it.
     */
    public Tensor tensor(String name) {
        Engine.init();
        TensorInfo info = info(name);
        if (info.byteLength() == 0) {
            return torch.empty(info.shape(), new TensorOptions(info.dtype().scalarType()), null);
        }
        MemorySegment slice = data.asSlice(info.begin(), info.byteLength());
        return torch.from_blob(new RawPointer(slice.address(), info.byteLength()), info.shape(),
                new TensorOptions(info.dtype().scalarType()));
    }

    /** The raw bytes of {@code name} as a read-only segment of the mapping. */
    public MemorySegment bytes(String name) {
        TensorInfo info = info(name);
        return data.asSlice(info.begin(), info.byteLength()).asReadOnly();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A JavaCPP pointer at a raw address, so libtorch can wrap memory we own elsewhere. */
    static final class RawPointer extends Pointer {
        RawPointer(long address, long bytes) {
            this.address = address;
            this.capacity = bytes;
            this.limit = bytes;
        }
    }
}
