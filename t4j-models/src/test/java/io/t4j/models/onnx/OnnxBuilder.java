package io.t4j.models.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds ONNX ModelProto bytes for tests: initializers (raw_data, float_data or int64_data), nodes with attributes,
 * and typed graph inputs and outputs, so that ONNX Runtime can run the result.
 */
final class OnnxBuilder {
    static final int FLOAT = 1;
    static final int INT64 = 7;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    static ProtoWriter tensor(String name, int dataType, long... dims) {
        return new ProtoWriter().packed(1, dims).varint(2, dataType).string(8, name);
    }

    static byte[] le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** A float initializer stored in raw_data, as exporters store weights. */
    OnnxBuilder rawFloats(String name, long[] dims, float[] data) {
        return initializer(tensor(name, FLOAT, dims).bytes(9, le(data)));
    }

    /** A float initializer stored in the typed float_data field. */
    OnnxBuilder floatData(String name, long[] dims, float[] data) {
        return initializer(tensor(name, FLOAT, dims).packedFloats(4, data));
    }

    /** An int64 initializer stored in the typed int64_data field. */
    OnnxBuilder int64Data(String name, long[] dims, long[] data) {
        return initializer(tensor(name, INT64, dims).packed(7, data));
    }

    OnnxBuilder initializer(ProtoWriter tensor) {
        initializers.add(tensor);
        return this;
    }

    /** Adds a node and returns its (generated) output name. */
    String node(String op, List<String> in, ProtoWriter... attributes) {
        String out = "/" + op + "_" + counter++ + "_output_0";
        node(op, in, out, attributes);
        return out;
    }

    void node(String op, List<String> in, String out, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        in.forEach(i -> n.string(1, i));
        n.string(2, out).string(3, "/" + op + "_" + counter++).string(4, op);
        for (ProtoWriter a : attributes) {
            n.message(5, a);
        }
        nodes.add(n);
    }

    String constantFloat(float v) {
        return node("Constant", List.of(), tensorAttr("value", tensor("", FLOAT).bytes(9, le(v))));
    }

    /** A 1-d int64 Constant node. */
    String constantLongs(long... v) {
        return node("Constant", List.of(), tensorAttr("value", tensor("", INT64, v.length).bytes(9, le(v))));
    }

    /** A 0-d int64 Constant node. */
    String constantScalar(long v) {
        return node("Constant", List.of(), tensorAttr("value", tensor("", INT64).bytes(9, le(v))));
    }

    static ProtoWriter intAttr(String name, long v) {
        return new ProtoWriter().string(1, name).varint(3, v).varint(20, 2);
    }

    static ProtoWriter intsAttr(String name, long... v) {
        return new ProtoWriter().string(1, name).packed(8, v).varint(20, 7);
    }

    static ProtoWriter tensorAttr(String name, ProtoWriter t) {
        return new ProtoWriter().string(1, name).message(5, t).varint(20, 4);
    }

    OnnxBuilder input(String name, int elemType) {
        inputs.add(valueInfo(name, elemType));
        return this;
    }

    OnnxBuilder output(String name, int elemType) {
        outputs.add(valueInfo(name, elemType));
        return this;
    }

    private static ProtoWriter valueInfo(String name, int elemType) {
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, elemType)));
    }

    /** ModelProto: ir_version 6, producer "t4j-test", opset 11 (as the torch 2.0 exports). */
    byte[] build() {
        ProtoWriter g = new ProtoWriter();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, "t4j_test_graph");
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(i -> g.message(11, i));
        outputs.forEach(o -> g.message(12, o));
        return new ProtoWriter().varint(1, 6).string(2, "t4j-test").string(3, "1").message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, 11)).toByteArray();
    }
}
