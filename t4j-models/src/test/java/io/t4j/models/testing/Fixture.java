package io.t4j.models.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A reference fixture written by HF transformers 4.46.1 (see fixtures/README.md): the model folder and
 * {@code reference.json}, whose tensors are {@code {"dtype","shape","data"}} objects. A missing fixture fails.
 */
public final class Fixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
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
            Path dir = folder(url.toURI(), name);
            return new Fixture(name, dir, JSON.readTree(dir.resolve("reference.json").toFile()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fixture's folder on disk: where it is on the class path, or, when it is read from the packaged test-jar
     * (what {@code mvn verify} gives other modules), a copy extracted once per JVM into a temp folder (weights are
     * memory-mapped, so they must be real files), deleted when the JVM exits.
     */
    private static synchronized Path folder(URI uri, String name) throws IOException {
        if ("file".equals(uri.getScheme())) {
            return Path.of(uri).getParent();
        }
        Path cached = EXTRACTED.get(name);
        if (cached != null) {
            return cached;
        }
        FileSystem jar;
        try {
            jar = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
            jar = FileSystems.newFileSystem(uri, Map.of());
        }
        Path source = jar.getPath("/fixtures", name);
        Path target = Files.createTempDirectory("t4j-fixture-" + name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path out = target.resolve(source.relativize(f).toString());
                Files.createDirectories(out.getParent());
                Files.copy(f, out);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(target)));
        EXTRACTED.put(name, target);
        return target;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
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

    /**
     * The fixture's batch ({@code inputs.*}), with its labels when {@code withLabels}: every {@code inputs.<name>}
     * whose name is a label name ({@code labels}, {@code start_positions}, {@code end_positions}).
     */
    public ModelInputs inputs(boolean withLabels) {
        ModelInputs in = new ModelInputs(tensor("inputs.input_ids"), tensor("inputs.attention_mask"),
                has("inputs.token_type_ids") ? tensor("inputs.token_type_ids") : null);
        if (withLabels) {
            for (String name : ModelInputs.LABEL_NAMES) {
                if (has("inputs." + name)) {
                    in = in.withLabel(name, tensor("inputs." + name));
                }
            }
        }
        return in;
    }

    /** attention_mask as float [B,T,1], to compare only real positions. */
    public Tensor realPositions() {
        return tensor("inputs.attention_mask").to(ScalarType.Float).unsqueeze(-1); // [B,T] -> [B,T,1]
    }
}
