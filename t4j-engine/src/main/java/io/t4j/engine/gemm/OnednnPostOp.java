package io.t4j.engine.gemm;

import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * An element-wise function that oneDNN can also apply as a post-op of a packed linear ({@code mkldnn::_linear_pointwise}'s
 * {@code attr} and {@code algorithm}), so {@link Gemm} can fuse it into the GEMM; {@link #apply} is the same function
 * as a pass of its own, for the other paths.
 */
public interface OnednnPostOp extends UnaryOperator<Tensor> {
    /** The post-op's name ("gelu", "relu"), or null where oneDNN has none and the function always runs alone. */
    String onednnAttr();

    /** Its algorithm ("none" for the erf GELU, "tanh" for the approximation, "" where the post-op has none). */
    String onednnAlgorithm();
}
