package io.t4j.models;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.DType;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.GradientCheckpointable;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import io.t4j.engine.nn.StateDict;
import io.t4j.engine.safetensors.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code PreTrainedModel} (modeling_utils.py): a module built from a config, with {@code from_pretrained} and
 * {@code save_pretrained}.
 *
 * <p>What HF declares per family ({@code config_class}, {@code base_model_prefix}, {@code _init_weights}) comes
 * from the model's {@link ModelFamily}, by composition: a head class holds its modules and its forward.
 *
 * <p>Loading follows HF: the base model's prefix ({@code bert.}, {@code roberta.}) is added or stripped so a head
 * model loads from a base checkpoint and the other way round; a new head (the parameters outside the base model) is
 * initialised by the family's {@code _init_weights} and listed in the log as HF warns. Unlike HF, everything else is
 * strict: a missing, unexpected or mis-shaped key inside the base model is an error naming the key. Declared
 * exceptions: the new head, the family's optional parts of the base model ({@link ModelFamily#isOptional}, such as
 * BERT's pooler), keys of another head outside the base model (e.g. {@code cls.*} of a pre-training checkpoint,
 * logged), tied weights, and HF's old persistent buffers ({@link #isIgnoredKey}).
 */
public abstract class PreTrainedModel<C extends PretrainedConfig> extends Module implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreTrainedModel.class);

    protected final C config;
    private final ModelFamily<C> family;
    private Checkpoint mapped;
    private QuantizationConfig quantization;
    private LoadingInfo loadingInfo = new LoadingInfo(List.of(), List.of());

    /**
     * HF's {@code output_loading_info}: the parameters the checkpoint lacked (newly initialised, {@code missing_keys})
     * and the checkpoint keys this class did not use ({@code unexpected_keys}), both as logged.
     */
    public record LoadingInfo(List<String> missingKeys, List<String> unexpectedKeys) {}

    protected PreTrainedModel(C config, ModelFamily<C> family) {
        this.config = config;
        this.family = family;
    }

    public C config() {
        return config;
    }

    /** The family this model belongs to (its prefix, weight init and registered classes). */
    public ModelFamily<C> family() {
        return family;
    }

    /**
     * HF's {@code base_model}: the module under {@code base_model_prefix} (e.g. {@code bert} of a
     * BertForSequenceClassification), or this model when it is the base model.
     */
    public Module baseModel() {
        return children().getOrDefault(family.baseModelPrefix(), this);
    }

    /** What the last {@code from_pretrained} newly initialised and left unused (both empty for a model built in code). */
    public LoadingInfo loadingInfo() {
        return loadingInfo;
    }

    /** HF's {@code _init_weights} for one module of this model's family. */
    private void initWeights(Module module) {
        family.initWeights(module, config);
    }

    /**
     * New parameters that only feed an output the caller may never ask for: a base model's optional parts
     * ({@link ModelFamily#isOptional}, a pooler). When they are all that is new, loading logs at info level, and whoever
     * uses that output warns (e.g. the feature-extraction pipeline asked for {@code pooler} pooling), rather than every
     * user of cls or mean pooling being told to train.
     */
    protected boolean isOptionalOutput(String parameterName) {
        return baseModel() == this && family.isOptional(parameterName);
    }

    /**
     * Parameters a checkpoint may lack because this class adds them: everything outside the base model (the head) and
     * the family's optional parts of the base model (a pooler).
     */
    private boolean isNewHead(String name, String prefix) {
        boolean hasBase = baseModel() != this;
        if (hasBase && !name.startsWith(prefix)) {
            return true;
        }
        return family.isOptional(hasBase ? name.substring(prefix.length()) : name);
    }

    /**
     * Checkpoint keys (after prefix mapping) inside the base model that this class does not have and drops, listed as
     * unused the way HF lists them: the family's optional parts, e.g. the pooler of a pre-training checkpoint loaded
     * into a masked-LM model built without one ({@code add_pooling_layer=False}).
     */
    private boolean isUnusedKey(String key, String prefix) {
        String inBase = baseModel() != this && key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        return family.isOptional(inBase);
    }

    /** Checkpoint keys (after prefix mapping) dropped by declaration: HF's non-persistent buffers saved by old versions. */
    protected boolean isIgnoredKey(String key) {
        return key.endsWith("embeddings.position_ids") || key.endsWith("embeddings.token_type_ids")
                || key.endsWith("rotary_emb.inv_freq") || key.endsWith(".masked_bias") || key.endsWith("attn.bias");
    }

    /** HF's {@code post_init}: {@code self.apply(self._init_weights)}, children first (skipped while loading). */
    protected final void postInit() {
        if (!Init.skipping()) {
            apply(this::initWeights);
        }
    }

    /** The dtype of the floating-point parameters (float32 unless converted). */
    public DType dtype() {
        for (Parameter p : namedParameters().values()) {
            if (p.data().is_floating_point()) {
                return DType.of(Tensors.scalarType(p.data()));
            }
        }
        return DType.F32;
    }

    /**
     * HF's {@code XxxForYyy.from_pretrained(dir)}: reads config.json as {@code configClass} (which must be its
     * model_type), builds the model with {@code constructor} (without initialising it) and loads the weights.
     */
    protected static <C extends PretrainedConfig, M extends PreTrainedModel<C>> M fromPretrained(
            Path dir, PretrainedOptions options, Class<C> configClass, Function<C, M> constructor) {
        return load(dir, options, AutoConfig.fromPretrained(dir, configClass), constructor);
    }

    /**
     * Builds the model for {@code config} (read once, by the caller) with the options applied, without initialising
     * it, and loads the weights in {@code dir} into it, as HF's {@code from_pretrained}. The result is in eval mode,
     * as in HF.
     */
    static <C extends PretrainedConfig, M extends PreTrainedModel<?>> M load(Path dir, PretrainedOptions options,
                                                                           C config, Function<C, M> constructor) {
        M model;
        try (var skip = Init.skip()) {
            model = constructor.apply(options.applyTo(config));
        }
        model.loadWeights(dir, options);
        model.eval();
        if (options.int8()) {
            model.quantizeInt8();
        }
        return model;
    }

    protected final void loadWeights(Path dir, PretrainedOptions options) {
        Checkpoint checkpoint = Checkpoint.open(dir);
        try {
            String prefix = family.baseModelPrefix() + ".";
            Set<String> names = allParameterNames().keySet();
            boolean checkpointHasPrefix = checkpoint.keys().stream().anyMatch(k -> k.startsWith(prefix));
            boolean modelHasPrefix = names.stream().anyMatch(k -> k.startsWith(prefix));
            Function<String, String> mapper = PreTrainedModel::fixLegacyKey;
            if (modelHasPrefix && !checkpointHasPrefix) {
                mapper = mapper.andThen(k -> prefix + k);                  // base checkpoint → head model
            } else if (!modelHasPrefix && checkpointHasPrefix) {
                mapper = mapper.andThen(k -> k.startsWith(prefix) ? k.substring(prefix.length()) : null); // head checkpoint → base model
            }
            checkCheckpoint(dir, checkpoint, prefix);
            QuantizationConfig q = QuantizationConfig.read(dir);
            if (q != null) {
                int8Placeholders(dir, checkpoint, mapper, options);
                quantization = q;
            }
            boolean zeroCopy = options.zeroCopy();
            ScalarType dtype = q != null ? ScalarType.Float : resolveDtype(options);
            if (zeroCopy || q != null) {
                requiresGrad(false); // mapped weights are read-only; an int8 model is inference-only, as quantizeInt8 leaves it
            }
            var report = StateDict.load(this, checkpoint, StateDict.Options.strict()
                    .withKeyMapper(mapper)
                    .withAllowMissing(k -> isNewHead(k, prefix))
                    .withIgnoreUnexpected(k -> isIgnoredKey(k) || isUnusedKey(k, prefix) || (modelHasPrefix && !k.startsWith(prefix)))
                    .withZeroCopy(zeroCopy)
                    .withDtype(dtype));
            List<String> unused = report.ignored().stream()
                    .filter(k -> { String m = fixLegacyKey(k); return !isIgnoredKey(m) && !isIgnoredKey(prefix + m); })
                    .toList();
            if (!unused.isEmpty()) {
                LOG.warn("Some weights of the model checkpoint at {} were not used when initializing {}: {}",
                        dir, getClass().getSimpleName(), unused);
            }
            if (!report.newlyInitialized().isEmpty()) {
                initNewParameters(report.newlyInitialized(), options, dtype);
                if (report.newlyInitialized().stream().allMatch(this::isOptionalOutput)) {
                    LOG.info("{} at {}: {} newly initialized; the outputs they feed are untrained until fine-tuned",
                            getClass().getSimpleName(), dir, report.newlyInitialized());
                } else {
                    LOG.warn("Some weights of {} were not initialized from the model checkpoint at {} and are newly "
                            + "initialized: {}\nYou should probably TRAIN this model on a down-stream task to be able to "
                            + "use it for predictions and inference.", getClass().getSimpleName(), dir,
                            report.newlyInitialized());
                }
            }
            loadingInfo = new LoadingInfo(report.newlyInitialized(), unused);
            if (zeroCopy) {
                mapped = checkpoint;
                checkpoint = null;
            }
        } finally {
            if (checkpoint != null) {
                checkpoint.close();
            }
        }
    }

    /**
     * Readies the layers an int8 checkpoint stores quantized (those with a {@code weight_scale} key) to receive int8
     * weights and their scales, so strict loading expects both. Their neighbours stay float32.
     */
    private void int8Placeholders(Path dir, Checkpoint checkpoint, Function<String, String> mapper, PretrainedOptions options) {
        if (options.dtype() != null && options.dtype() != ScalarType.Float) {
            throw new CheckpointException(dir.resolve(AutoConfig.CONFIG_NAME) + ": the checkpoint is int8-quantized "
                    + "(quantization_config.quant_method " + QuantizationConfig.INT8_DYNAMIC + "); its other weights load "
                    + "in float32, not " + DType.of(options.dtype()).torchName());
        }
        Set<String> keys = checkpoint.keys().stream().map(mapper).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
        namedModules().forEach((path, m) -> {
            if (m instanceof Linear l && !l.isTied() && keys.contains(path + ".weight_scale")) {
                l.int8Placeholder();
            }
        });
    }

    /**
     * PyTorch's dynamic quantization ({@code torch.ao.quantization.quantize_dynamic(model, {nn.Linear},
     * dtype=torch.qint8)} with per-channel weights) of the base model's Linear layers: int8 weights with a float32
     * scale per output row, activations quantized per call ({@code quantized::linear_dynamic}). The task head (the
     * layers outside the base model, such as {@code classifier}), tied layers and the layers the family keeps
     * ({@link ModelFamily#keepsFloatUnderInt8}) stay in floating point, as HF's quantizers keep the output head
     * ({@code modules_to_not_convert}); the rest of the model is cast to float32.
     * Inference only. {@link #savePretrained} then writes the int8 checkpoint with its {@code quantization_config}.
     */
    public void quantizeInt8() {
        if (quantization != null) {
            return;
        }
        to(ScalarType.Float);
        String prefix = family.baseModelPrefix() + ".";
        boolean hasBase = baseModel() != this;
        List<String> kept = new ArrayList<>();
        namedModules().forEach((path, m) -> {
            if (m instanceof Linear l) {
                String inBase = hasBase && path.startsWith(prefix) ? path.substring(prefix.length()) : path;
                if (l.isTied() || (hasBase && !path.startsWith(prefix)) || family.keepsFloatUnderInt8(inBase)) {
                    kept.add(path);
                } else {
                    l.quantizeInt8();
                }
            }
        });
        requiresGrad(false);
        quantization = QuantizationConfig.int8Dynamic(kept);
    }

    /** What the weights compute in, as reports name it: {@code int8} for a quantized model, else {@link #dtype()}'s name. */
    public String dtypeName() {
        return quantization != null ? "int8" : dtype().torchName();
    }

    /** The checkpoint's or {@link #quantizeInt8()}'s quantization, or null for a floating-point model. */
    public QuantizationConfig quantizationConfig() {
        return quantization;
    }

    /** The family's config-against-checkpoint check ({@link ModelFamily#checkCheckpoint}), on base-model keys. */
    private void checkCheckpoint(Path dir, Checkpoint checkpoint, String prefix) {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        for (String key : checkpoint.keys()) {
            String k = fixLegacyKey(key);
            shapes.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, checkpoint.info(key).shape());
        }
        try {
            family.checkCheckpoint(config, shapes);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir.resolve(AutoConfig.CONFIG_NAME) + " does not match the checkpoint in "
                    + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parameter dtype: the option's, or for {@code torch_dtype="auto"} (a null option) the config's
     * {@code torch_dtype}, or null (keep each tensor's stored dtype) when the config names none.
     */
    private ScalarType resolveDtype(PretrainedOptions options) {
        if (options.dtype() != null) {
            return options.dtype();
        }
        return config.torchDtype() == null ? null : DType.fromTorchName(config.torchDtype()).scalarType();
    }

    /**
     * Runs {@code _init_weights} over the modules that own new parameters. HF initialises before it loads, so a
     * loaded parameter that such a module shares (an LM decoder tied to the word embeddings) keeps its checkpoint
     * value: while the initialiser runs, loaded parameters under those modules hold a scratch tensor (a loaded one
     * may be a read-only view of the mapped file), and get their own tensor back after.
     */
    private void initNewParameters(List<String> names, PretrainedOptions options,
                                   ScalarType dtype) {
        Set<String> owners = names.stream().map(n -> n.substring(0, Math.max(0, n.lastIndexOf('.'))))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        Set<Parameter> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        names.forEach(n -> fresh.add(namedParameters().get(n)));
        for (String owner : owners) {
            Module m = module(owner);
            Map<Parameter, Tensor> loaded = new IdentityHashMap<>();
            for (Parameter p : m.namedParameters().values()) {
                if (!fresh.contains(p)) {
                    Tensor own = p.data();
                    own.retainReference();
                    loaded.put(p, own);
                    p.set(torch.empty_like(own));
                }
            }
            m.apply(this::initWeights);
            loaded.forEach((p, own) -> {
                p.set(own);
                own.releaseReference();
            });
        }
        for (String name : names) {
            Parameter p = namedParameters().get(name);
            if (p.isMeta()) {
                throw new CheckpointException("parameter '" + name + "' is missing from the checkpoint and "
                        + getClass().getSimpleName() + " has no initialiser for it");
            }
            if (dtype != null && Tensors.scalarType(p.data()) != dtype) {
                p.set(p.data().detach().to(dtype).requires_grad_(!options.zeroCopy()));
            }
            if (options.zeroCopy()) {
                p.requiresGrad(false);
            }
        }
    }

    /** HF's legacy renames: {@code LayerNorm.gamma/beta} → {@code weight/bias}. */
    static String fixLegacyKey(String key) {
        if (key.endsWith(".gamma")) {
            return key.substring(0, key.length() - 6) + ".weight";
        }
        if (key.endsWith(".beta")) {
            return key.substring(0, key.length() - 5) + ".bias";
        }
        return key;
    }

    /**
     * HF's {@code save_pretrained}: {@code config.json} (with {@code architectures} and {@code torch_dtype}) and
     * {@code model.safetensors} (sharded above 5 GB), tied weights stored once. Files are written under temporary
     * names and moved into place.
     */
    public void savePretrained(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new CheckpointException(dir + ": exists and is not a directory");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot create directory: " + e.getMessage(), e);
        }
        Checkpoint.write(dir, StateDict.tensors(this), Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        AutoConfig.save(config.forSaving(getClass().getSimpleName(), dtype().torchName()), dir, quantization);
    }

    /** Releases the memory-mapped checkpoint of a zero-copy model and the Linear layers' packed weights. */
    @Override
    public void close() {
        namedModules().values().forEach(m -> {
            if (m instanceof Linear l) {
                l.releasePacked();
            }
        });
        if (mapped != null) {
            mapped.close();
            mapped = null;
        }
    }

    /**
     * HF's {@code gradient_checkpointing_enable()}: while training, the encoder recomputes each layer's activations
     * in backward instead of keeping them (see {@code ActivationCheckpoint}). Fails for a model without such a stack.
     */
    public void gradientCheckpointingEnable() {
        setGradientCheckpointing(true);
    }

    public void gradientCheckpointingDisable() {
        setGradientCheckpointing(false);
    }

    /** HF's {@code is_gradient_checkpointing}. */
    public boolean isGradientCheckpointing() {
        return namedModules().values().stream()
                .anyMatch(m -> m instanceof GradientCheckpointable g && g.gradientCheckpointing());
    }

    private void setGradientCheckpointing(boolean enable) {
        var stacks = namedModules().values().stream().filter(m -> m instanceof GradientCheckpointable).toList();
        if (stacks.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support gradient checkpointing.");
        }
        stacks.forEach(m -> ((GradientCheckpointable) m).gradientCheckpointing(enable));
    }

    /** Names of parameters that would be trained (requires_grad), for optimizers and logging. */
    public List<String> trainableParameterNames() {
        List<String> out = new ArrayList<>();
        namedParameters().forEach((n, p) -> {
            if (p.requiresGrad()) {
                out.add(n);
            }
        });
        return out;
    }
}
