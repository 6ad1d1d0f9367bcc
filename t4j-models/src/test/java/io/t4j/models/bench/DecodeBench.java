package io.t4j.models.bench;

import io.t4j.engine.Engine;
import io.t4j.models.AutoConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.Attention;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalMask;
import io.t4j.models.generation.GenerateOutput;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.Generator;
import io.t4j.models.generation.TokenStreamer;
import io.t4j.models.qwen2.Qwen2Config;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForCausalLM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decode and prefill speed of a Qwen2.5-0.5B-shaped model with random bf16 weights (zero-copy loaded), against the
 * memory-bandwidth bound measured with a copy loop; peak RSS; and repeat_kv against SDPA's enable_gqa.
 * Usage: {@code DecodeBench [dir] [--keep]} (default /tmp/t4j-bench-qwen2-0.5b, deleted afterwards unless --keep).
 */
public final class DecodeBench {
    private static final String CONFIG = """
            {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936,
             "max_position_embeddings": 32768, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
             "tie_word_embeddings": true, "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"}""";

    public static void main(String[] args) throws Exception {
        Engine.init();
        Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "/tmp/t4j-bench-qwen2-0.5b");
        boolean keep = java.util.Arrays.asList(args).contains("--keep");
        System.out.println("threads: " + Engine.threadSettings() + ", t4j.attention=" + System.getProperty("t4j.attention", "auto"));
        double bandwidth = copyBandwidth();
        double readBandwidth = readBandwidth();

        Qwen2Config config = AutoConfig.JSON.readValue(CONFIG, Qwen2Config.class);
        if (!Files.exists(dir.resolve("config.json"))) {
            SyntheticCheckpoint.write(dir, config, Qwen2ForCausalLM::new, ScalarType.BFloat16, 5_000_000_000L);
        }
        try (Qwen2ForCausalLM model = Qwen2ForCausalLM.fromPretrained(dir,
                PretrainedOptions.defaults().withDtype(ScalarType.BFloat16).withZeroCopy(true))) {
            long params = model.numParameters();
            long embedding = (long) config.vocabSize() * config.hiddenSize();
            // per decoded token: every non-embedding weight once, plus the tied lm_head (= the embedding) for the logits
            long bytesPerToken = 2 * (params - embedding) + 2 * embedding;
            System.out.printf("model: %.1fM parameters, bf16; weight bytes read per decoded token: %.0f MB%n",
                    params / 1e6, bytesPerToken / 1e6);
            System.out.println("after load: " + SyntheticCheckpoint.memory());

            for (int t : new int[] {128, 512}) {
                double seconds = prefill(model, t);
                System.out.printf("prefill %4d tokens: %.3f s = %.0f tokens/s%n", t, seconds, t / seconds);
            }
            System.out.println("after prefill: " + SyntheticCheckpoint.memory());
            SyntheticCheckpoint.mallocTrim();
            SyntheticCheckpoint.resetPeak();
            System.out.println("after malloc_trim, VmHWM reset: " + SyntheticCheckpoint.memory());
            for (int promptLength : new int[] {32, 512}) {
                double tps = decode(model, promptLength, 64);
                double bound = bandwidth / bytesPerToken;
                double readBound = readBandwidth / bytesPerToken;
                System.out.printf("decode after a %d-token prompt: %.1f tokens/s = %.1f GB/s of weights; bound %.1f tokens/s "
                        + "(copy) -> %.0f%%, %.1f tokens/s (read) -> %.0f%%%n", promptLength, tps, tps * bytesPerToken / 1e9,
                        bound, 100 * tps / bound, readBound, 100 * tps / readBound);
            }
            System.out.println("after decode (VmHWM = decode peak): " + SyntheticCheckpoint.memory());
            gqaComparison(config);
        }
        if (!keep) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** dst.copy_(src) over 512 MiB buffers; bytes moved = read + write. */
    static double copyBandwidth() {
        try (PointerScope scope = new PointerScope()) {
            long n = 128L << 20; // floats: 512 MiB
            Tensor src = torch.ones(new long[] {n}, new TensorOptions(ScalarType.Float));
            Tensor dst = torch.zeros(new long[] {n}, new TensorOptions(ScalarType.Float));
            dst.copy_(src);
            int iters = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                dst.copy_(src);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double bw = 2.0 * n * 4 * iters / seconds;
            System.out.printf("memory bandwidth (copy loop, 512 MiB, read+write): %.1f GB/s%n", bw / 1e9);
            return bw;
        }
    }

    /** sum() over a 1 GiB float tensor: bytes read per second. */
    static double readBandwidth() {
        try (PointerScope scope = new PointerScope()) {
            long n = 256L << 20;
            Tensor src = torch.ones(new long[] {n}, new TensorOptions(ScalarType.Float));
            src.sum().item_float();
            int iters = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                src.sum().item_float();
            }
            double bw = 4.0 * n * iters / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("memory bandwidth (sum over 1 GiB, read only): %.1f GB/s%n", bw / 1e9);
            return bw;
        }
    }

    static double prefill(Qwen2ForCausalLM model, int t) {
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 4; run++) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
                 var cache = model.newCache(t)) {
                Tensor ids = torch.randint(3L, 150000L, new long[] {1, t}, new TensorOptions(ScalarType.Long));
                long t0 = System.nanoTime();
                model.forward(new CausalLMInputs(ids, null, null, cache, null, 1)).logits().sum().item_float();
                double s = (System.nanoTime() - t0) / 1e9;
                if (run > 0) {
                    best = Math.min(best, s); // run 0 warms up
                }
            }
        }
        return best;
    }

    /** Tokens per second between the first and the last new token (prefill excluded). */
    static double decode(Qwen2ForCausalLM model, int promptLength, int newTokens) {
        long[] prompt = new long[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = 1000 + i;
        }
        List<Long> stamps = new ArrayList<>();
        TokenStreamer timer = (row, token) -> stamps.add(System.nanoTime());
        GenerationConfig config = GenerationConfig.greedy(newTokens, List.of()).withPadTokenId(0);
        new Generator(model).withStreamer(timer).generate(List.of(prompt), config); // warm-up
        stamps.clear();
        GenerateOutput out = new Generator(model).withStreamer(timer).generate(List.of(prompt), config);
        if (out.newTokens(0).length != newTokens) {
            throw new IllegalStateException("generated " + out.newTokens(0).length + " tokens");
        }
        return (newTokens - 1) / ((stamps.get(stamps.size() - 1) - stamps.get(0)) / 1e9);
    }

    /** The attention implementations at decode and prefill shapes, bf16 and float32. */
    static void gqaComparison(Qwen2Config c) {
        long h = c.numAttentionHeads();
        long hkv = c.numKeyValueHeads();
        long d = c.headDim();
        for (ScalarType dtype : new ScalarType[] {ScalarType.BFloat16, ScalarType.Float}) {
            for (long[] ts : new long[][] {{1, 512}, {1, 2048}, {128, 128}, {512, 512}}) {
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    TensorOptions o = new TensorOptions(dtype);
                    Tensor q = torch.randn(new long[] {1, h, ts[0], d}, o);
                    Tensor k = torch.randn(new long[] {1, hkv, ts[1], d}, o);
                    Tensor v = torch.randn(new long[] {1, hkv, ts[1], d}, o);
                    CausalMask mask = ts[0] == 1 ? new CausalMask(null, false) : new CausalMask(null, true);
                    double repeat = time(() -> torch.scaled_dot_product_attention(q, Attention.repeatKv(k, h / hkv),
                            Attention.repeatKv(v, h / hkv), new TensorOptional(), 0.0, mask.isCausal(), new DoubleOptional(), false));
                    double gqa = time(() -> Attention.sdpa(q, k, v, mask, h / hkv, 0.0));
                    double eager = time(() -> Attention.eager(q, k, v, mask, h / hkv, 0.0));
                    System.out.printf("attention %s T=%d S=%d: sdpa+repeat_kv %.0f us, sdpa enable_gqa %.0f us, eager grouped %.0f us%n",
                            dtype, ts[0], ts[1], repeat * 1e6, gqa * 1e6, eager * 1e6);
                }
            }
        }
    }

    private static double time(java.util.function.Supplier<Tensor> f) {
        for (int i = 0; i < 5; i++) {
            try (PointerScope s = new PointerScope()) {
                f.get();
            }
        }
        int iters = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            try (PointerScope s = new PointerScope()) {
                f.get();
            }
        }
        return (System.nanoTime() - t0) / 1e9 / iters;
    }
}
