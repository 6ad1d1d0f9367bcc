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
                List.of(1.0, 2.0, 3.0), List.of(2.0, 2.0, 3.0), "2026-01-01T00:00:00Z");
    }

    @Test
    void reportHasEnvironmentSectionsAndErrorsInSnakeCase() throws Exception {
        var throughput = new TrainSteps.Throughput(10, 500, 64, 900, 2500, 14, 39, 0);
        var train = new TrainSection.Report("bge-small-en-v1.5", 21_442_946, 32, 128, 3, 10, 2,
                List.of(new TrainSection.Result("fp32-random", throughput, 0.41, 1.1, 1500, 3.2)));
        var peak = new PeakSection.Result(2048, 100, 200, List.of(1.0, 2.0), List.of(1.0));
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
        assertThat(result.path("throughput").path("real_tokens_per_second").asDouble()).isEqualTo(900.0);
        assertThat(result.has("tables")).isFalse();
        assertThat(json.path("errors").path("infer").asText()).isEqualTo("boom");
    }

    @Test
    void tablesAreMarkdownWithNotes() {
        var peak = new PeakSection.Result(2048, 100, 200, List.of(10.0, 20.0, 30.0), List.of(5.0, 6.0, 7.0));
        String md = peak.tables().get(0).markdown();
        assertThat(md).startsWith("### peak").contains("| dtype | median ms | min ms | GFLOP/s (median) |")
                .contains("| fp32 | 20.0 | 10.0 | 100 |").contains("- 3 timed runs");
        assertThat(peak.flops("bf16")).isEqualTo(200e9);
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
