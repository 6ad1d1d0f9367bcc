package io.t4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Cpu}: /proc/cpuinfo parsing and what it implies for kernel choices. */
class CpuTest {
    static List<String> cpuinfo(String family, String model, String flags) {
        return List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: " + family, "model\t\t: " + model,
                "model name\t: AMD EPYC", "flags\t\t: fpu " + flags, "", "processor\t: 1", "flags\t\t: ignored");
    }

    @Test
    void readsTheFirstProcessorAndNamesAmdGenerations() {
        Cpu zen4 = Cpu.parse(cpuinfo("25", "17", "avx2 avx512f avx512_bf16 avx512_vnni"), 2);
        assertThat(zen4.microarchitecture()).isEqualTo("Zen 4");
        assertThat(zen4.nativeBf16()).isTrue();
        assertThat(zen4.nativeInt8()).isTrue();
        assertThat(zen4.has("ignored")).isFalse();
        assertThat(zen4.describe()).contains("Zen 4").contains("avx512_bf16").contains("2 cores");
        assertThat(Cpu.parse(cpuinfo("26", "2", "avx512_bf16"), 2).microarchitecture()).isEqualTo("Zen 5");
        assertThat(Cpu.parse(cpuinfo("25", "1", "avx2"), 2).microarchitecture()).isEqualTo("Zen 3");
        Cpu haswellLike = Cpu.parse(cpuinfo("23", "49", "avx2 fma"), 2);
        assertThat(haswellLike.nativeBf16()).isFalse();
        assertThat(haswellLike.nativeInt8()).isFalse();
    }

    @Test
    void anUnreadableCpuinfoGivesNoFlags() {
        Cpu none = Cpu.read(java.nio.file.Path.of("/nonexistent/cpuinfo"));
        assertThat(none.flags()).isEmpty();
        assertThat(none.nativeBf16()).isFalse();
    }
}
