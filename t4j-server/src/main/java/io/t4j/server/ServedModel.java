package io.t4j.server;

import io.t4j.models.AutoConfig;
import io.t4j.models.EncoderModel;
import io.t4j.models.ModelRegistry;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.PreTrainedModel;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.Task;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.SmallForwardWarmUp;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one model a server runs, loaded once, and a {@link TaskRunner} per task it serves over those weights: a task
 * head (classify, an encoder's or a decoder's such as LlamaForSequenceClassification; token-classification for a
 * {@code *ForTokenClassification} folder) and, for an encoder, its base model (embed); or a causal LM (generate,
 * zero-shot). The folder's {@code model_type} and {@code architectures} pick the classes, as HF's Auto classes do.
 */
public final class ServedModel implements AutoCloseable {
    /** The encoder heads the server has a runner for, by task: one line per task. */
    private static final Map<Task<?>, BiFunction<PreTrainedModel<?>, PreTrainedTokenizer, TaskRunner>> HEADS = Map.of(
            Task.SEQUENCE_CLASSIFICATION, (m, t) -> new ClassifyRunner((SequenceClassificationModel<?>) m, t),
            Task.TOKEN_CLASSIFICATION, (m, t) -> new TokenClassificationRunner((TokenClassificationModel<?>) m, t),
            Task.QUESTION_ANSWERING, (m, t) -> new QuestionAnsweringRunner((QuestionAnsweringModel<?>) m, t));

    private final List<TaskRunner> runners;
    private final List<AutoCloseable> owned;
    private final PreTrainedTokenizer tokenizer;
    private final boolean generative;
    private final Api.ModelInfo info;

    private ServedModel(List<TaskRunner> runners, List<AutoCloseable> owned, PreTrainedTokenizer tokenizer,
                        boolean generative, Function<ServedModel, Api.ModelInfo> info) {
        this.runners = List.copyOf(runners);
        this.owned = owned;
        this.tokenizer = tokenizer;
        this.generative = generative;
        this.info = info.apply(this);
    }

    /**
     * Loads the model in {@code dir}; {@code id} is how the user named it (folder, hub id or "default"). A family with
     * a causal LM is served for generation unless its {@code architectures} name a head the server runs (a decoder
     * folder saved as {@code LlamaForSequenceClassification} is a classifier). An encoder runs the small-forward
     * warm-up before it is returned.
     */
    public static ServedModel load(Path dir, String id, PretrainedOptions options) {
        return load(dir, id, options, true);
    }

    /** As {@link #load(Path, String, PretrainedOptions)}; {@code smallForwardWarmUp} false skips that warm-up. */
    public static ServedModel load(Path dir, String id, PretrainedOptions options, boolean smallForwardWarmUp) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        if (ModelRegistry.entry(config.modelType(), Task.CAUSAL_LM).isPresent() && architectureTask(config).isEmpty()) {
            return decoder(Pipeline.textGeneration(dir, options), id);
        }
        return head(dir, id, config, options, smallForwardWarmUp);
    }

    private static ServedModel decoder(TextGenerationPipeline pipeline, String id) {
        List<TaskRunner> runners = new ArrayList<>(List.of(new GenerateRunner(pipeline)));
        if (pipeline.chatTemplate() != null) {
            runners.add(new ZeroShotRunner(pipeline));
        }
        return new ServedModel(runners, List.of(pipeline), pipeline.tokenizer(), true, served -> {
            DecoderConfig c = pipeline.model().decoderConfig();
            return new Api.ModelInfo(id, "model", c.modelType(), c.architectures(), served.tasks(), null, null,
                    pipeline.model() instanceof PreTrainedModel<?> p ? p.dtypeName() : pipeline.model().dtype().torchName(),
                    c.maxPositionEmbeddings(), c.hiddenSize(),
                    pipeline.chatTemplate() != null);
        });
    }

    /**
     * The folder's task head ({@code architectures}; a sequence classifier, newly initialised as HF's
     * AutoModelForSequenceClassification would, when the checkpoint has none), loaded once with the tokenizer; an
     * encoder's base model also serves the embeddings (a decoder classifier serves no embed: its hidden states are not
     * sentence embeddings). One text is run through the head as a warm-up; an encoder then runs TEI's warm-up for
     * one-text requests ({@link SmallForwardWarmUp}: a forward at every small token count on each thread arm) through
     * its classifier head, else its base model. The kernels it creates serve both; the embeddings' thread chooser,
     * which has no warm-up, learns from its first forward at each count (bge-small in bf16 on a 2-core Zen 5: ready
     * after 7.8-9.0 s against 3.1-3.2 s without it).
     */
    private static ServedModel head(Path dir, String id, PretrainedConfig config, PretrainedOptions options,
                                    boolean smallForwardWarmUp) {
        Task<?> task = headTask(config);
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
        PreTrainedModel<?> model = null;
        try {
            model = (PreTrainedModel<?>) ModelRegistry.fromPretrained(dir, task, options);
            List<TaskRunner> runners = new ArrayList<>(List.of(HEADS.get(task).apply(model, tokenizer)));
            int hiddenSize = config instanceof DecoderConfig d ? d.hiddenSize() : 0;
            if (model.baseModel() instanceof EncoderModel<?> base) {
                runners.add(new EmbedRunner(base, tokenizer, SentenceTransformersConfig.read(dir)));
                hiddenSize = base.hiddenSize();
            }
            PreTrainedModel<?> head = model;
            int hidden = hiddenSize;
            ServedModel served = new ServedModel(runners, List.of(model, tokenizer), tokenizer, false, s -> new Api.ModelInfo(id, "model",
                    config.modelType(), config.architectures(), s.tasks(), head.config().id2label(),
                    task.suffix().equals(task(config.architectures())), head.dtypeName(), maxLength(tokenizer),
                    hidden, null));
            warmUp(served);
            if (smallForwardWarmUp && model.baseModel() instanceof EncoderModel<?> base) {
                if (model instanceof SequenceClassificationModel<?> || model instanceof TokenClassificationModel<?>) {
                    SmallForwardWarmUp.run(model, tokenizer, ((ModelWithLoss) model)::forward);
                } else {
                    SmallForwardWarmUp.run(base, tokenizer, base::forward);
                }
            }
            return served;
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The first task in {@code architectures} the server has a head runner for; else sequence classification. */
    private static Task<?> headTask(PretrainedConfig config) {
        return architectureTask(config).orElse(Task.SEQUENCE_CLASSIFICATION);
    }

    /** The first task in {@code architectures} the server has a head runner for, if any. */
    private static Optional<Task<?>> architectureTask(PretrainedConfig config) {
        for (String architecture : config.architectures() == null ? List.<String>of() : config.architectures()) {
            Optional<Task<?>> task = ModelRegistry.byClassName(architecture).map(ModelRegistry.Entry::task);
            if (task.isPresent() && HEADS.containsKey(task.get())) {
                return task;
            }
        }
        return Optional.empty();
    }

    /** The task suffix of the first architecture, or null. */
    private static String task(List<String> architectures) {
        if (architectures == null || architectures.isEmpty()) {
            return null;
        }
        return ModelRegistry.byClassName(architectures.getFirst()).map(e -> e.task().suffix()).orElse(null);
    }

    private static Integer maxLength(PreTrainedTokenizer tokenizer) {
        int max = tokenizer.modelMaxLength();
        return max == PreTrainedTokenizer.NO_MAX_LENGTH ? null : max;
    }

    private static void warmUp(ServedModel served) {
        served.runner(ClassifyRunner.class).ifPresent(c -> {
            var job = c.job(List.of("warm up"), FunctionToApply.defaultFor(c.model().config()), 1);
            job.runBatch(List.of(job));
            job.await();
        });
        served.runner(TokenClassificationRunner.class).ifPresent(r -> {
            var job = r.job(List.of("warm up"), io.t4j.pipelines.TokenClassificationOptions.defaults());
            job.runBatch(List.of(job));
            job.await();
        });
        served.runner(QuestionAnsweringRunner.class).ifPresent(qa -> {
            var job = qa.job(List.of(new io.t4j.pipelines.QuestionAnsweringInput("warm up?", "warm up")),
                    io.t4j.pipelines.QuestionAnsweringOptions.defaults());
            job.runBatch(List.of(job));
            job.await();
        });
    }

    /** The runner of type {@code type}, when this model serves that task. */
    public <T extends TaskRunner> Optional<T> runner(Class<T> type) {
        return runners.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The tasks served, in {@code GET /v1/models} order. */
    public List<String> tasks() {
        return runners.stream().map(TaskRunner::task).toList();
    }

    /** Whether this is a causal LM (one generation per forward loop, never merged). */
    public boolean generative() {
        return generative;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    public Api.ModelInfo info() {
        return info;
    }

    /** Frees the runners' own resources, then the model's weights and tokenizer. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        runners.stream().filter(r -> r instanceof AutoCloseable).forEach(r -> all.add((AutoCloseable) r));
        all.addAll(owned);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the served model: " + e.getMessage(), e);
            }
        }
    }
}
