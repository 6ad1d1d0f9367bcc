package io.t4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Engine}: what it reports about the libtorch it started. */
class EngineTest {
    @Test
    void reportsTheIsaOfAtensKernelsAsOneOfAtensNames() {
        // c10's CPUCapability names; x86 machines give DEFAULT, AVX2 or AVX512 (ATEN_CPU_CAPABILITY can force a lower one)
        assertThat(Engine.cpuCapability()).isIn("DEFAULT", "AVX2", "AVX512", "VSX", "ZVECTOR", "SVE256", "SVE128");
        assertThat(Engine.torchVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
