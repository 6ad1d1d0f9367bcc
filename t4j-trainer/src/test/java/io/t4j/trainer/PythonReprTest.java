package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Log lines print numbers as Python's repr does, so they read like HF's. */
class PythonReprTest {
    @Test
    void matchesPythonRepr() {
        // each expected string is what python3 -c 'print(repr(x))' prints
        assertThat(ProgressCallback.pythonRepr(1.173913043478261E-5)).isEqualTo("1.173913043478261e-05");
        assertThat(ProgressCallback.pythonRepr(5e-5)).isEqualTo("5e-05");
        assertThat(ProgressCallback.pythonRepr(0.0001)).isEqualTo("0.0001");
        assertThat(ProgressCallback.pythonRepr(0.6447)).isEqualTo("0.6447");
        assertThat(ProgressCallback.pythonRepr(2.0)).isEqualTo("2.0");
        assertThat(ProgressCallback.pythonRepr(-3.5)).isEqualTo("-3.5");
        assertThat(ProgressCallback.pythonRepr(1.21e14)).isEqualTo("121000000000000.0");
        assertThat(ProgressCallback.pythonRepr(1.21e16)).isEqualTo("1.21e+16");
        assertThat(ProgressCallback.pythonRepr(0.0)).isEqualTo("0.0");
        assertThat(ProgressCallback.pythonRepr(Double.NaN)).isEqualTo("nan");
    }
}
