package io.t4j.benchmarks;

import io.t4j.engine.Engine;
import io.t4j.models.AutoConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.phi3.Phi3Config;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForCausalLM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Loads a 3.8B-parameter Phi-3.5-mini-shaped checkpoint (random bf16, 2 GB shards, about 7.6 GB) with
 * {@code zeroCopy}: the weights stay read-only views of the mapped files, so resident memory is the page cache of
 * those files (RssFile) and no second, anonymous copy (RssAnon) appears. Prints RSS after load and after one
 * forward, against the file size. Usage: {@code BigCheckpointBench [dir] [--keep]} (default /tmp/t4j-bench-phi3-3.8b,
 * deleted afterwards unless --keep).
 */
public final class BigCheckpointBench {
    private static final String CONFIG = """
            {"model_type": "phi3", "hidden_size": 3072, "intermediate_size": 8192, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 32, "vocab_size": 32064,
             "max_position_embeddings": 131072, "original_max_position_embeddings": 4096, "rope_theta": 10000.0,
             "rms_norm_eps": 1e-5, "bos_token_id": 1, "eos_token_id": 32000, "pad_token_id": 32000,
             "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "rope_scaling": {"type": "longrope", "short_factor": %s, "long_factor": %s}}""";

    public static void main(String[] args) throws Exception {
        Engine.init();
        Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "/tmp/t4j-bench-phi3-3.8b");
        boolean keep = java.util.Arrays.asList(args).contains("--keep");
        String factors = "[" + String.join(", ", java.util.Collections.nCopies(48, "1.0")) + "]";
        Phi3Config config = AutoConfig.JSON.readValue(CONFIG.formatted(factors, factors), Phi3Config.class);
        System.out.println("threads: " + Engine.threadSettings());
        System.out.println("before: " + SyntheticCheckpoint.memory());
        if (!Files.exists(dir.resolve("config.json"))) {
            long t0 = System.nanoTime();
            long bytes = SyntheticCheckpoint.write(dir, config, Phi3ForCausalLM::new, ScalarType.BFloat16, 2_000_000_000L);
            System.out.printf("wrote %.2f GB of bf16 weights in %.1f s%n", bytes / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        long fileBytes;
        try (Stream<Path> files = Files.list(dir)) {
            fileBytes = files.filter(p -> p.toString().endsWith(".safetensors")).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("checkpoint: %s, %.2f GiB in safetensors shards%n", dir, fileBytes / (double) (1L << 30));
        System.out.println("after writing: " + SyntheticCheckpoint.memory());

        long t0 = System.nanoTime();
        try (Phi3ForCausalLM model = Phi3ForCausalLM.fromPretrained(dir,
                PretrainedOptions.defaults().withDtype(ScalarType.BFloat16).withZeroCopy(true))) {
            System.out.printf("loaded %d parameters (%s) with zeroCopy in %.1f s%n", model.numParameters(), model.dtype(),
                    (System.nanoTime() - t0) / 1e9);
            System.out.println("after load: " + SyntheticCheckpoint.memory());
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor ids = torch.randint(32000L, new long[] {1, 16}, new TensorOptions(ScalarType.Long));
                long t1 = System.nanoTime();
                Tensor logits = model.forward(CausalLMInputs.of(ids)).logits();
                System.out.printf("forward of 16 tokens: %.1f s, logits %s finite=%s%n", (System.nanoTime() - t1) / 1e9,
                        java.util.Arrays.toString(io.t4j.engine.Tensors.shape(logits)),
                        torch.isfinite(logits).all().item_bool());
            }
            System.out.println("after forward: " + SyntheticCheckpoint.memory());
            long anon = SyntheticCheckpoint.mib("RssAnon");
            System.out.printf("RssAnon %d MiB = %.1f%% of the %.0f MiB of weights: no second copy%n", anon,
                    100.0 * anon / (fileBytes / (double) (1L << 20)), fileBytes / (double) (1L << 20));
        }
        if (!keep) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            System.out.println("deleted " + dir);
        }
    }
}
