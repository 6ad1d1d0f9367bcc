package io.t4j.engine.gemm;

/**
 * The kernel paths a {@code Linear} can take on CPU, named by the library that does the arithmetic. Which one runs is
 * decided per call by {@link Gemm} from the weight's dtype, whether autograd needs the call, and (where two paths
 * compute the same thing) a measurement on this machine.
 */
public enum GemmPath {
    /** {@code torch.linear} on fp32: libtorch's addmm → OpenBLAS {@code sgemm} on OpenBLAS's own thread pool. */
    OPENBLAS_FP32("openblas fp32", "fp32"),
    /** {@code torch.mkldnn_linear} on fp32 with its autograd formula: oneDNN inner product on the OpenMP pool; the
     * input is converted to oneDNN's layout and the output back per call. */
    ONEDNN_FP32("onednn fp32", "fp32"),
    /** {@code mkldnn::_linear_pointwise} with the fp32 weight packed once into oneDNN's layout (frozen weights). */
    ONEDNN_FP32_PACKED("onednn fp32 packed", "fp32"),
    /** {@code torch.linear} on bf16 (bf16 weights, or fp32 weights under autocast): oneDNN's bf16 matmul, the
     * weight reordered per call. */
    ONEDNN_BF16("onednn bf16", "bf16"),
    /** {@code mkldnn::_linear_pointwise} with the bf16 weight packed once (frozen weights). */
    ONEDNN_BF16_PACKED("onednn bf16 packed", "bf16"),
    /** {@code quantized::linear_dynamic}: int8 per-channel weights, activations quantized per call. */
    INT8_DYNAMIC("int8 dynamic", "int8"),
    /** {@code torch.linear} in another dtype (fp16, fp64). */
    OTHER("torch.linear (other dtype)", "other");

    private final String label;
    private final String dtype;

    GemmPath(String label, String dtype) {
        this.label = label;
        this.dtype = dtype;
    }

    /** How reports name it, e.g. {@code onednn fp32 packed}. */
    public String label() {
        return label;
    }

    /** The arithmetic's dtype: fp32, bf16, int8 or other. */
    public String dtype() {
        return dtype;
    }

    /** Whether the path keeps a packed copy of the weight. */
    public boolean packed() {
        return this == ONEDNN_FP32_PACKED || this == ONEDNN_BF16_PACKED || this == INT8_DYNAMIC;
    }
}
