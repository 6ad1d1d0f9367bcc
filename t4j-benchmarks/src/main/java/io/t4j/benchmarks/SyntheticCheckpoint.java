package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.Parameter;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.engine.safetensors.SafeTensorsWriter;
import io.t4j.models.AutoConfig;
import io.t4j.models.PreTrainedModel;
import io.t4j.models.PretrainedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes a random checkpoint with the exact keys and shapes of a model class (HF's save_pretrained layout: shards
 * plus model.safetensors.index.json), one shard at a time, so a multi-GB model never sits in RAM whole. Weights are
 * N(0, 0.02) in the given dtype, norms are 1. For benchmarks only: no real weights are reachable here.
 */
final class SyntheticCheckpoint {
    private SyntheticCheckpoint() {}

    static <C extends PretrainedConfig> long write(Path dir, C config, Function<C, PreTrainedModel<C>> factory,
                                                   ScalarType dtype, long maxShardBytes) throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (AutoCloseable skip = Init.skip()) {
            PreTrainedModel<C> skeleton = factory.apply(config); // meta tensors: no memory
            for (Map.Entry<String, Parameter> e : skeleton.namedParameters().entrySet()) {
                shapes.put(e.getKey(), e.getValue().shape());
            }
        }
        int bytesPer = dtype == ScalarType.Float ? 4 : 2;
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        long total = 0;
        for (var e : shapes.entrySet()) {
            long bytes = numel(e.getValue()) * bytesPer;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
            total += bytes;
        }
        shards.add(current);
        Files.createDirectories(dir);
        torch.manual_seed(1234);
        ObjectNode index = AutoConfig.JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = shards.size() == 1 ? Checkpoint.WEIGHTS_NAME
                    : String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            try (PointerScope scope = new PointerScope()) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (String key : shards.get(i)) {
                    long[] shape = shapes.get(key);
                    Tensor t = shape.length == 1
                            ? torch.ones(shape, new TensorOptions(dtype))
                            : torch.empty(shape, new TensorOptions(ScalarType.Float), null).normal_(0.0, 0.02, null).to(dtype);
                    tensors.put(key, t);
                    weightMap.put(key, name);
                }
                SafeTensorsWriter.write(dir.resolve(name), tensors);
            }
        }
        if (shards.size() > 1) {
            AutoConfig.JSON.writeValue(dir.resolve(Checkpoint.INDEX_NAME).toFile(), index);
        }
        AutoConfig.save(config, dir);
        return total;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** VmRSS, VmHWM, RssAnon, RssFile from /proc/self/status, in MiB. */
    static String memory() {
        try {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                for (String key : List.of("VmRSS", "VmHWM", "RssAnon", "RssFile")) {
                    if (line.startsWith(key + ":")) {
                        m.put(key, Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                    }
                }
            }
            return m.toString().replace("=", " ").replace("}", " MiB}");
        } catch (IOException e) {
            return "(no /proc/self/status: " + e.getMessage() + ")";
        }
    }

    static long mib(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return -1;
    }
}
