package io.t4j.trainer.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.engine.safetensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * AdamW's {@code state_dict()} as files: {@code optimizer.safetensors} holds {@code state.<i>.exp_avg},
 * {@code state.<i>.exp_avg_sq} and {@code state.<i>.step} (a float32 scalar, as torch stores it);
 * {@code optimizer.json} holds torch's {@code param_groups} (lr, initial_lr, betas, eps, weight_decay, params as
 * indices, param_names when known). Both are written to a temporary file and moved into place.
 */
public final class OptimizerCheckpoint {
    public static final String TENSORS_NAME = "optimizer.safetensors";
    public static final String JSON_NAME = "optimizer.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OptimizerCheckpoint() {}

    static void save(AdamW opt, AdamWState state, Path dir) {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < state.size(); i++) {
                AdamWState.Entry e = state.entry(i);
                if (e != null) {
                    tensors.put("state." + i + ".exp_avg", e.expAvg());
                    tensors.put("state." + i + ".exp_avg_sq", e.expAvgSq());
                    tensors.put("state." + i + ".step", Tensors.fromFloats(new float[] {e.step()}));
                }
            }
            SafeTensorsWriter.write(dir.resolve(TENSORS_NAME), tensors);
        }
        writeJson(dir.resolve(JSON_NAME), paramGroups(opt));
    }

    private static ObjectNode paramGroups(AdamW opt) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode groups = root.putArray("param_groups");
        int index = 0;
        for (ParamGroup g : opt.paramGroups()) {
            ObjectNode n = groups.addObject();
            n.put("lr", g.lr()).put("initial_lr", g.initialLr());
            n.putArray("betas").add(opt.beta1()).add(opt.beta2());
            n.put("eps", opt.eps()).put("weight_decay", g.weightDecay()).put("amsgrad", false).put("maximize", false);
            ArrayNode params = n.putArray("params");
            for (int i = 0; i < g.params().size(); i++) {
                params.add(index++);
            }
            if (g.names() != null) {
                g.names().forEach(n.putArray("param_names")::add);
            }
        }
        return root;
    }

    static void load(AdamW opt, AdamWState state, Path dir) {
        Path json = dir.resolve(JSON_NAME);
        JsonNode groups = readJson(json).get("param_groups");
        if (groups == null || !groups.isArray() || groups.size() != opt.paramGroups().size()) {
            throw new CheckpointException(json + ": has " + (groups == null ? "no" : groups.size())
                    + " param_groups, the optimizer has " + opt.paramGroups().size());
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            checkGroup(json, gi, groups.get(gi), opt.paramGroups().get(gi));
        }
        try (SafeTensors st = SafeTensors.open(dir.resolve(TENSORS_NAME)); PointerScope scope = new PointerScope()) {
            for (int i = 0; i < state.size(); i++) {
                loadEntry(st, state, i);
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            opt.paramGroups().get(gi).lr(groups.get(gi).get("lr").asDouble());
        }
    }

    private static void checkGroup(Path json, int gi, JsonNode n, ParamGroup g) {
        int count = n.path("params").size();
        if (count != g.params().size()) {
            throw new CheckpointException(json + ": param_groups[" + gi + "] has " + count + " params, the optimizer's group has "
                    + g.params().size());
        }
        if (n.path("weight_decay").asDouble(-1) != g.weightDecay()) {
            throw new CheckpointException(json + ": param_groups[" + gi + "].weight_decay is " + n.path("weight_decay")
                    + ", the optimizer's group has " + g.weightDecay());
        }
        JsonNode names = n.get("param_names");
        if (names != null && g.names() != null) {
            for (int i = 0; i < count; i++) {
                if (!names.get(i).asText().equals(g.names().get(i))) {
                    throw new CheckpointException(json + ": param_groups[" + gi + "].param_names[" + i + "] is '"
                            + names.get(i).asText() + "', the optimizer has '" + g.names().get(i) + "'");
                }
            }
        }
    }

    private static void loadEntry(SafeTensors st, AdamWState state, int i) {
        String prefix = "state." + i + ".";
        if (!st.contains(prefix + "exp_avg")) {
            return; // no state yet for this parameter: torch's state dict omits it too
        }
        long[] shape = state.param(i).shape();
        for (String k : new String[] {"exp_avg", "exp_avg_sq"}) {
            long[] saved = st.info(prefix + k).shape();
            if (!Arrays.equals(saved, shape)) {
                throw new CheckpointException(st.path() + ": '" + prefix + k + "' has shape " + Arrays.toString(saved)
                        + " but parameter " + i + " has shape " + Arrays.toString(shape));
            }
        }
        long step = (long) Tensors.toFloats(st.tensor(prefix + "step"))[0];
        state.put(i, st.tensor(prefix + "exp_avg").clone(), st.tensor(prefix + "exp_avg_sq").clone(), step);
    }

    static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new CheckpointException(file + ": not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new CheckpointException(file + (Files.exists(file) ? ": invalid JSON: " + e.getMessage() : ": no such file"), e);
        }
    }

    /** Writes {@code node} to {@code file} through a temporary sibling and an atomic move. */
    public static void writeJson(Path file, JsonNode node) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), node);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
