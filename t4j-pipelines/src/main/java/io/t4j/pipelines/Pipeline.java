package io.t4j.pipelines;

import io.t4j.engine.IntraOpThreads;
import io.t4j.engine.nn.Module;
import io.t4j.models.AutoModel;
import io.t4j.models.AutoModelForCausalLM;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;

/**
 * HF's {@code Pipeline} (transformers/pipelines/base.py) and its {@code pipeline(task, model=...)} factory. A pipeline
 * owns its model and tokenizer when it loaded them, and runs a call's inputs in batches: each batch goes through
 * {@link #preprocess} (tokenization), {@link #forward} (HF's {@code _forward}: the model) and {@link #postprocess}
 * (scores, labels, decoding) inside one {@link PointerScope} under inference mode, so every native tensor of a batch
 * is freed when it is done and concurrent callers can share the read-only, eval-mode model. A task is a subclass that
 * implements those three steps.
 *
 * @param <M> the model
 * @param <I> one input (a text, chat messages)
 * @param <P> what {@code preprocess} makes of a batch of inputs (model inputs and what postprocessing needs)
 * @param <F> what the model returns for a batch
 * @param <R> the result for one input
 * @param <O> the call's options
 */
public abstract class Pipeline<M extends AutoCloseable, I, P, F, R, O> implements AutoCloseable {
    protected final M model;
    protected final PreTrainedTokenizer tokenizer;
    private final boolean owned;

    /** A pipeline over {@code model}; {@code owned}: close the model and tokenizer with the pipeline. */
    protected Pipeline(M model, PreTrainedTokenizer tokenizer, boolean owned) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.owned = owned;
        if (model instanceof Module m) {
            m.eval();
        }
    }

    public M model() {
        return model;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    /** HF's {@code __call__}: one result per input, in input order, {@link #batchSize} inputs per forward. */
    protected final List<R> run(List<I> inputs, O options) {
        int batchSize = batchSize(options);
        List<R> out = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += batchSize) {
            List<I> batch = inputs.subList(start, Math.min(inputs.size(), start + batchSize));
            try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
                P pre = preprocess(batch, options);
                F output;
                try (IntraOpThreads threads = IntraOpThreads.forTokens(tokens(pre), model)) {
                    output = forward(pre, options);
                }
                List<R> results = postprocess(batch, pre, output, options);
                if (results.size() != batch.size()) {
                    throw new IllegalStateException(getClass().getSimpleName() + " returned " + results.size()
                            + " results for " + batch.size() + " inputs");
                }
                out.addAll(results);
            }
        }
        return out;
    }

    /**
     * The batch's padded token count (batch x length), which decides whether its forward runs on one intra-op thread
     * ({@link IntraOpThreads}); -1 (always, for pipelines whose input neither is nor carries {@link ModelInputs}, such
     * as generation) keeps every thread.
     */
    protected long tokens(P preprocessed) {
        return switch (preprocessed) {
            case ModelInputs in -> in.inputIds().numel();
            case CarriesModelInputs c -> c.inputs().inputIds().numel();
            default -> -1;
        };
    }

    /** A preprocessed batch that holds the model's inputs beside what postprocessing needs (windows, offsets). */
    interface CarriesModelInputs {
        ModelInputs inputs();
    }

    /** Inputs per forward. */
    protected abstract int batchSize(O options);

    /** HF's {@code preprocess}: a batch of inputs to what the model takes (inside the batch's scope). */
    protected abstract P preprocess(List<I> inputs, O options);

    /** HF's {@code _forward}: the model on the preprocessed batch. */
    protected abstract F forward(P preprocessed, O options);

    /** HF's {@code postprocess}: one result per input of the batch. */
    protected abstract List<R> postprocess(List<I> inputs, P preprocessed, F output, O options);

    /** Closes the model and tokenizer if this pipeline loaded them. */
    @Override
    public void close() {
        if (owned) {
            try {
                model.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the model of " + getClass().getSimpleName() + ": " + e.getMessage(), e);
            } finally {
                tokenizer.close();
            }
        }
    }

    // ---- HF's pipeline(task, model=dir): model and tokenizer from one folder, owned by the pipeline ----

    /** {@code pipeline("text-classification", model=dir)}: model and tokenizer from one folder. */
    public static TextClassificationPipeline textClassification(Path modelDir) {
        return textClassification(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static TextClassificationPipeline textClassification(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> new TextClassificationPipeline(
                AutoModelForSequenceClassification.fromPretrained(modelDir, options), tok, true));
    }

    /** A pipeline over a model and tokenizer the caller owns (e.g. straight after training). */
    public static TextClassificationPipeline textClassification(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        return new TextClassificationPipeline(model, tokenizer, false);
    }

    /**
     * {@code pipeline("token-classification", model=dir)} (HF's alias {@code "ner"}): the folder's token classifier
     * ({@code AutoModelForTokenClassification}) and tokenizer.
     */
    public static TokenClassificationPipeline tokenClassification(Path modelDir) {
        return tokenClassification(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static TokenClassificationPipeline tokenClassification(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> new TokenClassificationPipeline(
                AutoModelForTokenClassification.fromPretrained(modelDir, options), tok, true));
    }

    /** A token-classification pipeline over a model and tokenizer the caller owns (e.g. straight after training). */
    public static TokenClassificationPipeline tokenClassification(TokenClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        return new TokenClassificationPipeline(model, tokenizer, false);
    }

    /** {@code pipeline("ner", model=dir)}: {@link #tokenClassification(Path)}. */
    public static TokenClassificationPipeline ner(Path modelDir) {
        return tokenClassification(modelDir);
    }

    /** {@code pipeline("feature-extraction", model=dir)}. */
    public static FeatureExtractionPipeline featureExtraction(Path modelDir) {
        return featureExtraction(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static FeatureExtractionPipeline featureExtraction(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> new FeatureExtractionPipeline(AutoModel.fromPretrained(modelDir, options), tok, true));
    }

    public static FeatureExtractionPipeline featureExtraction(EncoderModel<?> model, PreTrainedTokenizer tokenizer) {
        return new FeatureExtractionPipeline(model, tokenizer, false);
    }

    /** {@code pipeline("fill-mask", model=dir)}: the folder's masked-LM model ({@code AutoModelForMaskedLM}) and tokenizer. */
    public static FillMaskPipeline fillMask(Path modelDir) {
        return fillMask(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static FillMaskPipeline fillMask(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> new FillMaskPipeline(AutoModelForMaskedLM.fromPretrained(modelDir, options), tok, true));
    }

    /** A fill-mask pipeline over a model and tokenizer the caller owns (e.g. straight after pre-training). */
    public static FillMaskPipeline fillMask(MaskedLMModel<?> model, PreTrainedTokenizer tokenizer) {
        return new FillMaskPipeline(model, tokenizer, false);
    }

    /** {@code pipeline("question-answering", model=dir)}: the folder's question-answering model and tokenizer. */
    public static QuestionAnsweringPipeline questionAnswering(Path modelDir) {
        return questionAnswering(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static QuestionAnsweringPipeline questionAnswering(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> new QuestionAnsweringPipeline(AutoModelForQuestionAnswering.fromPretrained(modelDir, options), tok, true));
    }

    /** A question-answering pipeline over a model and tokenizer the caller owns (e.g. straight after training). */
    public static QuestionAnsweringPipeline questionAnswering(QuestionAnsweringModel<?> model, PreTrainedTokenizer tokenizer) {
        return new QuestionAnsweringPipeline(model, tokenizer, false);
    }

    /**
     * {@code pipeline("text-generation", model=dir, torch_dtype=...)}: the folder's causal LM (Llama, Qwen2, Phi-3),
     * its tokenizer, its chat template (when the tokenizer config has one) and its generation_config.json defaults.
     */
    public static TextGenerationPipeline textGeneration(Path modelDir, PretrainedOptions options) {
        return load(modelDir, tok -> {
            ChatTemplate template = tok.chatTemplate().isPresent() ? ChatTemplate.fromTokenizer(tok) : null;
            CausalLM model = AutoModelForCausalLM.fromPretrained(modelDir, options);
            try {
                var defaults = GenerationConfig.fromPretrained(modelDir, model.decoderConfig());
                return new TextGenerationPipeline(model, tok, template, defaults, true);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        });
    }

    /** The folder's tokenizer, then {@code build}; the tokenizer is closed when the model fails to load. */
    private static <T> T load(Path modelDir, Function<PreTrainedTokenizer, T> build) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
        try {
            return build.apply(tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }
}
