package io.t4j.models;

import io.t4j.engine.CheckpointException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * HF's {@code CONFIG_MAPPING} and {@code MODEL_*_MAPPING_NAMES} (models/auto): every {@link ModelFamily} found by
 * {@link ServiceLoader}, and the model class each registers for a (model_type, {@link Task}). The Auto classes
 * read it; their errors list what is registered.
 */
public final class ModelRegistry {
    /** One registered class: its family, task, type and constructor from a config. */
    public record Entry(ModelFamily<?> family, Task<?> task, Class<?> type,
                        Function<PretrainedConfig, PreTrainedModel<?>> constructor) {
        /** HF's class name, as config.json's {@code architectures} lists it. */
        public String className() {
            return type.getSimpleName();
        }
    }

    private static final class Holder {
        static final ModelRegistry INSTANCE = new ModelRegistry(ServiceLoader.load(ModelFamily.class));
    }

    private final Map<String, ModelFamily<?>> families = new LinkedHashMap<>();
    private final Map<String, Map<Task<?>, Entry>> entries = new LinkedHashMap<>();
    private final Map<String, Entry> byClassName = new LinkedHashMap<>();

    private ModelRegistry(Iterable<ModelFamily> loaded) {
        for (ModelFamily<?> family : loaded) {
            if (families.putIfAbsent(family.modelType(), family) != null) {
                throw new IllegalStateException("model_type '" + family.modelType() + "' is registered twice: "
                        + families.get(family.modelType()).getClass().getName() + " and " + family.getClass().getName());
            }
            register(family);
        }
    }

    private <C extends PretrainedConfig> void register(ModelFamily<C> family) {
        family.registerModels(new ModelFamily.Heads<C>() {
            @Override
            @SuppressWarnings("unchecked")
            public <M extends PreTrainedModel<C>> void add(Task<? super M> task, Class<M> type, Function<C, M> constructor) {
                Entry e = new Entry(family, task, type, c -> constructor.apply((C) c));
                if (entries.computeIfAbsent(family.modelType(), t -> new LinkedHashMap<>()).putIfAbsent(task, e) != null) {
                    throw new IllegalStateException(family.modelType() + " registers two classes for " + task);
                }
                byClassName.put(type.getSimpleName(), e);
            }
        });
    }

    private static ModelRegistry get() {
        return Holder.INSTANCE;
    }

    /** Every registered model_type, in registration order. */
    public static List<String> modelTypes() {
        return List.copyOf(get().families.keySet());
    }

    /** The model_types with a class for {@code task}. */
    public static List<String> modelTypes(Task<?> task) {
        List<String> out = new ArrayList<>();
        get().entries.forEach((type, byTask) -> {
            if (byTask.containsKey(task)) {
                out.add(type);
            }
        });
        return out;
    }

    /** The family of {@code modelType}, if registered. */
    public static Optional<ModelFamily<?>> family(String modelType) {
        return Optional.ofNullable(get().families.get(modelType));
    }

    /** The class registered for ({@code modelType}, {@code task}), if any. */
    public static Optional<Entry> entry(String modelType, Task<?> task) {
        return Optional.ofNullable(get().entries.getOrDefault(modelType, Map.of()).get(task));
    }

    /** Every class registered for {@code modelType}. */
    public static Collection<Entry> entries(String modelType) {
        return get().entries.getOrDefault(modelType, Map.of()).values();
    }

    /** The registered class named {@code className} (an {@code architectures} entry), if any. */
    public static Optional<Entry> byClassName(String className) {
        return Optional.ofNullable(get().byClassName.get(className));
    }

    /**
     * HF's {@code AutoModelFor<Task>.from_pretrained(dir)}: reads config.json once, picks the class registered for its
     * model_type and {@code task}, builds it and loads the weights.
     */
    public static <M> M fromPretrained(Path dir, Task<M> task, PretrainedOptions options) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        Entry entry = entry(config.modelType(), task).orElseThrow(() -> new CheckpointException(
                dir.resolve(AutoConfig.CONFIG_NAME) + ": model_type '" + config.modelType() + "' has no "
                        + task.label() + " model (supported: " + String.join(", ", modelTypes(task)) + ")"));
        return task.type().cast(PreTrainedModel.load(dir, options, config, entry.constructor()));
    }
}
