package io.t4j.models.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.tokenizers.ModelInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A reference fixture written by HF transformers 4.46.1 (see fixtures/README.md): the model folder and
 * {@code reference.json}, whose tensors are {@code {"dtype","shape","data"}} objects. A missing fixture fails.
 */
public final class Fixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final Path dir;
    private final JsonNode reference;

    private Fixture(String name, Path dir, JsonNode reference) {
        this.name = name;
        this.dir = dir;
        this.reference = reference;
    }

    /** The fixture under {@code src/test/resources/fixtures/<name>}. */
    public static Fixture load(String name) {
        Engine.init();
        URL url = Fixture.class.getResource("/fixtures/" + name + "/reference.json");
        if (url == null) {
            throw new IllegalStateException("fixture '" + name + "' is missing from src/test/resources/fixtures "
                    + "(copy it from ../shared/fixtures/" + name + ")");
        }
        try {
            Path file = Path.of(url.toURI());
            return new Fixture(name, file.getParent(), JSON.readTree(file.toFile()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** The model folder (config.json, model.safetensors, grads.safetensors, ...). */
    public Path dir() {
        return dir;
    }

    public JsonNode node(String path) {
        JsonNode n = reference;
        for (String part : path.split("\\.")) {
            n = n.isArray() ? n.get(Integer.parseInt(part)) : n.get(part);
            if (n == null) {
                throw new IllegalStateException("fixture '" + name + "' has no '" + path + "'");
            }
        }
        return n;
    }

    public boolean has(String path) {
        try {
            node(path);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public double number(String path) {
        return node(path).asDouble();
    }

    /** The tensor at a dotted path ({@code outputs.hidden_states.1}); int64 or float32 as stored. */
    public Tensor tensor(String path) {
        JsonNode t = node(path);
        long[] shape = JSON.convertValue(t.get("shape"), long[].class);
        JsonNode data = t.get("data");
        if (t.get("dtype").asText().startsWith("int")) {
            long[] v = new long[data.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = data.get(i).asLong();
            }
            return Tensors.fromLongs(v, shape);
        }
        float[] v = new float[data.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) data.get(i).asDouble();
        }
        return Tensors.fromFloats(v, shape);
    }

    /** The fixture's batch ({@code inputs.*}), with labels when {@code withLabels}. */
    public ModelInputs inputs(boolean withLabels) {
        return new ModelInputs(tensor("inputs.input_ids"), tensor("inputs.attention_mask"),
                has("inputs.token_type_ids") ? tensor("inputs.token_type_ids") : null,
                withLabels ? tensor("inputs.labels") : null);
    }

    /** attention_mask as float [B,T,1], to compare only real positions. */
    public Tensor realPositions() {
        return tensor("inputs.attention_mask").to(ScalarType.Float).unsqueeze(-1); // [B,T] -> [B,T,1]
    }
}
