package io.t4j.benchmarks;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decode and prefill speed of a Qwen2.5-0.5B-shaped model with random bf16 weights (written to a temporary
 * checkpoint, loaded zero-copy), against the memory-bandwidth bound measured with a copy loop and a read-only sum,
 * with RSS; and the GQA attention implementations (repeat_kv + SDPA, SDPA enable_gqa, eager grouped) at decode and
 * prefill shapes. (Formerly t4j-models' DecodeBench.)
 */
public final class GenerateSection {
    private static final String CONFIG = """
            {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936,
             "max_position_embeddings": 32768, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
             "tie_word_embeddings": true, "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"}""";

    private GenerateSection() {}

    /**
     * A decode measurement.
     *
     * @param promptTokens        prompt length
     * @param newTokens           tokens generated
     * @param tokensPerSecond     between the first and the last new token (prefill excluded)
     * @param boundFraction       tokens/s over the read-bandwidth bound (weight bytes per token / read GB/s)
     */
    public record Decode(int promptTokens, int newTokens, double tokensPerSecond, double boundFraction) {}

    /**
     * A prefill measurement (logits of the last position only).
     *
     * @param tokens          prompt length
     * @param seconds         the fastest of 3 timed runs after a warm-up
     * @param tokensPerSecond tokens / seconds
     */
    public record Prefill(int tokens, double seconds, double tokensPerSecond) {}

    /**
     * One attention call's time.
     *
     * @param dtype        bf16 or fp32
     * @param t            query length
     * @param s            key length
     * @param repeatKvUs   SDPA over repeat_kv'd keys and values
     * @param enableGqaUs  SDPA with enable_gqa
     * @param eagerUs      eager attention with grouped heads
     */
    public record AttentionTiming(String dtype, long t, long s, double repeatKvUs, double enableGqaUs, double eagerUs) {}

    /**
     * The section's result.
     *
     * @param parameters        model parameters
     * @param bytesPerToken     weight bytes read per decoded token
     * @param copyGBs           copy-loop bandwidth (read + write)
     * @param readGBs           read-only bandwidth
     * @param prefill           prefill at 128 and 512 tokens
     * @param decode            decode after 32- and 512-token prompts
     * @param rssAfterLoadMiB   RSS after the zero-copy load
     * @param peakRssMiB        VmHWM of the decode phase (reset after the prefill and a malloc_trim)
     * @param attention         the GQA attention comparison
     */
    public record Result(long parameters, long bytesPerToken, double copyGBs, double readGBs, List<Prefill> prefill,
                         List<Decode> decode, double rssAfterLoadMiB, double peakRssMiB, List<AttentionTiming> attention)
            implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            rows.add(List.of("memory bandwidth, copy loop (read + write)", Table.num(copyGBs, 1) + " GB/s"));
            rows.add(List.of("memory bandwidth, read only (sum)", Table.num(readGBs, 1) + " GB/s"));
            rows.add(List.of("weight bytes read per decoded token", Table.num(bytesPerToken / 1e6, 0) + " MB"));
            prefill.forEach(p -> rows.add(List.of("prefill " + p.tokens() + " tokens", Table.num(p.tokensPerSecond(), 0) + " tokens/s")));
            decode.forEach(d -> rows.add(List.of("decode after a " + d.promptTokens() + "-token prompt",
                    Table.num(d.tokensPerSecond(), 1) + " tokens/s (" + Table.pct(d.boundFraction()) + " of the read bound)")));
            rows.add(List.of("RSS after zero-copy load / decode peak", Table.num(rssAfterLoadMiB, 0) + " / "
                    + Table.num(peakRssMiB, 0) + " MiB"));
            var att = Table.newRows();
            attention.forEach(a -> att.add(List.of(a.dtype(), a.t() + ", " + a.s(), Table.num(a.repeatKvUs(), 0),
                    Table.num(a.enableGqaUs(), 0), Table.num(a.eagerUs(), 0))));
            return List.of(
                    new Table(String.format(Locale.ROOT, "generate: Qwen2.5-0.5B shape, random bf16 weights, %.1fM parameters", parameters / 1e6),
                            List.of("what", "result"), rows, List.of("greedy Generator with the KV cache, 64 new tokens")),
                    new Table("generate: one GQA attention call (B=1, H=14, Hkv=2, D=64), microseconds",
                            List.of("dtype", "T, S", "SDPA + repeat_kv", "SDPA enable_gqa", "eager, grouped"), att, List.of()));
        }
    }

    /** Writes the checkpoint into a temporary folder, measures, deletes it. */
    public static Result run(BenchContext ctx) throws Exception {
        Path dir = TempFiles.dir("t4j-bench-qwen2-0.5b", "the random Qwen2 checkpoint");
        try {
            Progress.say("generate: bandwidth");
            double copy = copyBandwidth();
            double read = readBandwidth();
            Qwen2Config config = AutoConfig.JSON.readValue(CONFIG, Qwen2Config.class);
            Progress.say("generate: writing a random Qwen2-0.5B-shaped checkpoint to %s", dir);
            SyntheticCheckpoint.write(dir, config, Qwen2ForCausalLM::new, ScalarType.BFloat16, 5_000_000_000L);
            return measure(dir, config, copy, read);
        } finally {
            TempFiles.deleteTree(dir);
        }
    }

    private static Result measure(Path dir, Qwen2Config config, double copy, double read) {
        try (Qwen2ForCausalLM model = Qwen2ForCausalLM.fromPretrained(dir,
                PretrainedOptions.defaults().withDtype(ScalarType.BFloat16).withZeroCopy(true))) {
            long params = model.numParameters();
            long embedding = (long) config.vocabSize() * config.hiddenSize();
            long bytesPerToken = 2 * (params - embedding) + 2 * embedding; // non-embedding weights + the tied lm_head
            double rssAfterLoad = Proc.rssMiB();
            List<Prefill> prefill = new ArrayList<>();
            for (int t : new int[] {128, 512}) {
                Progress.say("generate: prefill %d", t);
                double s = prefill(model, t);
                prefill.add(new Prefill(t, s, t / s));
            }
            Proc.mallocTrim();
            Proc.resetPeak();
            List<Decode> decode = new ArrayList<>();
            for (int prompt : new int[] {32, 512}) {
                Progress.say("generate: decode after %d tokens", prompt);
                double tps = decode(model, prompt, 64);
                decode.add(new Decode(prompt, 64, tps, tps / (read / bytesPerToken)));
            }
            double peak = Proc.peakRssMiB();
            return new Result(params, bytesPerToken, copy / 1e9, read / 1e9, prefill, decode, rssAfterLoad, peak,
                    gqaComparison(config));
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
            return 2.0 * n * 4 * iters / ((System.nanoTime() - t0) / 1e9);
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
            return 4.0 * n * iters / ((System.nanoTime() - t0) / 1e9);
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
            throw new IllegalStateException("generated " + out.newTokens(0).length + " tokens, expected " + newTokens);
        }
        return (newTokens - 1) / ((stamps.get(stamps.size() - 1) - stamps.get(0)) / 1e9);
    }

    /** The attention implementations at decode and prefill shapes, bf16 and float32. */
    static List<AttentionTiming> gqaComparison(Qwen2Config c) {
        long h = c.numAttentionHeads();
        long hkv = c.numKeyValueHeads();
        long d = c.headDim();
        List<AttentionTiming> out = new ArrayList<>();
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
                    out.add(new AttentionTiming(dtype == ScalarType.Float ? "fp32" : "bf16", ts[0], ts[1],
                            repeat * 1e6, gqa * 1e6, eager * 1e6));
                }
            }
        }
        return out;
    }

    private static double time(java.util.function.Supplier<Tensor> f) {
        for (int i = 0; i < 3; i++) {
            try (PointerScope s = new PointerScope()) {
                f.get();
            }
        }
        double[] t = new double[10];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            try (PointerScope s = new PointerScope()) {
                f.get();
            }
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return Stats.median(t);
    }
}
