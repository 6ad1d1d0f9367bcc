package io.t4j.engine.nn;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Strict loading of checkpoint tensors into a module tree, and the state dict for saving.
 *
 * <p>The module's parameter names are the spec. A checkpoint key that names no parameter, a parameter that no key
 * fills, or a tensor whose shape differs is an error naming the key. The only exceptions are those the caller
 * declares ({@link Options#allowMissing}: e.g. a new classification head; {@link Options#ignoreUnexpected}: e.g.
 * old persistent buffers such as {@code embeddings.position_ids}) and tied parameters, which any one of their
 * names fills.
 */
public final class StateDict {
    private StateDict() {}

    /**
     * How to load.
     *
     * @param keyMapper        checkpoint key → module name (e.g. stripping {@code bert.}); null drops the key
     * @param allowMissing     parameters that may be absent (they are reported as newly initialised)
     * @param ignoreUnexpected checkpoint keys (already mapped) that are dropped silently
     * @param zeroCopy         frozen parameters whose dtype matches point into the mapped file instead of being copied
     * @param dtype            floating-point parameters are converted to this type, or kept as in the checkpoint if null
     */
    public record Options(Function<String, String> keyMapper, Predicate<String> allowMissing,
                          Predicate<String> ignoreUnexpected, boolean zeroCopy, ScalarType dtype) {
        public static Options strict() {
            return new Options(Function.identity(), k -> false, k -> false, false, ScalarType.Float);
        }

        public Options withKeyMapper(Function<String, String> mapper) {
            return new Options(mapper, allowMissing, ignoreUnexpected, zeroCopy, dtype);
        }

        public Options withAllowMissing(Predicate<String> p) {
            return new Options(keyMapper, p, ignoreUnexpected, zeroCopy, dtype);
        }

        public Options withIgnoreUnexpected(Predicate<String> p) {
            return new Options(keyMapper, allowMissing, p, zeroCopy, dtype);
        }

        public Options withZeroCopy(boolean z) {
            return new Options(keyMapper, allowMissing, ignoreUnexpected, z, dtype);
        }

        public Options withDtype(ScalarType t) {
            return new Options(keyMapper, allowMissing, ignoreUnexpected, zeroCopy, t);
        }
    }

    /** What was loaded: the parameters left for the caller to initialise, and the keys ignored by declaration. */
    public record LoadReport(List<String> newlyInitialized, List<String> ignored) {}

    /** Loads {@code checkpoint} into {@code module}; throws {@link CheckpointException} naming every bad key. */
    public static LoadReport load(Module module, Checkpoint checkpoint, Options options) {
        Map<String, Parameter> byName = module.allParameterNames();
        Map<Parameter, String> filledBy = new IdentityHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();

        for (String key : checkpoint.keys()) {
            String name = options.keyMapper().apply(key);
            if (name == null || (!byName.containsKey(name) && options.ignoreUnexpected().test(name))) {
                ignored.add(key);
                continue;
            }
            Parameter p = byName.get(name);
            if (p == null) {
                unexpected.add(key);
                continue;
            }
            long[] expected = p.shape();
            long[] actual = checkpoint.info(key).shape();
            if (!Arrays.equals(expected, actual)) {
                filledBy.putIfAbsent(p, key); // reported once, as mis-shaped, not also as missing
                wrongShape.add("'" + key + "': checkpoint " + Arrays.toString(actual) + ", model " + Arrays.toString(expected));
                continue;
            }
            if (filledBy.putIfAbsent(p, key) == null) {
                sourceOf.put(name, key);
            }
        }

        List<String> missing = new ArrayList<>();
        List<String> newlyInitialized = new ArrayList<>();
        module.namedParameters().forEach((name, p) -> {
            if (!filledBy.containsKey(p)) {
                (options.allowMissing().test(name) ? newlyInitialized : missing).add(name);
            }
        });

        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrongShape.isEmpty()) {
            StringBuilder msg = new StringBuilder(checkpoint.folder() + ": checkpoint does not match "
                    + module.getClass().getSimpleName());
            if (!wrongShape.isEmpty()) {
                msg.append("\n  wrong shape: ").append(String.join("; ", wrongShape));
            }
            if (!missing.isEmpty()) {
                msg.append("\n  missing keys: ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                msg.append("\n  unexpected keys: ").append(unexpected);
            }
            throw new CheckpointException(msg.toString());
        }

        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (var e : filledBy.entrySet()) {
                assign(e.getKey(), checkpoint.tensor(e.getValue()), options);
            }
        }
        return new LoadReport(List.copyOf(newlyInitialized), List.copyOf(ignored));
    }

    private static void assign(Parameter p, Tensor source, Options options) {
        boolean trainable = p.requiresGrad();
        ScalarType target = source.is_floating_point() && options.dtype() != null ? options.dtype() : Tensors.scalarType(source);
        Tensor value;
        if (options.zeroCopy() && !trainable && target == Tensors.scalarType(source)) {
            value = source; // stays a read-only view over the mapping; the model keeps the checkpoint open
        } else {
            value = source.to(target).clone(); // an owned copy: safe to train and to modify in place
        }
        value.requires_grad_(trainable && value.is_floating_point());
        p.set(value);
    }

    /**
     * The tensors to save, one per parameter under its first name: tied aliases are not stored twice, as
     * HF's save_pretrained does.
     */
    public static Map<String, Tensor> tensors(Module module) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> {
            if (p.isMeta()) {
                throw new CheckpointException("parameter '" + name + "' was never loaded or initialised");
            }
            out.put(name, p.data().detach());
        });
        return out;
    }

    /** Shapes of all parameters, for messages and tests. */
    public static Map<String, String> shapes(Module module) {
        Map<String, String> out = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> out.put(name, Tensors.shapeString(p.data())));
        return out;
    }
}
