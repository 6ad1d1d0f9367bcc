package io.t4j.engine.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * The weights of a model folder: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json} ({@code {"metadata": {"total_size": N}, "weight_map": {key: file}}}).
 * Every shard stays mapped until {@link #close()}.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String WEIGHTS_NAME = "model.safetensors";
    public static final String INDEX_NAME = "model.safetensors.index.json";
    /** HF's default {@code max_shard_size} ("5GB"). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final List<SafeTensors> shards;
    private final Map<String, SafeTensors> byKey;

    private Checkpoint(Path folder, List<SafeTensors> shards, Map<String, SafeTensors> byKey) {
        this.folder = folder;
        this.shards = shards;
        this.byKey = byKey;
    }

    /** True when {@code folder} holds safetensors weights (single file or sharded). */
    public static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(WEIGHTS_NAME)) || Files.isRegularFile(folder.resolve(INDEX_NAME));
    }

    /** Opens the weights in {@code folder}: {@code model.safetensors} or the sharded index. */
    public static Checkpoint open(Path folder) {
        Path single = folder.resolve(WEIGHTS_NAME);
        Path index = folder.resolve(INDEX_NAME);
        if (Files.isRegularFile(single)) {
            SafeTensors st = SafeTensors.open(single);
            Map<String, SafeTensors> byKey = new LinkedHashMap<>();
            st.tensors().keySet().forEach(k -> byKey.put(k, st));
            return new Checkpoint(folder, List.of(st), byKey);
        }
        if (Files.isRegularFile(index)) {
            return openSharded(folder, index);
        }
        throw new CheckpointException(folder + ": no " + WEIGHTS_NAME + " or " + INDEX_NAME
                + " (t4j loads safetensors weights; convert pytorch_model.bin with Python's save_pretrained(safe_serialization=True))");
    }

    private static Checkpoint openSharded(Path folder, Path index) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read shard index: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException(index + ": missing \"weight_map\" object");
        }
        Map<String, SafeTensors> files = new LinkedHashMap<>();
        Map<String, SafeTensors> byKey = new LinkedHashMap<>();
        try {
            for (var it = weightMap.fields(); it.hasNext(); ) {
                var e = it.next();
                String shardName = e.getValue().asText();
                Path shardPath = folder.resolve(shardName).normalize();
                if (!shardPath.getParent().equals(folder.normalize())) {
                    throw new CheckpointException(index + ": shard '" + shardName + "' for key '" + e.getKey()
                            + "' is not a file in the checkpoint folder");
                }
                SafeTensors shard = files.computeIfAbsent(shardName, n -> SafeTensors.open(shardPath));
                if (!shard.contains(e.getKey())) {
                    throw new CheckpointException(index + ": key '" + e.getKey() + "' is mapped to " + shardName
                            + " but that shard has no such tensor");
                }
                byKey.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            files.values().forEach(SafeTensors::close);
            throw e;
        }
        return new Checkpoint(folder, new ArrayList<>(files.values()), byKey);
    }

    public Path folder() {
        return folder;
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(byKey.keySet());
    }

    public boolean contains(String key) {
        return byKey.containsKey(key);
    }

    public TensorInfo info(String key) {
        return shardOf(key).info(key);
    }

    /** A zero-copy, read-only tensor over the mapped file (see {@link SafeTensors#tensor}). */
    public Tensor tensor(String key) {
        return shardOf(key).tensor(key);
    }

    /** The file holding {@code key}, for error messages. */
    public Path fileOf(String key) {
        return shardOf(key).path();
    }

    private SafeTensors shardOf(String key) {
        SafeTensors st = byKey.get(key);
        if (st == null) {
            throw new CheckpointException(folder + ": checkpoint has no tensor '" + key + "'");
        }
        return st;
    }

    @Override
    public void close() {
        shards.forEach(SafeTensors::close);
    }

    /**
     * Writes {@code tensors} into {@code folder} as HF's save_pretrained does: one {@code model.safetensors}, or,
     * when larger than {@code maxShardBytes}, {@code model-00001-of-0000N.safetensors} shards plus the index.
     * Stale weight files from an earlier save are removed after the new ones are in place.
     */
    public static void write(Path folder, Map<String, Tensor> tensors, long maxShardBytes) {
        List<Map<String, Tensor>> shardMaps = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long total = 0;
        for (var e : tensors.entrySet()) {
            long bytes = e.getValue().nbytes();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shardMaps.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            total += bytes;
        }
        shardMaps.add(current);
        try {
            Files.createDirectories(folder);
            if (shardMaps.size() == 1) {
                SafeTensorsWriter.write(folder.resolve(WEIGHTS_NAME), shardMaps.get(0));
                Files.deleteIfExists(folder.resolve(INDEX_NAME));
                return;
            }
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode weightMap = index.putObject("weight_map");
            int n = shardMaps.size();
            for (int i = 0; i < n; i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
                SafeTensorsWriter.write(folder.resolve(name), shardMaps.get(i));
                shardMaps.get(i).keySet().forEach(k -> weightMap.put(k, name));
            }
            Path tmp = folder.resolve(INDEX_NAME + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), index);
            Files.move(tmp, folder.resolve(INDEX_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(folder.resolve(WEIGHTS_NAME));
        } catch (IOException e) {
            throw new CheckpointException(folder + ": cannot write checkpoint: " + e.getMessage(), e);
        }
    }
}
