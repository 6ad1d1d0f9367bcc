package io.t4j.benchmarks;

import io.t4j.engine.nn.Parameter;
import io.t4j.models.AutoConfig;
import io.t4j.models.ModelFamily;
import io.t4j.models.ModelInputs;
import io.t4j.models.ModelRegistry;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.Task;
import io.t4j.trainer.optim.AdamW;
import io.t4j.trainer.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The encoder families side by side at bge-small's size (hidden 384, 12 layers, 12 heads, intermediate 1536; random
 * weights, vocabulary 30522 for all so the embedding and its optimizer state cost the same): sequence-classification
 * inference (forward) and training (forward, backward, AdamW step) in fp32 on unpadded batches of random ids, at each
 * of the --family-lengths with the same number of tokens per batch, so tokens/s shows how each attention's cost grows
 * with the length. Families are interleaved within each round; each figure is the median over rounds and timed steps.
 * A family that is not registered (model_type unknown to this build) is listed as skipped.
 */
public final class FamiliesSection {
    private FamiliesSection() {}

    /**
     * One model of the comparison.
     *
     * @param name      the row's name
     * @param modelType config.json's model_type
     * @param config    config.json fields (HF's names) over the family's defaults
     * @param note      what differs from the common shape
     * @param properties system properties set while this row is measured (a lever such as {@code t4j.attention})
     */
    public record Spec(String name, String modelType, Map<String, Object> config, String note, Map<String, String> properties) {
        public Spec(String name, String modelType, Map<String, Object> config, String note) {
            this(name, modelType, config, note, Map.of());
        }
    }

    /**
     * One measurement.
     *
     * @param name            the spec
     * @param modelType       its model_type
     * @param layers          encoder layers
     * @param nonEmbeddingParams parameters outside the embedding tables and the head
     * @param length          tokens per sequence
     * @param batch           sequences per batch
     * @param inferMs         every timed forward, ms
     * @param trainMs         every timed training step, ms
     * @param inferTokensPerSecond batch * length / median forward
     * @param trainTokensPerSecond batch * length / median step
     */
    public record Row(String name, String modelType, int layers, long nonEmbeddingParams, int length, int batch,
                      List<Double> inferMs, List<Double> trainMs, double inferTokensPerSecond, double trainTokensPerSecond) {}

    /** The section's result: rows, skipped specs (with why) and the settings. */
    public record Result(List<Row> rows, Map<String, String> skipped, int tokensPerBatch, int rounds, int steps,
                         List<String> notes) implements SectionResult {
        @Override
        public List<Table> tables() {
            var out = Table.newRows();
            for (Row r : rows) {
                Row bert = rows.stream().filter(b -> b.modelType().equals("bert") && b.length() == r.length()).findFirst().orElse(null);
                Row short_ = rows.stream().filter(s -> s.name().equals(r.name()) && s.length() == rows.stream()
                        .mapToInt(Row::length).min().orElse(r.length())).findFirst().orElse(null);
                out.add(List.of(r.name(), Integer.toString(r.layers()), Table.num(r.nonEmbeddingParams() / 1e6, 1) + "M",
                        Integer.toString(r.length()), Integer.toString(r.batch()),
                        Table.num(Stats.median(r.inferMs()), 0), Table.num(r.inferTokensPerSecond(), 0),
                        bert == null ? "n/a" : Table.num(r.inferTokensPerSecond() / bert.inferTokensPerSecond(), 2) + "x",
                        Table.num(Stats.median(r.trainMs()), 0), Table.num(r.trainTokensPerSecond(), 0),
                        bert == null ? "n/a" : Table.num(r.trainTokensPerSecond() / bert.trainTokensPerSecond(), 2) + "x",
                        short_ == null ? "n/a" : Table.num(r.inferTokensPerSecond() / short_.inferTokensPerSecond(), 2),
                        short_ == null ? "n/a" : Table.num(r.trainTokensPerSecond() / short_.trainTokensPerSecond(), 2)));
            }
            List<String> n = new ArrayList<>(notes);
            skipped.forEach((k, v) -> n.add("skipped " + k + ": " + v));
            return List.of(new Table("families: sequence classification at bge-small's size, fp32, " + tokensPerBatch
                    + " tokens per batch, " + rounds + " rounds x " + steps + " timed steps", List.of("model", "layers",
                    "non-emb params", "T", "B", "infer ms", "infer tok/s", "vs BERT", "train ms", "train tok/s", "vs BERT",
                    "infer vs shortest T", "train vs shortest T"), out, n));
        }
    }

    /** The specs compared at bge-small's size. */
    public static List<Spec> specs() {
        return specs(384, 12, 12, 1536, 1024);
    }

    /**
     * The specs compared: BERT, RoBERTa, XLM-R, ELECTRA, DistilBERT (half the layers), DeBERTa-v3, ModernBERT, and
     * ModernBERT with {@code equalMlp} as its intermediate size (GeGLU's Wi is twice as wide, so 2/3 of BERT's gives
     * BERT's MLP parameter count).
     */
    static List<Spec> specs(int hidden, int layers, int heads, int intermediate, int equalMlp) {
        Map<String, Object> common = Map.of("vocab_size", 30522, "hidden_size", hidden, "num_hidden_layers", layers,
                "num_attention_heads", heads, "intermediate_size", intermediate);
        List<Spec> specs = new ArrayList<>();
        specs.add(new Spec("BERT", "bert", with(common, Map.of("max_position_embeddings", 512)), "bge-small's shape"));
        specs.add(new Spec("RoBERTa", "roberta", with(common, Map.of("max_position_embeddings", 514, "type_vocab_size", 1,
                "pad_token_id", 1)), "positions from padding_idx + 1"));
        specs.add(new Spec("XLM-R", "xlm-roberta", with(common, Map.of("max_position_embeddings", 514, "type_vocab_size", 1,
                "pad_token_id", 1)), "RoBERTa's architecture"));
        specs.add(new Spec("ELECTRA", "electra", with(common, Map.of("max_position_embeddings", 512, "embedding_size", 384)),
                "embedding_size = hidden (no projection)"));
        specs.add(new Spec("DistilBERT (" + layers / 2 + " layers)", "distilbert", Map.of("vocab_size", 30522, "dim", hidden,
                "n_layers", layers / 2, "n_heads", heads, "hidden_dim", intermediate, "max_position_embeddings", 512),
                "half the layers, as every DistilBERT"));
        Map<String, Object> deberta = with(common, Map.of("max_position_embeddings", 512, "relative_attention", true,
                "position_buckets", 256, "max_relative_positions", -1, "pos_att_type", List.of("p2c", "c2p"),
                "share_att_key", true, "norm_rel_ebd", "layer_norm", "position_biased_input", false, "type_vocab_size", 0));
        specs.add(new Spec("DeBERTa-v3", "deberta-v2", deberta,
                "DeBERTa-v3's attention: 256 buckets, c2p + p2c, shared keys; inference: SDPA with the relative terms as its mask"));
        specs.add(new Spec("DeBERTa-v3 (eager attention)", "deberta-v2", deberta,
                "the same with -Dt4j.attention=eager: HF's matmul-softmax-matmul in inference too (training is eager anyway: dropout)",
                Map.of("t4j.attention", "eager")));
        Map<String, Object> modernbert = with(common, Map.of("pad_token_id", 0, "max_position_embeddings", 8192));
        specs.add(new Spec("ModernBERT", "modernbert", modernbert, "GeGLU (Wi is 2 x " + intermediate
                + "), global attention every 3rd layer, else a 128-token window (banded when 3 x 64 < T); no dropout (its default)"));
        specs.add(new Spec("ModernBERT (masked window)", "modernbert", modernbert,
                "the same with -Dt4j.modernbert.window=masked: local layers compute the [T,T] grid under a mask (HF's eager and SDPA paths)",
                Map.of("t4j.modernbert.window", "masked")));
        specs.add(new Spec("ModernBERT (I=" + equalMlp + ")", "modernbert", with(common, Map.of("pad_token_id", 0,
                "max_position_embeddings", 8192, "intermediate_size", equalMlp)), "GeGLU with BERT's MLP parameter count"));
        return specs;
    }

    private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(extra);
        return m;
    }

    public static Result run(BenchContext ctx) {
        return run(ctx, specs());
    }

    static Result run(BenchContext ctx, List<Spec> specs) {
        BenchOptions o = ctx.options();
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<Spec, SequenceClassificationModel<?>> models = new LinkedHashMap<>();
        torch.manual_seed(0);
        for (Spec s : specs) {
            if (!o.familyNames().isEmpty() && !o.familyNames().contains(s.modelType())) {
                continue;
            }
            var entry = ModelRegistry.entry(s.modelType(), Task.SEQUENCE_CLASSIFICATION);
            if (entry.isEmpty()) {
                skipped.put(s.name(), "model_type '" + s.modelType() + "' is not registered in this build");
                continue;
            }
            Map<String, Object> json = with(s.config(), Map.of("model_type", s.modelType()));
            ModelFamily<?> family = entry.get().family();
            PretrainedConfig config = AutoConfig.JSON.convertValue(json, family.configClass());
            models.put(s, (SequenceClassificationModel<?>) entry.get().constructor().apply(config));
        }
        Map<String, List<Double>> infer = new LinkedHashMap<>();
        Map<String, List<Double>> train = new LinkedHashMap<>();
        for (int round = 0; round < o.familyRounds(); round++) {
            for (int length : o.familyLengths()) {
                int batch = Math.max(1, o.familyTokens() / length);
                for (var e : models.entrySet()) {
                    String key = e.getKey().name() + "@" + length;
                    Progress.say("families round %d: %s T=%d B=%d", round + 1, e.getKey().name(), length, batch);
                    Map<String, String> previous = setProperties(e.getKey().properties());
                    try {
                        infer.computeIfAbsent(key, k -> new ArrayList<>()).addAll(inferMs(e.getValue(), batch, length, o.familySteps()));
                        train.computeIfAbsent(key, k -> new ArrayList<>()).addAll(trainMs(e.getValue(), batch, length, o.familySteps()));
                    } finally {
                        setProperties(previous);
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (var e : models.entrySet()) {
            for (int length : o.familyLengths()) {
                int batch = Math.max(1, o.familyTokens() / length);
                String key = e.getKey().name() + "@" + length;
                double tokens = (double) batch * length;
                rows.add(new Row(e.getKey().name(), e.getKey().modelType(), layers(e.getValue()), nonEmbeddingParams(e.getValue()),
                        length, batch, infer.get(key), train.get(key), tokens / Stats.median(infer.get(key)) * 1e3,
                        tokens / Stats.median(train.get(key)) * 1e3));
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add("random weights, random ids, no padding; inference: model.forward under InferenceMode (eval); training: "
                + "forward + backward + AdamW step (lr 1e-5, weight decay 0.01, fused) in train mode, each family's default dropout");
        notes.add("vs BERT: tokens/s over BERT's at the same T; vs shortest T: this model's tokens/s at this T over its own at the "
                + "shortest T (the cost curve: 1.00 would mean attention's T^2 costs nothing)");
        for (Spec s : models.keySet()) {
            notes.add(s.name() + ": " + s.note());
        }
        return new Result(rows, skipped, o.familyTokens(), o.familyRounds(), o.familySteps(), notes);
    }

    /** Sets each property (a null value clears it) and returns the previous values, to restore them. */
    private static Map<String, String> setProperties(Map<String, String> properties) {
        Map<String, String> previous = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            previous.put(k, System.getProperty(k));
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        return previous;
    }

    /** One warm-up forward, then {@code steps} timed ones. */
    private static List<Double> inferMs(SequenceClassificationModel<?> model, int batch, int length, int steps) {
        model.eval();
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i <= steps; i++) {
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                ModelInputs in = inputs(batch, length);
                long t0 = System.nanoTime();
                model.forward(in).logits().sum().item_double(); // waits for the result
                if (i > 0) {
                    ms.add(Stats.msSince(t0));
                }
            }
        }
        return ms;
    }

    /** One warm-up step, then {@code steps} timed ones; the optimizer state is freed after. */
    private static List<Double> trainMs(SequenceClassificationModel<?> model, int batch, int length, int steps) {
        model.train();
        List<Double> ms = new ArrayList<>();
        List<Parameter> params = model.parameters();
        try (AdamW opt = new AdamW(List.of(new ParamGroup(params, 1e-5, 0.01)), 0.9, 0.999, 1e-8, true)) {
            for (int i = 0; i <= steps; i++) {
                try (PointerScope scope = new PointerScope()) {
                    ModelInputs in = inputs(batch, length).withLabels(torch.randint(2, new long[] {batch}));
                    long t0 = System.nanoTime();
                    Tensor loss = model.forward(in).loss();
                    loss.backward();
                    opt.step();
                    opt.zeroGrad();
                    if (i > 0) {
                        ms.add(Stats.msSince(t0));
                    }
                }
            }
        }
        model.zeroGrad();
        model.eval();
        return ms;
    }

    private static ModelInputs inputs(int batch, int length) {
        Tensor ids = torch.randint(5, 30000, new long[] {batch, length});
        return new ModelInputs(ids, torch.ones_like(ids), null);
    }

    private static int layers(SequenceClassificationModel<?> model) {
        return (int) model.namedModules().keySet().stream()
                .filter(k -> k.matches(".*\\.(layer|layers)\\.\\d+")).count();
    }

    private static long nonEmbeddingParams(SequenceClassificationModel<?> model) {
        String base = model.family().baseModelPrefix() + ".";
        long n = 0;
        for (var e : model.namedParameters().entrySet()) {
            if (e.getKey().startsWith(base) && !e.getKey().startsWith(base + "embeddings.")) {
                n += e.getValue().numel();
            }
        }
        return n;
    }
}
