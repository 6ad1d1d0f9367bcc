package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The train section's reference ({@code --torch-reference PYTHON}): HF's training step in PyTorch eager
 * ({@code torch_train_step.py}, a resource of this module: BertForSequenceClassification's sdpa forward, autocast,
 * backward, clip, AdamW as TrainingArguments' default optim, scheduler, zero_grad) on the same batches as t4j's
 * Trainer, run by a Python that has torch, one child process per round and OpenMP wait policy. transformers itself
 * cannot be installed where this project runs; the script writes out the code path it runs.
 */
final class TorchReference implements AutoCloseable {
    /**
     * An OpenMP setting of the child: PyTorch's speed depends on it (PASSIVE, which t4j's launcher sets, was measured
     * to double HF's fp32 speed on one machine and slow its bf16), so the reference runs under both and the better
     * counts.
     *
     * @param name   the row's label
     * @param passive OMP_WAIT_POLICY=PASSIVE and GOMP_SPINCOUNT=3000 and the allocator t4j's launcher preloaded (its
     *                {@code T4J_PRELOADED}, tcmalloc where installed), else libgomp's default and glibc's malloc
     */
    record Policy(String name, boolean passive) {
        static final List<Policy> BOTH = List.of(new Policy("omp default", false), new Policy("omp passive", true));

        void apply(Map<String, String> env) {
            env.remove("OMP_WAIT_POLICY");
            env.remove("GOMP_SPINCOUNT");
            if (passive) {
                env.put("OMP_WAIT_POLICY", "PASSIVE");
                env.put("GOMP_SPINCOUNT", "3000");
            } else if (env.containsKey("T4J_PRELOADED") && env.get("T4J_PRELOADED").equals(env.get("LD_PRELOAD"))) {
                env.remove("LD_PRELOAD"); // only what the launcher preloaded, never the user's own
            }
        }
    }

    private record Key(String config, String policy) {}

    /** What one child printed: torch's version and the timed steps per configuration name. */
    record Run(String torchVersion, Map<String, List<TrainSteps.Step>> steps) {}

    private final String python;
    private final Path dir;
    private final Path script;
    private final Path lengths;
    private final Map<Key, List<TrainSteps.Step>> steps = new LinkedHashMap<>();
    private String torchVersion;

    private TorchReference(String python, Path dir, Path script, Path lengths) {
        this.python = python;
        this.dir = dir;
        this.script = script;
        this.lengths = lengths;
    }

    /** Writes the script and the training rows' token counts into a temporary folder; {@link #close()} removes it. */
    static TorchReference prepare(String python, int[] tokenCounts) {
        Path dir = TempFiles.dir("t4j-bench-torch", "the PyTorch reference");
        try (InputStream in = TorchReference.class.getResourceAsStream("torch_train_step.py")) {
            if (in == null) {
                throw new IllegalStateException("torch_train_step.py is missing from t4j-benchmarks' resources");
            }
            Path script = dir.resolve("torch_train_step.py");
            Files.write(script, in.readAllBytes());
            StringBuilder counts = new StringBuilder();
            for (int n : tokenCounts) {
                counts.append(n).append('\n');
            }
            Path lengths = Files.writeString(dir.resolve("lengths.txt"), counts);
            return new TorchReference(python, dir, script, lengths);
        } catch (IOException e) {
            TempFiles.deleteTree(dir);
            throw new UncheckedIOException("cannot write the PyTorch reference's files into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs one round (seed) of every configuration under each {@link Policy}, keeping the timed steps. */
    void runRound(List<TrainSection.Config> configs, int seed, int threads, int batchSize, int warmupSteps, int timedSteps) {
        for (Policy policy : Policy.BOTH) {
            Run run = run(command(configs, seed, threads, batchSize, warmupSteps, timedSteps), policy);
            torchVersion = run.torchVersion();
            run.steps().forEach((c, s) -> steps.computeIfAbsent(new Key(c, policy.name()), k -> new ArrayList<>()).addAll(s));
        }
    }

    /** The rounds so far per configuration and policy; MFU against {@code peak} of the config's dtype (may be null). */
    List<TrainSection.Reference> results(long nonEmbeddingParameters, Function<String, Double> peak) {
        List<TrainSection.Reference> out = new ArrayList<>();
        steps.forEach((k, s) -> {
            TrainSteps.Throughput t = TrainSteps.summarize(s, 0);
            out.add(new TrainSection.Reference(k.config(), k.policy(), torchVersion, t, Mfu.of(nonEmbeddingParameters,
                    t.realTokensPerSecond(), peak.apply(TrainSection.Config.parse(k.config()).dtype()))));
        });
        return out;
    }

    /** The child's command line for one round. */
    List<String> command(List<TrainSection.Config> configs, int seed, int threads, int batchSize, int warmupSteps, int steps) {
        return List.of(python, script.toString(), "--lengths", lengths.toString(), "--configs",
                configs.stream().map(TrainSection.Config::name).collect(Collectors.joining(",")), "--seed",
                Integer.toString(seed), "--threads", Integer.toString(threads), "--batch-size", Integer.toString(batchSize),
                "--warmup-steps", Integer.toString(warmupSteps), "--steps", Integer.toString(steps), "--json");
    }

    /** Runs one round under {@code policy}; a failing child is an error naming the command and its last output. */
    Run run(List<String> command, Policy policy) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        policy.apply(pb.environment());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("--torch-reference: `" + String.join(" ", command) + "` exited with " + code
                        + " (a Python with torch is needed, e.g. --torch-reference python3); its last output: "
                        + tail(out + "\n" + err.join(), 600));
            }
            return parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("--torch-reference: cannot run `" + command.get(0) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("--torch-reference: interrupted", e);
        }
    }

    /** The child's JSON line: {@code {"torch": ..., "steps": {config: [{seconds, rows, real_tokens, padded_tokens}]}}}. */
    static Run parse(String output) {
        String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() ->
                new IllegalStateException("--torch-reference: no JSON line in the child's output: " + tail(output, 300)));
        try {
            JsonNode root = Bench.JSON.readTree(line);
            Map<String, List<TrainSteps.Step>> steps = new LinkedHashMap<>();
            root.required("steps").properties().forEach(e -> {
                List<TrainSteps.Step> list = new ArrayList<>();
                for (JsonNode s : e.getValue()) {
                    list.add(new TrainSteps.Step(Math.round(s.required("seconds").asDouble() * 1e9), s.required("rows").asInt(),
                            s.required("real_tokens").asLong(), s.required("padded_tokens").asLong(), true));
                }
                steps.put(e.getKey(), list);
            });
            return new Run(root.required("torch").asText(), steps);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("--torch-reference: cannot read the child's JSON (" + e.getMessage() + "): "
                    + tail(line, 300), e);
        }
    }

    /** Deletes the script and the token counts. */
    @Override
    public void close() {
        TempFiles.deleteTree(dir);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String tail(String s, int chars) {
        String t = s.strip();
        return t.length() <= chars ? t : "..." + t.substring(t.length() - chars);
    }
}
