package io.t4j.models.onnx;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.nn.Init;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertModel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Recovers HF's {@code BertModel} checkpoint from the ONNX graph of a BERT encoder exported by
 * {@code torch.onnx.export} (as the Xenova/optimum exports are): the config from the graph and the initializer
 * shapes, and every parameter under its HF name.
 *
 * <p>The rules, each checked (a graph that breaks one is an error naming the file and the tensor or node):
 * <ul>
 *   <li><b>Names.</b> Embedding tables, biases and LayerNorm parameters keep their HF names. A Linear's weight is an
 *       anonymous {@code onnx::MatMul_N} initializer in [in, out] layout, used as {@code MatMul(x, W)} whose output
 *       is added to the Linear's bias: the bias's name gives the weight's ({@code ...query.bias} →
 *       {@code ...query.weight}), and the weight is transposed to HF's [out, in].</li>
 *   <li><b>Every initializer is accounted for.</b> Each is a parameter of {@code BertModel} (with the pooler when
 *       the export has one) or a graph constant: a scalar or 0/1-d integer tensor (shapes, axes, indices) not named
 *       {@code *.weight}/{@code *.bias}, or the position-id buffer {@code embeddings.position_ids}, which must hold
 *       0..P-1. Anything else is an error, as is a parameter the graph lacks or one whose shape does not match the
 *       inferred config.</li>
 *   <li><b>Config.</b> vocab_size and hidden_size from {@code embeddings.word_embeddings.weight};
 *       max_position_embeddings and type_vocab_size from the position and token-type tables; num_hidden_layers
 *       from the {@code encoder.layer.N} indices; intermediate_size from the intermediate Linear;
 *       num_attention_heads from the constant [H, D] at the end of the shape each layer's query projection is
 *       reshaped to (HF's {@code transpose_for_scores}); layer_norm_eps from every LayerNorm (LayerNormalization's
 *       epsilon, or the constant added to the variance in the ReduceMean/Pow/Add/Sqrt expansion opset 11 uses),
 *       which must agree; hidden_act from the ops between the intermediate and output Linears (Erf: gelu, Tanh:
 *       gelu_new, Relu: relu, Sigmoid: silu), which must agree across layers; absolute positions checked (the
 *       position table is gathered at the constant 0..P-1). pad_token_id comes from the tokenizer. Fields a graph
 *       cannot show (dropout probabilities, initializer_range) take HF's defaults, which are also bge-small's and
 *       MiniLM's.</li>
 * </ul>
 */
final class BertGraphReader {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    static final String POSITION_IDS = "embeddings.position_ids";

    /** A Linear found in the graph: {@code Add(bias, MatMul(x, weight))}. */
    record Linear(String hfName, OnnxNode matMul, OnnxNode add, OnnxTensor weight) {}

    /** Where one HF parameter comes from; {@code transposed} for Linear weights stored as [in, out]. */
    record Source(String hfName, OnnxTensor tensor, boolean transposed) {}

    /** The recovered checkpoint: config, parameters in BertModel's order, and the graph constants left out. */
    record BertCheckpoint(BertConfig config, List<Source> parameters, List<String> constants) {}

    private final Path file;
    private final OnnxGraph graph;

    BertGraphReader(OnnxModel model) {
        this.file = model.file();
        this.graph = model.graph();
    }

    BertCheckpoint read(int padTokenId) {
        requireBert();
        Map<String, Linear> linears = recoverLinears();
        Map<String, OnnxTensor> named = new LinkedHashMap<>();
        List<String> constants = new ArrayList<>();
        Set<String> linearWeights = new HashSet<>();
        linears.values().forEach(l -> linearWeights.add(l.weight().name()));
        graph.initializers().forEach((name, t) -> {
            if (!linearWeights.contains(name)) {
                if (isGraphConstant(t)) {
                    constants.add(name);
                } else {
                    named.put(name, t);
                }
            }
        });
        checkAbsolutePositions();
        checkPositionIds();
        BertConfig config = inferConfig(linears, padTokenId);
        return new BertCheckpoint(config, match(config, linears, named), constants);
    }

    private void requireBert() {
        OnnxTensor words = graph.initializers().get(WORD_EMBEDDINGS);
        if (words == null || words.rank() != 2 || words.dataType() != OnnxDataType.FLOAT) {
            List<String> some = graph.initializers().keySet().stream().limit(5).toList();
            throw notBert("no float32 [vocab_size, hidden_size] initializer '" + WORD_EMBEDDINGS + "' (graph inputs "
                    + graph.inputs() + ", " + graph.initializers().size() + " initializers, e.g. " + some + ")");
        }
        if (!graph.inputs().contains("input_ids")) {
            throw notBert("no graph input 'input_ids' (inputs: " + graph.inputs() + ")");
        }
        if (graph.initializers().keySet().stream().anyMatch(k -> k.startsWith("embeddings_project.")
                || k.startsWith("electra.embeddings_project."))) {
            throw notBert("it has embeddings_project, so it is an ELECTRA encoder, whose embeddings are narrower than "
                    + "its layers; import-onnx recovers BERT graphs only: load ELECTRA from its HF folder (model.safetensors)");
        }
    }

    // ---- names ----

    /** Every {@code MatMul(x, W)} with an initializer W, named after the bias added to its output. */
    private Map<String, Linear> recoverLinears() {
        Map<String, Linear> byName = new LinkedHashMap<>();
        for (OnnxNode n : graph.nodes()) {
            OnnxTensor w = graph.initializers().get(n.input(1));
            if (!n.opType().equals("MatMul") || w == null) {
                continue;
            }
            Linear linear = linearOf(n, w);
            Linear clash = byName.putIfAbsent(linear.hfName(), linear);
            if (clash != null) {
                throw new CheckpointException(file + ": initializers '" + clash.weight().name() + "' and '"
                        + w.name() + "' both map to '" + linear.hfName() + "'");
            }
        }
        return byName;
    }

    private Linear linearOf(OnnxNode matMul, OnnxTensor w) {
        String where = file + ": " + matMul.describe() + " multiplies by initializer '" + w.name() + "'";
        if (w.rank() != 2) {
            throw new CheckpointException(where + " of shape " + Arrays.toString(w.dims()) + "; a Linear weight is 2-d");
        }
        List<OnnxNode> adds = graph.consumers(matMul.output()).stream().filter(c -> c.opType().equals("Add")).toList();
        if (adds.size() != 1) {
            throw new CheckpointException(where + " but its output is not added to a bias (" + adds.size()
                    + " Add consumers), so the weight's HF name cannot be recovered");
        }
        OnnxNode add = adds.get(0);
        String bias = add.input(0).equals(matMul.output()) ? add.input(1) : add.input(0);
        OnnxTensor b = graph.initializers().get(bias);
        if (b == null || !bias.endsWith(".bias") || bias.startsWith("onnx::")) {
            throw new CheckpointException(where + " but its output is added to '" + bias + "', which is not a named "
                    + "bias initializer, so the weight's HF name cannot be recovered");
        }
        if (b.rank() != 1 || b.dims()[0] != w.dims()[1]) {
            throw new CheckpointException(where + " " + Arrays.toString(w.dims()) + " but bias '" + bias + "' has shape "
                    + Arrays.toString(b.dims()));
        }
        return new Linear(bias.substring(0, bias.length() - ".bias".length()) + ".weight", matMul, add, w);
    }

    /**
     * The position-id buffer, and scalars and 0/1-d integer tensors (shapes, axes, indices) not named like a
     * parameter: a {@code .weight} or {@code .bias} is always checked against BertModel.
     */
    private static boolean isGraphConstant(OnnxTensor t) {
        boolean parameterName = t.name().endsWith(".weight") || t.name().endsWith(".bias");
        boolean small = t.numel() <= 1 || (t.dataType().isInteger() && t.rank() <= 1);
        return t.name().equals(POSITION_IDS) || (small && !parameterName);
    }

    /** Pairs BertModel's parameters (the spec) with the graph's tensors; every initializer must be used. */
    private List<Source> match(BertConfig config, Map<String, Linear> linears, Map<String, OnnxTensor> named) {
        boolean pooler = named.containsKey("pooler.dense.bias");
        Map<String, long[]> expected = expectedParameters(config, pooler);
        List<Source> sources = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Linear l = linears.get(e.getKey());
            Source s = l != null ? new Source(e.getKey(), l.weight(), true)
                    : named.containsKey(e.getKey()) ? new Source(e.getKey(), named.get(e.getKey()), false) : null;
            if (s == null) {
                missing.add(e.getKey());
            } else {
                checkShape(s, e.getValue());
                sources.add(s);
            }
        }
        if (!missing.isEmpty()) {
            throw notBert("BertModel parameters missing from the graph: " + missing);
        }
        checkAllUsed(expected.keySet(), linears, named);
        return sources;
    }

    private void checkAllUsed(Set<String> expected, Map<String, Linear> linears, Map<String, OnnxTensor> named) {
        List<String> unmapped = new ArrayList<>();
        linears.forEach((hf, l) -> {
            if (!expected.contains(hf)) {
                unmapped.add("'" + l.weight().name() + "' (the weight of '" + hf + "')");
            }
        });
        named.forEach((name, t) -> {
            if (!expected.contains(name)) {
                unmapped.add("'" + name + "' " + t.dataType() + " " + Arrays.toString(t.dims()));
            }
        });
        if (!unmapped.isEmpty()) {
            throw new CheckpointException(file + ": unmapped initializers, neither BertModel parameters nor graph "
                    + "constants: " + String.join(", ", unmapped));
        }
    }

    private void checkShape(Source s, long[] expected) {
        long[] dims = s.tensor().dims();
        long[] hf = s.transposed() ? new long[] {dims[1], dims[0]} : dims;
        if (!Arrays.equals(hf, expected) || s.tensor().dataType() != OnnxDataType.FLOAT) {
            throw new CheckpointException(file + ": initializer '" + s.tensor().name() + "' for '" + s.hfName() + "' is "
                    + s.tensor().dataType() + " " + Arrays.toString(hf) + (s.transposed() ? " (transposed)" : "")
                    + " but the inferred config needs FLOAT " + Arrays.toString(expected));
        }
    }

    /** BertModel's parameter names and shapes for {@code config}, from a model on the meta device (no memory). */
    private static Map<String, long[]> expectedParameters(BertConfig config, boolean pooler) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (var skip = Init.skip()) {
            new BertModel(config, pooler).namedParameters().forEach((n, p) -> shapes.put(n, p.shape()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return shapes;
    }

    // ---- config ----

    private BertConfig inferConfig(Map<String, Linear> linears, int padTokenId) {
        long[] words = table(WORD_EMBEDDINGS);
        int hidden = (int) words[1];
        int layers = numLayers(linears);
        int intermediate = (int) linear(linears, 0, "intermediate.dense").weight().dims()[1];
        int heads = agree("num_attention_heads", layers, l -> numHeads(linears, l, hidden));
        String act = agree("hidden_act", layers, l -> hiddenAct(linears, l));
        return new BertConfig(null, List.of("BertModel"), (int) words[0], hidden, layers, heads, intermediate, act,
                null, null, (int) table(POSITION_EMBEDDINGS)[0], (int) table(TOKEN_TYPE_EMBEDDINGS)[0], null,
                layerNormEps(), padTokenId, "absolute", null, null, null, null, "float32");
    }

    private long[] table(String name) {
        OnnxTensor t = graph.initializers().get(name);
        if (t == null || t.rank() != 2) {
            throw notBert("no 2-d initializer '" + name + "'");
        }
        return t.dims();
    }

    private int numLayers(Map<String, Linear> linears) {
        Set<Integer> indices = new TreeSet<>();
        for (String name : concat(linears.keySet(), graph.initializers().keySet())) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                indices.add(Integer.parseInt(m.group(1)));
            }
        }
        if (indices.isEmpty()) {
            throw notBert("no encoder.layer.N parameters");
        }
        int n = indices.size();
        if (!indices.equals(new TreeSet<>(IntStream.range(0, n).boxed().toList()))) {
            throw notBert("encoder layer indices are not 0.." + (n - 1) + ": " + indices);
        }
        return n;
    }

    private static Set<String> concat(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private Linear linear(Map<String, Linear> linears, int layer, String module) {
        String name = "encoder.layer." + layer + "." + module + ".weight";
        Linear l = linears.get(name);
        if (l == null) {
            throw notBert("no MatMul + Add for '" + name + "'");
        }
        return l;
    }

    /** The value every layer gives for {@code field}; layers that disagree are an error. */
    private <T> T agree(String field, int layers, IntFunction<T> perLayer) {
        Map<T, List<Integer>> seen = new LinkedHashMap<>();
        for (int l = 0; l < layers; l++) {
            seen.computeIfAbsent(perLayer.apply(l), k -> new ArrayList<>()).add(l);
        }
        if (seen.size() != 1) {
            throw notBert("layers disagree on " + field + " (value → layers: " + seen + ")");
        }
        return seen.keySet().iterator().next();
    }

    /** H from the constant [.., H, D] that layer {@code l}'s query projection is reshaped to, with H * D = C. */
    private int numHeads(Map<String, Linear> linears, int l, int hidden) {
        Linear query = linear(linears, l, "attention.self.query");
        for (OnnxNode n : graph.consumers(query.add().output())) {
            long[] shape = n.opType().equals("Reshape") ? reshapeTarget(n.input(1)) : null;
            if (shape != null && shape.length >= 2) {
                long h = shape[shape.length - 2];
                long d = shape[shape.length - 1];
                if (h > 0 && d > 0 && h * d == hidden) {
                    return (int) h;
                }
            }
        }
        throw notBert("cannot infer num_attention_heads: the query projection of layer " + l + " ('"
                + query.add().output() + "') is not reshaped to a constant [.., H, D] with H * D = " + hidden);
    }

    /** A Reshape's target shape: a constant, or a Concat of pieces where non-constant (dynamic) dims are -1. */
    private long[] reshapeTarget(String value) {
        Optional<OnnxTensor> c = graph.constant(value);
        if (c.isPresent()) {
            return c.get().dataType().isInteger() ? c.get().longs() : null;
        }
        OnnxNode concat = graph.producer(value).filter(p -> p.opType().equals("Concat")).orElse(null);
        if (concat == null) {
            return null;
        }
        List<Long> dims = new ArrayList<>();
        for (String in : concat.inputs()) {
            Optional<OnnxTensor> piece = graph.constant(in).filter(t -> t.dataType().isInteger());
            if (piece.isPresent()) {
                Arrays.stream(piece.get().longs()).forEach(dims::add);
            } else {
                dims.add(-1L);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** The activation between layer {@code l}'s intermediate and output Linears, from the ops in between. */
    private String hiddenAct(Map<String, Linear> linears, int l) {
        Linear in = linear(linears, l, "intermediate.dense");
        Set<String> ops = opsBetween(in.add().output());
        String act = ops.contains("Erf") ? "gelu" : ops.contains("Tanh") ? "gelu_new" : ops.contains("Relu") ? "relu"
                : ops.contains("Sigmoid") ? "silu" : null;
        if (act == null) {
            throw notBert("unrecognised activation after '" + in.hfName() + "' (ops: " + ops + ")");
        }
        return act;
    }

    /** Op types of the nodes reachable from {@code start} before the next MatMul. */
    private Set<String> opsBetween(String start) {
        Set<String> ops = new TreeSet<>();
        Set<OnnxNode> seen = new HashSet<>();
        Deque<String> values = new ArrayDeque<>(List.of(start));
        while (!values.isEmpty() && seen.size() < 64) {
            for (OnnxNode n : graph.consumers(values.pop())) {
                if (!n.opType().equals("MatMul") && seen.add(n)) {
                    ops.add(n.opType());
                    values.addAll(n.outputs());
                }
            }
        }
        return ops;
    }

    /** The epsilon every LayerNorm uses; LayerNorms that disagree are an error. */
    private double layerNormEps() {
        Map<Double, List<String>> seen = new LinkedHashMap<>();
        for (String name : graph.initializers().keySet()) {
            if (name.endsWith("LayerNorm.weight")) {
                seen.computeIfAbsent(epsilonOf(name), k -> new ArrayList<>()).add(name);
            }
        }
        if (seen.size() != 1) {
            throw notBert(seen.isEmpty() ? "no LayerNorm weights" : "LayerNorms disagree on epsilon: " + seen);
        }
        return seen.keySet().iterator().next();
    }

    private double epsilonOf(String weight) {
        for (OnnxNode n : graph.consumers(weight)) {
            if (n.opType().equals("LayerNormalization")) {
                return asFloat32(n.attribute("epsilon").map(a -> (double) a.f()).orElse(1e-5));
            }
            if (n.opType().equals("Mul")) {
                Optional<Double> eps = expandedEpsilon(n.input(0).equals(weight) ? n.input(1) : n.input(0));
                if (eps.isPresent()) {
                    return eps.get();
                }
            }
        }
        throw notBert("cannot find the epsilon of the LayerNorm with weight '" + weight + "' (expected "
                + "LayerNormalization, or Div(x - mean, Sqrt(Add(var, eps))) * weight)");
    }

    /** In {@code normalized * weight}: normalized = Div(_, Sqrt(Add(variance, eps))). */
    private Optional<Double> expandedEpsilon(String normalized) {
        return graph.producer(normalized).filter(d -> d.opType().equals("Div"))
                .flatMap(d -> graph.producer(d.input(1))).filter(s -> s.opType().equals("Sqrt"))
                .flatMap(s -> graph.producer(s.input(0))).filter(a -> a.opType().equals("Add"))
                .flatMap(a -> a.inputs().stream().map(graph::constant).flatMap(Optional::stream)
                        .filter(t -> t.numel() == 1 && t.dataType().isFloatingPoint()).findFirst())
                .map(t -> asFloat32(t.scalar()));
    }

    /** The shortest decimal of a float32 constant: 9.9999996e-13 in the file is HF's 1e-12. */
    private static double asFloat32(double v) {
        return Double.parseDouble(Float.toString((float) v));
    }

    /** HF's absolute positions: the position table is gathered at the constant 0..P-1 (sliced to T). */
    private void checkAbsolutePositions() {
        OnnxNode gather = graph.consumers(POSITION_EMBEDDINGS).stream().filter(n -> n.opType().equals("Gather"))
                .findFirst().orElseThrow(() -> notBert("no Gather of '" + POSITION_EMBEDDINGS + "'"));
        String ids = gather.input(1);
        Set<String> passThrough = Set.of("Slice", "Unsqueeze", "Expand", "Cast");
        for (Optional<OnnxNode> p = graph.producer(ids); p.isPresent() && passThrough.contains(p.get().opType());
             p = graph.producer(ids)) {
            ids = p.get().input(0);
        }
        OnnxTensor positions = graph.constant(ids).orElse(null);
        if (positions == null || !positions.dataType().isInteger() || !isRange(positions.longs())) {
            throw notBert("'" + POSITION_EMBEDDINGS + "' is not gathered at the constant positions 0..P-1 (from '"
                    + ids + "'), so position_embedding_type is not BERT's absolute (RoBERTa and XLM-R compute position "
                    + "ids from input_ids; import-onnx recovers BERT graphs only: load those from their HF folders)");
        }
    }

    /** The position-id buffer, when the export kept it, must hold HF's 0..P-1. */
    private void checkPositionIds() {
        OnnxTensor ids = graph.initializers().get(POSITION_IDS);
        if (ids != null && (!ids.dataType().isInteger() || !isRange(ids.longs()))) {
            throw notBert("initializer '" + POSITION_IDS + "' does not hold the positions 0..P-1");
        }
    }

    private static boolean isRange(long[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] != i) {
                return false;
            }
        }
        return v.length > 0;
    }

    CheckpointException notBert(String why) {
        return new CheckpointException(file + ": not a BERT encoder graph: " + why);
    }
}
