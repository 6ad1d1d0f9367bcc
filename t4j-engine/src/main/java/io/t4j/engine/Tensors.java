package io.t4j.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Moving data between Java arrays and libtorch tensors, and reading shapes. All results are owned copies. */
public final class Tensors {
    private Tensors() {}

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    /**
     * The tensor's dtype as the canonical enum constant. JavaCPP returns a fresh enum object from native calls,
     * so compare dtypes only through this method (or {@code .intern()}), never {@code t.scalar_type() == X}.
     */
    public static ScalarType scalarType(Tensor t) {
        return t.scalar_type().intern();
    }

    public static String shapeString(Tensor t) {
        return Arrays.toString(shape(t));
    }

    public static long numel(long... shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static TensorOptions options(ScalarType type) {
        return new TensorOptions(type);
    }

    /** A float32 tensor of {@code shape} holding a copy of {@code data} (row-major). */
    public static Tensor fromFloats(float[] data, long... shape) {
        checkLength(data.length, shape);
        try (FloatPointer p = new FloatPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Float)).clone();
        }
    }

    /** An int64 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor fromLongs(long[] data, long... shape) {
        checkLength(data.length, shape);
        try (LongPointer p = new LongPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Long)).clone();
        }
    }

    /** An int64 tensor of {@code shape} from int data (token ids are stored as int on the Java side). */
    public static Tensor fromIntsAsLong(int[] data, long... shape) {
        checkLength(data.length, shape);
        try (IntPointer p = new IntPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Int)).to(ScalarType.Long);
        }
    }

    /** A [rows, cols] int64 tensor from a rectangular matrix. */
    public static Tensor fromLongMatrix(long[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " columns, expected " + cols);
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return fromLongs(flat, rows.length, cols);
    }

    /** The values of {@code t} as float32, row-major (converts dtype and layout as needed). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out);
        return out;
    }

    /** The values of {@code t} as int64, row-major. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        c.data_ptr_long().get(out);
        return out;
    }

    /** The values of {@code t} as int32, row-major. */
    public static int[] toInts(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Int).contiguous();
        int[] out = new int[Math.toIntExact(c.numel())];
        c.data_ptr_int().get(out);
        return out;
    }

    /** A view of a CPU tensor's bytes; valid only while the tensor lives. */
    public static MemorySegment bytes(Tensor contiguous) {
        if (!contiguous.is_contiguous()) {
            throw new IllegalArgumentException("tensor must be contiguous");
        }
        Pointer p = contiguous.data_ptr();
        return MemorySegment.ofAddress(p.address()).reinterpret(contiguous.nbytes());
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    public static Scalar scalar(long v) {
        return new Scalar(v);
    }

    /** The largest absolute elementwise difference, as float64. */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        return a.detach().to(ScalarType.Double).sub(b.detach().to(ScalarType.Double)).abs().max().item_double();
    }

    private static void checkLength(int length, long[] shape) {
        if (length != numel(shape)) {
            throw new IllegalArgumentException("data has " + length + " values but shape " + Arrays.toString(shape)
                    + " needs " + numel(shape));
        }
    }

    static float readFloat(MemorySegment s, long index) {
        return s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index);
    }
}
