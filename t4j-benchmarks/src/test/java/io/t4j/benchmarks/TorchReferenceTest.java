package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TorchReference}: the child's command, environment, output and failures, and the report's comparison. */
class TorchReferenceTest {
    private static final List<TrainSection.Config> CONFIGS =
            List.of(TrainSection.Config.parse("fp32-grouped"), TrainSection.Config.parse("bf16-random"));

    @Test
    void writesTheScriptAndTokenCountsAndNamesThemInTheCommand() throws Exception {
        try (TorchReference ref = TorchReference.prepare("python3", new int[] {5, 12, 9})) {
            List<String> cmd = ref.command(CONFIGS, 43, 2, 32, 3, 10);
            assertThat(cmd.subList(0, 1)).containsExactly("python3");
            assertThat(Files.readString(java.nio.file.Path.of(cmd.get(1)))).contains("def length_grouped", "fused");
            assertThat(Files.readAllLines(java.nio.file.Path.of(cmd.get(3)))).containsExactly("5", "12", "9");
            assertThat(String.join(" ", cmd.subList(4, cmd.size()))).isEqualTo("--configs fp32-grouped,bf16-random "
                    + "--seed 43 --threads 2 --batch-size 32 --warmup-steps 3 --steps 10 --json");
        }
    }

    @Test
    void thePoliciesSetOrUnsetOpenMpsWaitPolicy() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "GOMP_SPINCOUNT", "3000", "PATH", "/bin"));
        TorchReference.Policy.BOTH.get(0).apply(env);
        assertThat(env).containsOnlyKeys("PATH");
        TorchReference.Policy.BOTH.get(1).apply(env);
        assertThat(env).containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("GOMP_SPINCOUNT", "3000");
    }

    @Test
    void theDefaultPolicyDropsOnlyTheAllocatorTheLauncherPreloaded() {
        Map<String, String> launcher = Map.of("LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4",
                "T4J_PRELOADED", "/usr/lib/libtcmalloc_minimal.so.4");
        Map<String, String> env = new HashMap<>(launcher);
        TorchReference.Policy.BOTH.get(0).apply(env);
        assertThat(env).doesNotContainKey("LD_PRELOAD");
        env = new HashMap<>(launcher);
        TorchReference.Policy.BOTH.get(1).apply(env);
        assertThat(env).containsEntry("LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4");
        env = new HashMap<>(Map.of("LD_PRELOAD", "/opt/mine.so")); // the user's own preload, not the launcher's
        TorchReference.Policy.BOTH.get(0).apply(env);
        assertThat(env).containsEntry("LD_PRELOAD", "/opt/mine.so");
    }

    @Test
    void readsTheLastJsonLineOfTheChild() {
        var run = TorchReference.parse("a warning\n{\"torch\": \"2.13.0+cpu\", \"steps\": {\"fp32-grouped\": ["
                + "{\"seconds\": 0.5, \"rows\": 32, \"real_tokens\": 700, \"padded_tokens\": 736}, "
                + "{\"seconds\": 0.25, \"rows\": 32, \"real_tokens\": 300, \"padded_tokens\": 320}]}}\n");
        assertThat(run.torchVersion()).isEqualTo("2.13.0+cpu");
        var t = TrainSteps.summarize(run.steps().get("fp32-grouped"), 0);
        assertThat(t.samplesPerSecond()).isEqualTo(64 / 0.75);
        assertThat(t.meanRealLength()).isEqualTo(1000 / 64.0);
        assertThatThrownBy(() -> TorchReference.parse("Traceback ...\nModuleNotFoundError: No module named 'torch'"))
                .hasMessageContaining("no JSON line").hasMessageContaining("torch");
        assertThatThrownBy(() -> TorchReference.parse("{\"torch\": \"2.13\"}")).hasMessageContaining("steps");
    }

    @Test
    void aChildThatFailsOrCannotStartIsAnErrorNamingTheCommand() {
        try (TorchReference ref = TorchReference.prepare("/nonexistent/python", new int[] {5})) {
            assertThatThrownBy(() -> ref.run(ref.command(CONFIGS, 42, 2, 32, 3, 10), TorchReference.Policy.BOTH.get(0)))
                    .hasMessageContaining("--torch-reference: cannot run `/nonexistent/python`");
        }
        try (TorchReference ref = TorchReference.prepare("python3", new int[] {5})) {
            assertThatThrownBy(() -> ref.run(List.of("sh", "-c", "echo no torch here >&2; exit 3"), TorchReference.Policy.BOTH.get(1)))
                    .hasMessageContaining("exited with 3").hasMessageContaining("no torch here");
        }
    }

    @Test
    void theReportComparesT4jWithTheBetterPolicyAndRefusesOtherBatches() {
        var t4j = new TrainSteps.Throughput(20, 450, 66.0, 1500, 1550, 23.3, 24.0, 0);
        var slow = new TrainSteps.Throughput(20, 600, 50.0, 1100, 1150, 23.3, 24.0, 0);
        var fast = new TrainSteps.Throughput(20, 500, 60.0, 1300, 1350, 23.3, 24.0, 0);
        var result = new TrainSection.Result("bf16-grouped", t4j, 0.47, 0.48, 0, 0, false, Map.of());
        var refs = List.of(new TrainSection.Reference("bf16-grouped", "omp default", "2.13.0+cpu", slow, 0.3),
                new TrainSection.Reference("bf16-grouped", "omp passive", "2.13.0+cpu", fast, 0.4));
        TrainSection.requireSameBatches(List.of(result), refs);
        String md = new TrainSection.Report("m", 1, 32, 128, 3, 10, 2, List.of(result), refs).tables().get(1).markdown();
        assertThat(md).contains("| bf16-grouped | 66.0 | 50.0 | 60.0 | 1.10x | 47.0% | 40.0% |");

        var other = new TrainSteps.Throughput(20, 500, 60.0, 1300, 1350, 13.2, 39.1, 0);
        assertThatThrownBy(() -> TrainSection.requireSameBatches(List.of(result),
                List.of(new TrainSection.Reference("bf16-grouped", "omp passive", "2.13.0+cpu", other, 0.4))))
                .hasMessageContaining("other batches").hasMessageContaining("13.2000 / 39.1000");
    }
}
