package io.t4j.models.onnx;

import io.t4j.engine.DType;

/** ONNX's {@code TensorProto.DataType} (onnx/onnx.proto), with the element size and the matching safetensors dtype. */
public enum OnnxDataType {
    UNDEFINED(0, 0, null),
    FLOAT(1, 4, DType.F32),
    UINT8(2, 1, DType.U8),
    INT8(3, 1, DType.I8),
    UINT16(4, 2, null),
    INT16(5, 2, DType.I16),
    INT32(6, 4, DType.I32),
    INT64(7, 8, DType.I64),
    STRING(8, 0, null),
    BOOL(9, 1, DType.BOOL),
    FLOAT16(10, 2, DType.F16),
    DOUBLE(11, 8, DType.F64),
    UINT32(12, 4, null),
    UINT64(13, 8, null),
    COMPLEX64(14, 8, null),
    COMPLEX128(15, 16, null),
    BFLOAT16(16, 2, DType.BF16);

    private final int code;
    private final int byteSize;
    private final DType dtype;

    OnnxDataType(int code, int byteSize, DType dtype) {
        this.code = code;
        this.byteSize = byteSize;
        this.dtype = dtype;
    }

    /** The {@code data_type} number in the file. */
    public int code() {
        return code;
    }

    /** Bytes per element (0 for STRING and UNDEFINED). */
    public int byteSize() {
        return byteSize;
    }

    /** The safetensors/libtorch dtype, or null when t4j has none (unsigned 16-64 bit, complex, string). */
    public DType dtype() {
        return dtype;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == FLOAT16 || this == BFLOAT16 || this == DOUBLE;
    }

    public boolean isInteger() {
        return this == INT8 || this == INT16 || this == INT32 || this == INT64 || this == UINT8 || this == UINT16
                || this == UINT32 || this == UINT64;
    }

    /** The type with this {@code data_type} number, or null for numbers this version does not know. */
    public static OnnxDataType of(int code) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
