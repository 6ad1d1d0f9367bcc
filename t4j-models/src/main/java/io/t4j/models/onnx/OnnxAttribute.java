package io.t4j.models.onnx;

/**
 * An ONNX {@code AttributeProto}. Exactly one value field is set, as {@code type} says; the others are null.
 * Sub-graph attributes ({@code g}, {@code graphs}, used by If/Loop/Scan) are recorded by type only, since the
 * encoders t4j imports have no control flow.
 *
 * @param name   attribute name, e.g. {@code axis}, {@code perm}, {@code epsilon}, {@code value}
 * @param type   {@code AttributeProto.AttributeType} number (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS,
 *               7 INTS, ...)
 * @param f      FLOAT value
 * @param i      INT value
 * @param s      STRING value
 * @param t      TENSOR value
 * @param floats FLOATS value
 * @param ints   INTS value
 */
public record OnnxAttribute(String name, int type, Float f, Long i, String s, OnnxTensor t, float[] floats, long[] ints) {
    public static final int FLOAT = 1;
    public static final int INT = 2;
    public static final int STRING = 3;
    public static final int TENSOR = 4;
    public static final int FLOATS = 6;
    public static final int INTS = 7;
}
