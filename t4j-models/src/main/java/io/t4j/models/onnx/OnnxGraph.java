package io.t4j.models.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX {@code GraphProto}: nodes in topological order, initializers (the weights) by name, and the graph's
 * input and output names, with the lookups an importer needs: which node produces a value, which nodes consume it,
 * and the constant behind a value (an initializer or a {@code Constant} node).
 */
public final class OnnxGraph {
    private final String name;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    public OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers, List<String> inputs,
                     List<String> outputs) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        for (OnnxNode n : this.nodes) {
            n.outputs().forEach(o -> producers.put(o, n));
            n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
    }

    public String name() {
        return name;
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Initializers by name, in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** Names of the graph inputs (e.g. {@code input_ids}, {@code attention_mask}, {@code token_type_ids}). */
    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The node whose output is {@code value}; empty for graph inputs and initializers. */
    public Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** The nodes that read {@code value}. */
    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The constant tensor behind {@code value}: an initializer, or the value of the {@code Constant} node producing it. */
    public Optional<OnnxTensor> constant(String value) {
        OnnxTensor init = initializers.get(value);
        if (init != null) {
            return Optional.of(init);
        }
        OnnxNode n = producers.get(value);
        if (n == null || !n.opType().equals("Constant")) {
            return Optional.empty();
        }
        return n.attributes().stream().map(a -> constantValue(value, a)).filter(t -> t != null).findFirst();
    }

    private static OnnxTensor constantValue(String value, OnnxAttribute a) {
        return switch (a.name()) {
            case "value" -> a.t();
            case "value_float" -> floats(value, new float[] {a.f()}, new long[0]);
            case "value_floats" -> floats(value, a.floats(), new long[] {a.floats().length});
            case "value_int" -> longs(value, new long[] {a.i()}, new long[0]);
            case "value_ints" -> longs(value, a.ints(), new long[] {a.ints().length});
            default -> null;
        };
    }

    private static OnnxTensor floats(String name, float[] v, long[] dims) {
        MemorySegment s = MemorySegment.ofArray(new byte[v.length * 4]);
        for (int i = 0; i < v.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v[i]);
        }
        return new OnnxTensor(name, OnnxDataType.FLOAT, dims, s);
    }

    private static OnnxTensor longs(String name, long[] v, long[] dims) {
        MemorySegment s = MemorySegment.ofArray(new byte[v.length * 8]);
        for (int i = 0; i < v.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v[i]);
        }
        return new OnnxTensor(name, OnnxDataType.INT64, dims, s);
    }
}
