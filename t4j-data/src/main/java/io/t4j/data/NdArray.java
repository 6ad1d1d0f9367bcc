package io.t4j.data;

import io.t4j.engine.Tensors;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A row-major array with a shape, numpy's role in HF: int64 values ({@code longs}) or float32 values
 * ({@code floats}), exactly one of the two set. Labels of a collated batch ([B] classes, positions or regression
 * targets, [B,T] token labels with -100 where ignored, [B,L] multi-label targets) and what the Trainer gathers for
 * {@code compute_metrics} ([N,K] logits, [N,T,K] token logits, [N,T] start logits ...).
 */
public record NdArray(long[] longs, float[] floats, int... shape) {
    public NdArray {
        if ((longs == null) == (floats == null)) {
            throw new IllegalArgumentException("an NdArray holds either int64 or float32 values");
        }
        long n = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        int length = longs != null ? longs.length : floats.length;
        if (n != length) {
            throw new IllegalArgumentException("an array of shape " + Arrays.toString(shape) + " has " + length + " values");
        }
    }

    public static NdArray ofLongs(long[] values, int... shape) {
        return new NdArray(values, null, shape);
    }

    public static NdArray ofFloats(float[] values, int... shape) {
        return new NdArray(null, values, shape);
    }

    /** int64 values from ints (token labels built as int arrays). */
    public static NdArray ofInts(int[] values, int... shape) {
        return new NdArray(Arrays.stream(values).asLongStream().toArray(), null, shape);
    }

    /** A copy of {@code t} (float32 for floating point tensors, int64 otherwise). */
    public static NdArray of(Tensor t) {
        int[] shape = Arrays.stream(Tensors.shape(t)).mapToInt(Math::toIntExact).toArray();
        return t.is_floating_point() ? ofFloats(Tensors.toFloats(t.to(ScalarType.Float)), shape)
                : ofLongs(Tensors.toLongs(t), shape);
    }

    public boolean isFloat() {
        return floats != null;
    }

    public int rank() {
        return shape.length;
    }

    /** The number of values. */
    public int size() {
        return longs != null ? longs.length : floats.length;
    }

    /** The value at flat index {@code i}, as a double. */
    public double value(int i) {
        return floats != null ? floats[i] : longs[i];
    }

    /** int64 values as ints (class ids, positions). */
    public int[] toInts() {
        if (longs == null) {
            throw new IllegalStateException("a float32 array has no integer values");
        }
        return Arrays.stream(longs).mapToInt(Math::toIntExact).toArray();
    }

    /** numpy's {@code argmax(-1)}, flattened: the first index of the largest value along the last axis. */
    public int[] argmax() {
        int k = shape[shape.length - 1];
        int[] out = new int[size() / k];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (value(r * k + j) > value(r * k + best)) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** A rank-2 array as rows (a float32 array's [N,K] logits). */
    public float[][] rows() {
        if (rank() != 2 || floats == null) {
            throw new IllegalStateException("rows() takes a float32 [N,K] array, got " + Arrays.toString(shape));
        }
        float[][] out = new float[shape[0]][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(floats, i * shape[1], (i + 1) * shape[1]);
        }
        return out;
    }

    /** The values as a tensor (int64 or float32) of this shape, owned by the caller's PointerScope. */
    public Tensor toTensor() {
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        return floats != null ? Tensors.fromFloats(floats, dims) : Tensors.fromLongs(longs, dims);
    }

    /**
     * HF's {@code nested_concat(..., padding_index)} over batches: concatenated along the first axis; where the
     * second axis differs (token logits of batches padded to other lengths) every part is padded to the longest with
     * {@code padValue}, as HF pads with -100.
     */
    public static NdArray concatenate(List<NdArray> parts, double padValue) {
        NdArray first = parts.getFirst();
        int rank = first.rank();
        int width = 0;
        int rows = 0;
        for (NdArray p : parts) {
            if (p.rank() != rank || p.isFloat() != first.isFloat()) {
                throw new IllegalArgumentException("cannot concatenate arrays of shapes " + Arrays.toString(first.shape)
                        + " and " + Arrays.toString(p.shape));
            }
            rows += p.shape[0];
            width = rank > 1 ? Math.max(width, p.shape[1]) : 1;
        }
        int[] shape = first.shape.clone();
        shape[0] = rows;
        if (rank > 1) {
            shape[1] = width;
        }
        int inner = 1;
        for (int d = 2; d < rank; d++) {
            inner *= shape[d];
        }
        int rowSize = (rank > 1 ? width : 1) * inner;
        float[] f = first.isFloat() ? new float[rows * rowSize] : null;
        long[] l = first.isFloat() ? null : new long[rows * rowSize];
        if (f != null) {
            Arrays.fill(f, (float) padValue);
        } else {
            Arrays.fill(l, (long) padValue);
        }
        int row = 0;
        for (NdArray p : parts) {
            int pRow = p.size() / Math.max(p.shape[0], 1);
            for (int r = 0; r < p.shape[0]; r++, row++) {
                if (f != null) {
                    System.arraycopy(p.floats, r * pRow, f, row * rowSize, pRow);
                } else {
                    System.arraycopy(p.longs, r * pRow, l, row * rowSize, pRow);
                }
            }
        }
        return new NdArray(l, f, shape);
    }
}
