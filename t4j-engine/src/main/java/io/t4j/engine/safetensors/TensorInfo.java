package io.t4j.engine.safetensors;

import io.t4j.engine.DType;

/** One entry of a safetensors header: {@code name: {dtype, shape, data_offsets: [begin, end]}}. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public long byteLength() {
        return end - begin;
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
