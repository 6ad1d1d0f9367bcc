package io.t4j.models;

import io.t4j.engine.nn.Module;
import java.util.function.Function;

/**
 * A model family as HF's {@code XxxPreTrainedModel} declares it ({@code config_class}, {@code base_model_prefix},
 * {@code _init_weights}) plus the family's rows of the Auto mappings: one {@link Heads#add} line per (task, class).
 * Models hold their family by composition, so a head class is its modules and its forward.
 *
 * <p>A family registers itself with {@link java.util.ServiceLoader}: its class is listed in
 * {@code META-INF/services/io.t4j.models.ModelFamily} and has a public no-argument constructor. Implementations are
 * stateless.
 */
public abstract class ModelFamily<C extends PretrainedConfig> {
    private final String modelType;
    private final Class<C> configClass;
    private final String baseModelPrefix;

    /**
     * @param modelType       config.json's {@code model_type}
     * @param configClass     the record config.json binds to
     * @param baseModelPrefix HF's {@code base_model_prefix}: the name of the base model inside a head model
     */
    protected ModelFamily(String modelType, Class<C> configClass, String baseModelPrefix) {
        this.modelType = modelType;
        this.configClass = configClass;
        this.baseModelPrefix = baseModelPrefix;
    }

    public final String modelType() {
        return modelType;
    }

    public final Class<C> configClass() {
        return configClass;
    }

    public final String baseModelPrefix() {
        return baseModelPrefix;
    }

    /** HF's {@code _init_weights} for one module (linear layers tied to embeddings are skipped: HF ties after init). */
    public abstract void initWeights(Module module, C config);

    /**
     * Whether {@code key}, relative to the base model, names a part of the base model that a checkpoint may lack and a
     * class may leave out, such as BERT's pooler (exported without it by ONNX, built without it by
     * {@code add_pooling_layer=False}): when missing it is newly initialised, when unused it is listed, never an error.
     */
    public boolean isOptional(String key) {
        return false;
    }

    /**
     * Checks the checkpoint's tensor shapes against config fields whose mismatch strict loading would only report as
     * mis-shaped or missing keys (ELECTRA's {@code embedding_size}); throws {@link IllegalArgumentException} naming the
     * field. {@code shapes} maps each key, relative to the base model, to its shape.
     */
    public void checkCheckpoint(C config, java.util.Map<String, long[]> shapes) {
    }

    /**
     * Whether the base model's Linear at {@code path} (relative to the base model) stays in floating point when the
     * model is quantized to int8 ({@link PreTrainedModel#quantizeInt8()}), because quantizing it costs accuracy out
     * of proportion to its share of the work. Default: none.
     */
    public boolean keepsFloatUnderInt8(String path) {
        return false;
    }

    /** The family's model classes, one {@link Heads#add} per (task, class). */
    protected abstract void registerModels(Heads<C> heads);

    /** Where a family registers its classes. */
    public interface Heads<C extends PretrainedConfig> {
        /** Registers {@code type}, built from a config by {@code constructor}, for {@code task}. */
        <M extends PreTrainedModel<C>> void add(Task<? super M> task, Class<M> type, Function<C, M> constructor);
    }

    @Override
    public String toString() {
        return modelType;
    }
}
