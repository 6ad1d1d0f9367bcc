package io.t4j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this machine's CPU computes natively, read once from {@code /proc/cpuinfo} (Linux; elsewhere the sets are
 * empty and every answer is the conservative one). Kernel choices that depend on the instruction set ask here.
 *
 * @param modelName the first processor's {@code model name}, e.g. {@code AMD EPYC 9R14}
 * @param vendor    {@code AuthenticAMD}, {@code GenuineIntel}, ...
 * @param family    {@code cpu family} (AMD: 25 = Zen 3/Zen 4, 26 = Zen 5), -1 when unknown
 * @param model     {@code model}, -1 when unknown
 * @param flags     the ISA flags, lower case ({@code avx512_bf16}, {@code amx_bf16}, {@code avx512_vnni}, ...)
 * @param cores     processors available to this JVM
 */
public record Cpu(String modelName, String vendor, int family, int model, Set<String> flags, int cores) {
    private static volatile Cpu current;

    /** The flags that decide t4j's kernel paths (the rest are not recorded in reports). */
    public static final List<String> KERNEL_FLAGS = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni",
            "avx_vnni", "amx_bf16", "amx_int8", "amx_tile");

    /** This machine's CPU. */
    public static Cpu current() {
        if (current == null) {
            current = read(Path.of("/proc/cpuinfo"));
        }
        return current;
    }

    /** Parses a {@code /proc/cpuinfo}; a missing or unreadable file gives an unknown CPU with no flags. */
    static Cpu read(Path cpuinfo) {
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> lines;
        try {
            lines = Files.readAllLines(cpuinfo);
        } catch (IOException | SecurityException e) {
            return new Cpu(System.getProperty("os.arch"), "unknown", -1, -1, Set.of(), cores);
        }
        return parse(lines, cores);
    }

    static Cpu parse(List<String> lines, int cores) {
        String name = "unknown";
        String vendor = "unknown";
        int family = -1;
        int model = -1;
        Set<String> flags = new TreeSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (line.isBlank() && !flags.isEmpty()) {
                break; // the first processor describes them all
            }
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "model name" -> name = value;
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "flags" -> flags.addAll(List.of(value.toLowerCase(Locale.ROOT).split("\\s+")));
                default -> { }
            }
        }
        return new Cpu(name, vendor, family, model, Set.copyOf(flags), cores);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /**
     * Whether bf16 matmuls run on bf16 hardware (AVX512_BF16's dot products or AMX tiles), where oneDNN's bf16 GEMM
     * is faster than fp32. Without it oneDNN emulates bf16 with fp32 FMAs (slower than fp32 itself), so bf16 is not
     * the default there.
     */
    public boolean nativeBf16() {
        return has("avx512_bf16") || has("amx_bf16");
    }

    /**
     * Whether int8 dot products are native (AVX512-VNNI, AVX-VNNI or AMX-INT8). Without VNNI, fbgemm multiplies
     * u8 x s8 pairs with {@code vpmaddubsw}, whose int16 sums can saturate, so activations use 7 bits
     * (PyTorch's {@code reduce_range=True}).
     */
    public boolean nativeInt8() {
        return has("avx512_vnni") || has("avx_vnni") || has("amx_int8");
    }

    /** AMD's core generation from family and model (Zen 4 = family 25, models 0x10-0x1f and 0x60-0xaf; Zen 5 = 26). */
    public String microarchitecture() {
        if (vendor.equals("AuthenticAMD")) {
            if (family == 26) {
                return "Zen 5";
            }
            if (family == 25) {
                boolean zen4 = (model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0xaf);
                return zen4 ? "Zen 4" : "Zen 3";
            }
            if (family == 23) {
                return "Zen/Zen 2";
            }
        }
        return vendor.equals("GenuineIntel") ? (has("amx_tile") ? "Intel with AMX" : "Intel") : "unknown";
    }

    /** One line for logs and reports: name, microarchitecture, the kernel flags present, cores. */
    public String describe() {
        List<String> present = KERNEL_FLAGS.stream().filter(this::has).toList();
        return modelName + " (" + microarchitecture() + ", family " + family + " model " + model + "; "
                + String.join(" ", present) + "), " + cores + " cores";
    }
}
