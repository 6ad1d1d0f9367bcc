package io.t4j.models.onnx;

import static io.t4j.models.onnx.OnnxBuilder.intAttr;
import static io.t4j.models.onnx.OnnxBuilder.intsAttr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny BERT encoder written as torch.onnx.export (opset 11) writes one: HF-named embeddings, biases and LayerNorm
 * parameters; anonymous {@code onnx::MatMul_N} Linear weights in [in, out] layout added to their bias; LayerNorm
 * expanded to ReduceMean/Sub/Pow/ReduceMean/Add(eps)/Sqrt/Div/Mul/Add; heads split by a Reshape to a Concat ending
 * in constants [H, D]; GELU as Erf. The graph is complete, so ONNX Runtime runs it. V=16, C=8, P=10, I=12, D=4.
 *
 * @param layers           num_hidden_layers
 * @param heads            num_attention_heads (C / heads = D)
 * @param eps              LayerNorm epsilon written in every LayerNorm
 * @param relu             Relu instead of GELU between the intermediate and output Linears
 * @param anonymousBiasOf  the Linear (e.g. {@code encoder.layer.0.attention.self.key}) whose bias gets an anonymous name
 * @param extra            an extra initializer: {@code classifier.weight} (float [2, C]), a name ending in
 *                         {@code .bias} (a float scalar), or any other name (an int64 [4] shape constant)
 * @param omitted          a parameter left out of the initializers (its nodes still read it)
 */
record SyntheticBert(int layers, int heads, float eps, boolean relu, String anonymousBiasOf, String extra,
                     String omitted) {
    static final int VOCAB = 16;
    static final int HIDDEN = 8;
    static final int POSITIONS = 10;
    static final int INTERMEDIATE = 12;
    static final String POSITION_IDS = "embeddings.position_ids";

    static SyntheticBert standard() {
        return new SyntheticBert(2, 2, 1e-6f, false, null, null, null);
    }

    SyntheticBert withRelu() {
        return new SyntheticBert(layers, heads, eps, true, anonymousBiasOf, extra, omitted);
    }

    SyntheticBert withAnonymousBias(String linear) {
        return new SyntheticBert(layers, heads, eps, relu, linear, extra, omitted);
    }

    SyntheticBert withExtra(String initializer) {
        return new SyntheticBert(layers, heads, eps, relu, anonymousBiasOf, initializer, omitted);
    }

    SyntheticBert without(String parameter) {
        return new SyntheticBert(layers, heads, eps, relu, anonymousBiasOf, extra, parameter);
    }

    /** The written file: its bytes, every float initializer's values by name, and each Linear's weight name. */
    record Written(byte[] bytes, Map<String, float[]> values, Map<String, String> matMulOf) {}

    Written build() {
        return new Writer(this).write();
    }

    Path write(Path file) {
        try {
            return Files.write(file, build().bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WordPiece tokenizer.json over the 16 ids, with BERT's special tokens as added_tokens. */
    static Path tokenizerJson(Path file, boolean withMask) {
        String added = "{\"id\":0,\"content\":\"[PAD]\",\"special\":true},{\"id\":1,\"content\":\"[UNK]\",\"special\":true},"
                + "{\"id\":2,\"content\":\"[CLS]\",\"special\":true},{\"id\":3,\"content\":\"[SEP]\",\"special\":true}"
                + (withMask ? ",{\"id\":4,\"content\":\"[MASK]\",\"special\":true}" : "");
        StringBuilder vocab = new StringBuilder("\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"[MASK]\":4");
        for (int i = 5; i < VOCAB; i++) {
            vocab.append(",\"").append((char) ('a' + i - 5)).append("\":").append(i);
        }
        String json = "{\"version\":\"1.0\",\"added_tokens\":[" + added + "],\"normalizer\":{\"type\":\"BertNormalizer\","
                + "\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"model\":{\"type\":\"WordPiece\","
                + "\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\",\"vocab\":{" + vocab + "}}}";
        try {
            return Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Writer {
        private final SyntheticBert spec;
        private final OnnxBuilder g = new OnnxBuilder();
        private final Random random = new Random(42);
        private final Map<String, float[]> values = new HashMap<>();
        private final Map<String, String> matMulOf = new HashMap<>();
        private int matMuls = 700;
        private String batch;
        private String length;
        private String extendedMask;

        Writer(SyntheticBert spec) {
            this.spec = spec;
        }

        Written write() {
            g.input("input_ids", OnnxBuilder.INT64).input("attention_mask", OnnxBuilder.INT64)
                    .input("token_type_ids", OnnxBuilder.INT64).output("last_hidden_state", OnnxBuilder.FLOAT);
            extendedMask = extendedMask();
            String shape = g.node("Shape", List.of("input_ids"));
            batch = dim(shape, 0);
            length = dim(shape, 1);
            String x = embeddings();
            for (int l = 0; l < spec.layers(); l++) {
                x = layer(x, "encoder.layer." + l + ".");
            }
            g.node("Identity", List.of(x), "last_hidden_state");
            if (spec.extra() != null) {
                extra(spec.extra());
            }
            return new Written(g.build(), values, matMulOf);
        }

        private void extra(String name) {
            if (name.equals("classifier.weight")) {
                param(name, 2, HIDDEN);
            } else if (name.endsWith(".bias")) {
                g.rawFloats(name, new long[0], new float[] {0.5f});
            } else {
                g.int64Data(name, new long[] {4}, new long[] {0, 0, spec.heads(), HIDDEN / spec.heads()});
            }
        }

        /** (1 - mask[:, None, None, :]) * float.min, as HF's get_extended_attention_mask. */
        private String extendedMask() {
            String m = g.node("Unsqueeze", List.of("attention_mask"), intsAttr("axes", 1));
            m = g.node("Unsqueeze", List.of(m), intsAttr("axes", 2));
            m = g.node("Cast", List.of(m), intAttr("to", OnnxBuilder.FLOAT));
            m = g.node("Sub", List.of(g.constantFloat(1f), m));
            return g.node("Mul", List.of(m, g.constantFloat(-Float.MAX_VALUE)));
        }

        private String dim(String shape, long axis) {
            String d = g.node("Gather", List.of(shape, g.constantScalar(axis)), intAttr("axis", 0));
            return g.node("Unsqueeze", List.of(d), intsAttr("axes", 0));
        }

        private String embeddings() {
            String words = param("embeddings.word_embeddings.weight", VOCAB, HIDDEN);
            String positions = param("embeddings.position_embeddings.weight", POSITIONS, HIDDEN);
            String types = param("embeddings.token_type_embeddings.weight", 2, HIDDEN);
            long[] ids = new long[POSITIONS];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
            }
            g.int64Data(POSITION_IDS, new long[] {1, POSITIONS}, ids);
            String positionIds = g.node("Slice", List.of(POSITION_IDS, g.constantLongs(0), length,
                    g.constantLongs(1), g.constantLongs(1)));
            String x = g.node("Add", List.of(g.node("Gather", List.of(words, "input_ids")),
                    g.node("Gather", List.of(types, "token_type_ids"))));
            x = g.node("Add", List.of(x, g.node("Gather", List.of(positions, positionIds))));
            return layerNorm(x, "embeddings.LayerNorm");
        }

        private String layer(String x, String p) {
            String q = split(linear(x, p + "attention.self.query", HIDDEN, HIDDEN), 0, 2, 1, 3); // [B,H,T,D]
            String k = split(linear(x, p + "attention.self.key", HIDDEN, HIDDEN), 0, 2, 3, 1);   // [B,H,D,T]
            String v = split(linear(x, p + "attention.self.value", HIDDEN, HIDDEN), 0, 2, 1, 3); // [B,H,T,D]
            String scores = g.node("Div", List.of(g.node("MatMul", List.of(q, k)),
                    g.constantFloat((float) Math.sqrt(HIDDEN / spec.heads()))));
            String probs = g.node("Softmax", List.of(g.node("Add", List.of(scores, extendedMask))), intAttr("axis", 3));
            String ctx = g.node("Transpose", List.of(g.node("MatMul", List.of(probs, v))), intsAttr("perm", 0, 2, 1, 3));
            ctx = g.node("Reshape", List.of(ctx, g.node("Concat", List.of(batch, length, g.constantLongs(HIDDEN)),
                    intAttr("axis", 0)))); // [B,T,H,D] -> [B,T,C]
            String h = layerNorm(g.node("Add", List.of(linear(ctx, p + "attention.output.dense", HIDDEN, HIDDEN), x)),
                    p + "attention.output.LayerNorm");
            String i = activation(linear(h, p + "intermediate.dense", HIDDEN, INTERMEDIATE));
            return layerNorm(g.node("Add", List.of(linear(i, p + "output.dense", INTERMEDIATE, HIDDEN), h)),
                    p + "output.LayerNorm");
        }

        /** [B,T,C] -> [B,T,H,D] -> permuted, with the Reshape target Concat(B, T, [H], [D]) as the export has it. */
        private String split(String x, long... perm) {
            String shape = g.node("Concat", List.of(batch, length, g.constantLongs(spec.heads()),
                    g.constantLongs(HIDDEN / spec.heads())), intAttr("axis", 0));
            return g.node("Transpose", List.of(g.node("Reshape", List.of(x, shape))), intsAttr("perm", perm));
        }

        private String activation(String x) {
            if (spec.relu()) {
                return g.node("Relu", List.of(x));
            }
            String erf = g.node("Erf", List.of(g.node("Div", List.of(x, g.constantFloat((float) Math.sqrt(2))))));
            String y = g.node("Mul", List.of(x, g.node("Add", List.of(erf, g.constantFloat(1f)))));
            return g.node("Mul", List.of(y, g.constantFloat(0.5f)));
        }

        /** Add(bias, MatMul(x, W)) with W an anonymous [in, out] initializer, bias first as in the export. */
        private String linear(String x, String prefix, int in, int out) {
            String w = "onnx::MatMul_" + matMuls++;
            param(w, in, out);
            matMulOf.put(prefix + ".weight", w);
            String bias = prefix.equals(spec.anonymousBiasOf()) ? "onnx::Add_" + matMuls++ : prefix + ".bias";
            param(bias, out);
            return g.node("Add", List.of(bias, g.node("MatMul", List.of(x, w))));
        }

        private String layerNorm(String x, String prefix) {
            String mean = g.node("ReduceMean", List.of(x), intsAttr("axes", -1));
            String d = g.node("Sub", List.of(x, mean));
            String var = g.node("ReduceMean", List.of(g.node("Pow", List.of(d, g.constantFloat(2f)))), intsAttr("axes", -1));
            String std = g.node("Sqrt", List.of(g.node("Add", List.of(var, g.constantFloat(spec.eps())))));
            String weight = prefix + ".weight";
            float[] w = new float[HIDDEN];
            for (int i = 0; i < w.length; i++) {
                w[i] = 1f + 0.1f * (float) random.nextGaussian();
            }
            if (!weight.equals(spec.omitted())) {
                g.floatData(weight, new long[] {HIDDEN}, w); // the typed float_data field, not raw_data
            }
            values.put(weight, w);
            String y = g.node("Mul", List.of(g.node("Div", List.of(d, std)), weight));
            return g.node("Add", List.of(y, param(prefix + ".bias", HIDDEN)));
        }

        private String param(String name, long... dims) {
            float[] v = new float[(int) java.util.Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.3f * (float) random.nextGaussian();
            }
            values.put(name, v);
            if (!name.equals(spec.omitted())) {
                g.rawFloats(name, dims, v);
            }
            return name;
        }
    }
}
