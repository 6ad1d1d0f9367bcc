package io.t4j.models.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto}: an initializer or a {@code Constant} node's value.
 *
 * @param name     the tensor's name (empty for an anonymous attribute value)
 * @param dataType the element type
 * @param dims     the shape ({@code []} for a scalar)
 * @param data     the elements, row-major and little-endian, {@code numel * byteSize} bytes. For {@code raw_data}
 *                 (how exporters store weights) this is a zero-copy slice of the mapped file, valid while the
 *                 {@link OnnxModel} is open.
 */
public record OnnxTensor(String name, OnnxDataType dataType, long[] dims, MemorySegment data) {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public OnnxTensor {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The i-th element as a double (integer and floating-point types). */
    public double number(long i) {
        return switch (dataType) {
            case FLOAT -> data.getAtIndex(FLOAT_LE, i);
            case DOUBLE -> data.getAtIndex(DOUBLE_LE, i);
            case INT64, UINT64 -> data.getAtIndex(LONG_LE, i);
            case INT32, UINT32 -> data.getAtIndex(INT_LE, i);
            case INT8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i);
            case UINT8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
            default -> throw new IllegalStateException("tensor '" + name + "' of type " + dataType + " is not read as numbers");
        };
    }

    /** All elements as longs (integer types). */
    public long[] longs() {
        if (!dataType.isInteger()) {
            throw new IllegalStateException("tensor '" + name + "' is " + dataType + ", not an integer tensor");
        }
        long[] out = new long[Math.toIntExact(numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) number(i);
        }
        return out;
    }

    /** The single element of a scalar or one-element tensor. */
    public double scalar() {
        if (numel() != 1) {
            throw new IllegalStateException("tensor '" + name + "' has shape " + Arrays.toString(dims) + ", not a scalar");
        }
        return number(0);
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " " + dataType + " " + Arrays.toString(dims) + "]";
    }
}
