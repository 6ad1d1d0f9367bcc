package io.t4j.pipelines;

/**
 * One candidate for a masked position, as HF's fill-mask pipeline returns
 * {@code {"score", "token", "token_str", "sequence"}}: the probability, the token id, the token decoded on its own,
 * and the input with the mask replaced by it.
 */
public record FillMaskResult(double score, int token, String tokenStr, String sequence) {}
