package io.t4j.models.onnx;

import io.t4j.engine.CheckpointException;
import io.t4j.models.onnx.ProtoReader.ProtoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model file ({@code ModelProto}, onnx/onnx.proto), read by a small hand-written protobuf reader with no
 * dependency. The file is memory-mapped through FFM and initializer data stays in the mapping (zero copy), so a
 * 130 MB model costs no heap beyond the graph's bookkeeping. Close the model to unmap it; tensors read from it are
 * invalid afterwards.
 *
 * <p>Read: {@code ir_version}, {@code producer_name/version}, {@code opset_import}, and the graph's nodes (op type,
 * name, inputs, outputs, attributes), initializers ({@code raw_data} or the typed {@code *_data} fields), inputs and
 * outputs. Not supported, and reported as errors naming the tensor: external data, segmented tensors, string
 * tensors and sparse initializers.
 */
public final class OnnxModel implements AutoCloseable {
    private final Path file;
    private final Arena arena;
    private final long irVersion;
    private final String producerName;
    private final String producerVersion;
    private final Map<String, Long> opsetImports;
    private final OnnxGraph graph;

    private OnnxModel(Path file, Arena arena, long irVersion, String producerName, String producerVersion,
                      Map<String, Long> opsetImports, OnnxGraph graph) {
        this.file = file;
        this.arena = arena;
        this.irVersion = irVersion;
        this.producerName = producerName;
        this.producerVersion = producerVersion;
        this.opsetImports = opsetImports;
        this.graph = graph;
    }

    /** Maps and parses {@code file}; a file that is not an ONNX model, or is truncated, fails with its name. */
    public static OnnxModel open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new CheckpointException(file + ": empty file, not an ONNX model");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new Parser(file, all).model(arena);
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

    public Path file() {
        return file;
    }

    public long irVersion() {
        return irVersion;
    }

    /** {@code producer_name}, e.g. "pytorch". */
    public String producerName() {
        return producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    /** Operator set versions by domain ({@code ""} is the default ai.onnx domain). */
    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    public OnnxGraph graph() {
        return graph;
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        arena.close();
    }

    /** The protobuf walk, with the file for error messages. Field numbers are those of onnx/onnx.proto. */
    private record Parser(Path file, MemorySegment all) {
        OnnxModel model(Arena arena) {
            try {
                return parseModel(arena);
            } catch (ProtoException e) {
                if (e.truncated) {
                    throw new CheckpointException(file + ": truncated ONNX file (" + all.byteSize() + " bytes): "
                            + e.getMessage());
                }
                throw new CheckpointException(file + ": not an ONNX model (invalid protobuf: " + e.getMessage() + ")"
                        + sniff());
            }
        }

        private OnnxModel parseModel(Arena arena) {
            ProtoReader r = new ProtoReader(all, 0, all.byteSize(), "ModelProto");
            long irVersion = 0;
            String producer = "";
            String producerVersion = "";
            Map<String, Long> opsets = new LinkedHashMap<>();
            OnnxGraph graph = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> irVersion = r.varint();
                    case 2 -> producer = r.string();
                    case 3 -> producerVersion = r.string();
                    case 7 -> graph = parseGraph(r.message("graph"));
                    case 8 -> parseOpset(r.message("opset_import"), opsets);
                    default -> r.skip();
                }
            }
            if (irVersion <= 0 || graph == null || opsets.isEmpty()) {
                String missing = irVersion <= 0 ? "ir_version" : graph == null ? "graph" : "opset_import";
                throw new CheckpointException(file + ": truncated or not an ONNX model (ModelProto has no " + missing
                        + ")" + sniff());
            }
            return new OnnxModel(file, arena, irVersion, producer, producerVersion, opsets, graph);
        }

        private static void parseOpset(ProtoReader r, Map<String, Long> opsets) {
            String domain = "";
            long version = 0;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> domain = r.string();
                    case 2 -> version = r.varint();
                    default -> r.skip();
                }
            }
            opsets.put(domain, version);
        }

        private OnnxGraph parseGraph(ProtoReader r) {
            String name = "";
            List<OnnxNode> nodes = new ArrayList<>();
            Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
            List<String> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> nodes.add(parseNode(r.message("node[" + nodes.size() + "]")));
                    case 2 -> name = r.string();
                    case 5 -> addInitializer(parseTensor(r.message("initializer[" + initializers.size() + "]")), initializers);
                    case 11 -> inputs.add(valueInfoName(r.message("input")));
                    case 12 -> outputs.add(valueInfoName(r.message("output")));
                    case 15 -> throw new CheckpointException(file + ": graph has a sparse initializer ("
                            + sparseName(r.message("sparse_initializer")) + "), which t4j does not import");
                    default -> r.skip();
                }
            }
            return new OnnxGraph(name, nodes, initializers, inputs, outputs);
        }

        private void addInitializer(OnnxTensor t, Map<String, OnnxTensor> initializers) {
            if (initializers.putIfAbsent(t.name(), t) != null) {
                throw new CheckpointException(file + ": duplicate initializer '" + t.name() + "'");
            }
        }

        private String sparseName(ProtoReader r) {
            while (r.next()) {
                if (r.field() == 1) {
                    return "'" + parseTensor(r.message("values")).name() + "'";
                }
                r.skip();
            }
            return "unnamed";
        }

        private static String valueInfoName(ProtoReader r) {
            String name = "";
            while (r.next()) {
                if (r.field() == 1) {
                    name = r.string();
                } else {
                    r.skip();
                }
            }
            return name;
        }

        private OnnxNode parseNode(ProtoReader r) {
            List<String> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            List<OnnxAttribute> attributes = new ArrayList<>();
            String name = "";
            String opType = "";
            String domain = "";
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> inputs.add(r.string());
                    case 2 -> outputs.add(r.string());
                    case 3 -> name = r.string();
                    case 4 -> opType = r.string();
                    case 5 -> attributes.add(parseAttribute(r.message("attribute")));
                    case 7 -> domain = r.string();
                    default -> r.skip();
                }
            }
            return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
        }

        private OnnxAttribute parseAttribute(ProtoReader r) {
            String name = "";
            int type = 0;
            Float f = null;
            Long i = null;
            String s = null;
            OnnxTensor t = null;
            List<Float> floats = new ArrayList<>();
            List<Long> ints = new ArrayList<>();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> name = r.string();
                    case 20 -> type = (int) r.varint();
                    case 2 -> f = r.fixed32Float();
                    case 3 -> i = r.varint();
                    case 4 -> s = r.string();
                    case 5 -> t = parseTensor(r.message("t"));
                    case 7 -> readFloats(r.fixedRun(4), floats);
                    case 8 -> r.varints(ints::add);
                    default -> r.skip();
                }
            }
            float[] fs = new float[floats.size()];
            for (int k = 0; k < fs.length; k++) {
                fs[k] = floats.get(k);
            }
            return new OnnxAttribute(name, type, f, i, s, t, fs, ints.stream().mapToLong(Long::longValue).toArray());
        }

        private static void readFloats(MemorySegment run, List<Float> out) {
            for (long k = 0; k < run.byteSize() / 4; k++) {
                out.add(ProtoReader.floatAt(run, k));
            }
        }

        /** The fields of one TensorProto, gathered before its data is assembled. */
        private static final class TensorFields {
            String name = "";
            int dataType;
            final List<Long> dims = new ArrayList<>();
            MemorySegment raw;
            final List<MemorySegment> fixed = new ArrayList<>();
            final List<Long> varints = new ArrayList<>();
            String unsupported;
        }

        private OnnxTensor parseTensor(ProtoReader r) {
            TensorFields t = new TensorFields();
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> r.varints(t.dims::add);
                    case 2 -> t.dataType = (int) r.varint();
                    case 3 -> { t.unsupported = "is segmented (TensorProto.segment)"; r.skip(); }
                    case 4 -> t.fixed.add(r.fixedRun(4));
                    case 5, 7, 11 -> r.varints(t.varints::add);
                    case 6 -> { t.unsupported = "is a string tensor"; r.skip(); }
                    case 8 -> t.name = r.string();
                    case 9 -> t.raw = r.bytes();
                    case 10 -> t.fixed.add(r.fixedRun(8));
                    case 13 -> { t.unsupported = "stores its data outside the file (external_data)"; r.skip(); }
                    case 14 -> { if (r.varint() == 1) t.unsupported = "stores its data outside the file (data_location EXTERNAL)"; }
                    default -> r.skip();
                }
            }
            return assemble(t, r.path());
        }

        private OnnxTensor assemble(TensorFields t, String where) {
            String what = file + ": tensor '" + t.name + "' (" + where + ")";
            if (t.unsupported != null) {
                throw new CheckpointException(what + " " + t.unsupported + ", which t4j does not read");
            }
            OnnxDataType type = OnnxDataType.of(t.dataType);
            if (type == null || type == OnnxDataType.UNDEFINED || type == OnnxDataType.STRING) {
                throw new CheckpointException(what + " has unsupported data_type " + t.dataType);
            }
            long[] dims = t.dims.stream().mapToLong(Long::longValue).toArray();
            MemorySegment data = t.raw != null ? t.raw
                    : !t.fixed.isEmpty() ? concat(t.fixed)
                    : encodeVarints(t.varints, type);
            long numel = 1;
            for (long d : dims) {
                if (d < 0) {
                    throw new CheckpointException(what + " has a negative dimension in " + Arrays.toString(dims));
                }
                numel = Math.multiplyExact(numel, d);
            }
            if (data.byteSize() != numel * type.byteSize()) {
                throw new CheckpointException(what + " has " + data.byteSize() + " bytes of data but " + type + " "
                        + Arrays.toString(dims) + " needs " + numel * type.byteSize());
            }
            return new OnnxTensor(t.name, type, dims, data);
        }

        private static MemorySegment concat(List<MemorySegment> pieces) {
            if (pieces.size() == 1) {
                return pieces.get(0);
            }
            long total = pieces.stream().mapToLong(MemorySegment::byteSize).sum();
            MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(total)]);
            long at = 0;
            for (MemorySegment p : pieces) {
                MemorySegment.copy(p, 0, out, at, p.byteSize());
                at += p.byteSize();
            }
            return out;
        }

        /** int32_data / int64_data / uint64_data values, written at the type's width (float16 as its bits). */
        private static MemorySegment encodeVarints(List<Long> values, OnnxDataType type) {
            int width = type.byteSize();
            MemorySegment out = MemorySegment.ofArray(new byte[values.size() * width]);
            for (int k = 0; k < values.size(); k++) {
                long v = values.get(k);
                switch (width) {
                    case 1 -> out.set(ValueLayout.JAVA_BYTE, k, (byte) v);
                    case 2 -> out.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * k, (short) v);
                    case 4 -> out.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * k, (int) v);
                    default -> out.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8L * k, v);
                }
            }
            return out;
        }

        /** A hint for the most common wrong inputs: a safetensors file or a text file. */
        private String sniff() {
            long size = all.byteSize();
            if (size > 9) {
                long header = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                if (header > 0 && header <= size - 8 && all.get(ValueLayout.JAVA_BYTE, 8) == '{') {
                    return "; it looks like a safetensors file (load its folder as a checkpoint instead of importing it)";
                }
            }
            long n = Math.min(size, 64);
            for (long k = 0; k < n; k++) {
                byte b = all.get(ValueLayout.JAVA_BYTE, k);
                if (b < 0x09 || (b > 0x0d && b < 0x20)) {
                    return "";
                }
            }
            return "; it looks like a text file";
        }
    }
}
