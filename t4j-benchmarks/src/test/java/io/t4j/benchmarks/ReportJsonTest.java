package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportJsonTest {
    private static RunEnvironment env() {
        return new RunEnvironment("abc", false, "jdk", "2.10.0", "intra_op=2", Map.of("GOMP_SPINCOUNT", "0"), "cpu",
                List.of(1.0, 2.0, 3.0), List.of(2.0, 2.0, 3.0), "2026-01-01T00:00:00Z",
                Map.of("FP32_INFER.384x384.r16", "onednn fp32 packed"));
    }

    private static PeakSection.Result peak() {
        return new PeakSection.Result(2048, 100, 200, List.of(
                new PeakSection.PathPeak("fp32", "openblas fp32", 20, 10, 100, List.of(10.0, 20.0, 30.0), true),
                new PeakSection.PathPeak("fp32", "onednn fp32 packed", 40, 30, 50, List.of(30.0, 40.0, 50.0), true),
                new PeakSection.PathPeak("bf16", "onednn bf16 packed", 10, 5, 200, List.of(5.0, 10.0, 15.0), true),
                new PeakSection.PathPeak("bf16", "onednn bf16", 50, 40, 40, List.of(40.0, 50.0, 60.0), false)));
    }

    @Test
    void reportHasEnvironmentSectionsAndErrorsInSnakeCase() throws Exception {
        var throughput = new TrainSteps.Throughput(10, 500, 64, 900, 2500, 14, 39, 0);
        var train = new TrainSection.Report("bge-small-en-v1.5", 21_442_946, 32, 128, 3, 10, 2,
                List.of(new TrainSection.Result("fp32-random", throughput, 0.41, 1.1, 1500, 3.2, false,
                        Map.of("openblas fp32", 1.0))));
        var peak = peak();
        Map<String, SectionResult> sections = new LinkedHashMap<>();
        sections.put("peak", peak);
        sections.put("train", train);
        JsonNode json = Bench.JSON.readTree(Bench.JSON.writeValueAsString(
                new BenchReport(BenchReport.SCHEMA, env(), sections, Map.of("infer", "boom"))));

        assertThat(json.path("schema").asInt()).isEqualTo(1);
        assertThat(json.path("environment").path("load_avg_start").size()).isEqualTo(3);
        assertThat(json.path("environment").path("libtorch").asText()).isEqualTo("2.10.0");
        assertThat(json.path("sections").fieldNames()).toIterable().containsExactly("peak", "train");
        assertThat(json.path("sections").path("peak").path("fp32_gflops").asDouble()).isEqualTo(100.0);
        JsonNode result = json.path("sections").path("train").path("results").get(0);
        assertThat(result.path("config").asText()).isEqualTo("fp32-random");
        assertThat(result.path("mfu").asDouble()).isEqualTo(0.41);
        assertThat(result.path("gemm_paths").path("openblas fp32").asDouble()).isEqualTo(1.0);
        assertThat(json.path("sections").path("peak").path("paths").get(2).path("path").asText()).isEqualTo("onednn bf16 packed");
        assertThat(result.path("throughput").path("real_tokens_per_second").asDouble()).isEqualTo(900.0);
        assertThat(result.has("tables")).isFalse();
        assertThat(json.path("errors").path("infer").asText()).isEqualTo("boom");
    }

    @Test
    void tablesAreMarkdownWithNotes() {
        var peak = peak();
        String md = peak.tables().get(0).markdown();
        assertThat(md).startsWith("### peak").contains("| dtype | path | median ms | min ms | GFLOP/s (median) |")
                .contains("| fp32 | openblas fp32 | 20.0 | 10.0 | **100** |").contains("| fp32 | onednn fp32 packed | 40.0 | 30.0 | 50 |")
                .contains("| bf16 | onednn bf16 (interference) | 50.0 | 40.0 | 40 |").contains("- 3 timed runs per path");
        assertThat(peak.flops("bf16")).isEqualTo(200e9);
        assertThat(peak.bestPath("bf16")).isEqualTo("onednn bf16 packed");
        assertThatThrownBy(() -> peak.flops("fp16")).hasMessageContaining("fp16");
    }

    @Test
    void optionsNameTheBadValue() {
        assertThatThrownBy(() -> TrainSection.Config.parse("fp16-random")).hasMessageContaining("--train-configs")
                .hasMessageContaining("fp16-random");
        Bench b = new Bench();
        b.sections = List.of("train", "speed");
        assertThatThrownBy(b::options).hasMessageContaining("unknown section 'speed'");
        b.sections = List.of("train");
        b.memoryModel = "huge";
        assertThatThrownBy(b::options).hasMessageContaining("--memory-model").hasMessageContaining("huge");
        assertThatThrownBy(() -> new Sst2(Path.of("/nonexistent-sst2"))).hasMessageContaining("--sst2 /nonexistent-sst2")
                .hasMessageContaining("train.tsv");
    }

    @Test
    void sectionsRunInCanonicalOrderAndPeakPrecedesTrain() {
        Bench b = new Bench();
        b.sections = List.of("memory", "train");
        BenchOptions o = b.options();
        assertThat(o.sections()).containsExactly("train", "memory");
        assertThat(o.runPeak()).isTrue();
        b.noPeak = true;
        assertThat(b.options().runPeak()).isFalse();
    }
}
