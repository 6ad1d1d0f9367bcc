package io.t4j.engine.gemm;

import io.t4j.engine.Engine;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Per-output-channel symmetric int8 weights, as PyTorch's dynamic quantization makes them
 * ({@code torch.ao.quantization.quantize_dynamic} with {@code per_channel_dynamic_qconfig}: the
 * {@code PerChannelMinMaxObserver(dtype=qint8, qscheme=per_channel_symmetric)}): for output row i,
 * {@code scale[i] = max|W[i,:]| / 127.5} (at least {@code eps}, float32's), zero point 0, and
 * {@code q = clamp(round(W / scale), -128, 127)}. Stored as an I8 tensor [out, in] plus an F32 scale [out].
 */
public final class Int8Weights {
    private Int8Weights() {}

    /** The observer's smallest scale (float32 epsilon), so an all-zero row quantizes to zeros. */
    static final double EPS = Math.ulp(1.0f);

    /**
     * A quantized weight: the int8 values and the per-row scales.
     *
     * @param values int8 [out, in]
     * @param scale  float32 [out]
     */
    public record Quantized(Tensor values, Tensor scale) {}

    /** W [out, in] (any float dtype) → its int8 values and per-row scales (new tensors, detached). */
    public static Quantized quantize(Tensor weight) {
        Engine.init();
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor w = weight.detach().to(ScalarType.Float);
            Tensor scale = w.abs().amax(new long[] {1}, false).div_(new Scalar(127.5)).clamp_min_(new Scalar(EPS)); // [out]
            Tensor q = torch.round(w.div(scale.unsqueeze(1))).clamp_(new ScalarOptional(new Scalar(-128)), new ScalarOptional(new Scalar(127))) // [out,1] broadcast
                    .to(ScalarType.Char);
            return new Quantized(q, scale);
        }
    }

    /** The fp32 weight the int8 values stand for: {@code values * scale} (for tests and de-quantization). */
    public static Tensor dequantize(Tensor values, Tensor scale) {
        return values.to(ScalarType.Float).mul(scale.to(ScalarType.Float).unsqueeze(1)); // [out,1] broadcast
    }

    /**
     * The libtorch per-channel qint8 tensor over the stored values and scales (what {@code quantized::linear_prepack}
     * takes). Rebuilt through {@code quantize_per_channel} of the de-quantized weight, which rounds back to exactly
     * the stored integers: |q| &lt;= 128, so {@code q * s / s} is within 1e-5 of q.
     */
    public static Tensor toQuantizedTensor(Tensor values, Tensor scale) {
        Tensor scales = scale.to(ScalarType.Double);
        Tensor zeroPoints = torch.zeros(new long[] {scale.size(0)}, new TensorOptions(ScalarType.Long));
        return torch.quantize_per_channel(dequantize(values, scale), scales, zeroPoints, 0, ScalarType.QInt8);
    }
}
