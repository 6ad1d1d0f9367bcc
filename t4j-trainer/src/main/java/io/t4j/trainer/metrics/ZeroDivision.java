package io.t4j.trainer.metrics;

/** sklearn's {@code zero_division}: the score of a 0/0 ratio. {@code WARN} scores 0 and logs a warning, as sklearn. */
public enum ZeroDivision {
    WARN(0.0),
    ZERO(0.0),
    ONE(1.0),
    NAN(Double.NaN);

    private final double value;

    ZeroDivision(double value) {
        this.value = value;
    }

    public double value() {
        return value;
    }
}
