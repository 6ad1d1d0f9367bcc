package io.t4j.engine;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** The safetensors dtypes t4j reads and writes, with their libtorch scalar types and HF's torch_dtype names. */
public enum DType {
    F64("F64", 8, ScalarType.Double, "float64"),
    F32("F32", 4, ScalarType.Float, "float32"),
    F16("F16", 2, ScalarType.Half, "float16"),
    BF16("BF16", 2, ScalarType.BFloat16, "bfloat16"),
    I64("I64", 8, ScalarType.Long, "int64"),
    I32("I32", 4, ScalarType.Int, "int32"),
    I16("I16", 2, ScalarType.Short, "int16"),
    I8("I8", 1, ScalarType.Char, "int8"),
    U8("U8", 1, ScalarType.Byte, "uint8"),
    BOOL("BOOL", 1, ScalarType.Bool, "bool");

    private final String safetensorsName;
    private final int byteSize;
    private final ScalarType scalarType;
    private final String torchName;

    DType(String safetensorsName, int byteSize, ScalarType scalarType, String torchName) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.scalarType = scalarType;
        this.torchName = torchName;
    }

    public String safetensorsName() { return safetensorsName; }
    public int byteSize() { return byteSize; }
    public ScalarType scalarType() { return scalarType; }
    /** HF's {@code torch_dtype} spelling, e.g. {@code bfloat16}. */
    public String torchName() { return torchName; }

    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors header dtype ({@code "BF16"}); null when unknown. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Parses HF's torch_dtype ({@code "bfloat16"}, {@code "float32"}, also {@code "bf16"}/{@code "fp32"}). */
    public static DType fromTorchName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replace("torch.", "");
        return switch (n) {
            case "float32", "fp32", "float" -> F32;
            case "bfloat16", "bf16" -> BF16;
            case "float16", "fp16", "half" -> F16;
            case "float64", "double" -> F64;
            default -> {
                for (DType d : values()) {
                    if (d.torchName.equals(n)) {
                        yield d;
                    }
                }
                throw new IllegalArgumentException("unknown dtype '" + name + "' (expected float32, bfloat16 or float16)");
            }
        };
    }

    public static DType of(ScalarType type) {
        type = type.intern();
        for (DType d : values()) {
            if (d.scalarType == type) {
                return d;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for libtorch scalar type " + type);
    }
}
