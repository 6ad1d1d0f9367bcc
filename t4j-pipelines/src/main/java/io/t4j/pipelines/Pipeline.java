package io.t4j.pipelines;

import io.t4j.models.AutoModel;
import io.t4j.models.AutoModelForCausalLM;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.EncoderModel;
import io.t4j.models.MaskedLMModel;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;

/** HF's {@code pipeline(task, model=...)}: one factory per task. */
public final class Pipeline {
    private Pipeline() {}

    /** {@code pipeline("text-classification", model=dir)}: model and tokenizer from one folder. */
    public static TextClassificationPipeline textClassification(Path modelDir) {
        return textClassification(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static TextClassificationPipeline textClassification(Path modelDir, PretrainedOptions options) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
        return new TextClassificationPipeline(AutoModelForSequenceClassification.fromPretrained(modelDir, options), tokenizer, true);
    }

    /** A pipeline over a model and tokenizer the caller owns (e.g. straight after training). */
    public static TextClassificationPipeline textClassification(SequenceClassificationModel<?> model, PreTrainedTokenizer tokenizer) {
        return new TextClassificationPipeline(model, tokenizer, false);
    }

    /** {@code pipeline("feature-extraction", model=dir)}. */
    public static FeatureExtractionPipeline featureExtraction(Path modelDir) {
        return featureExtraction(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static FeatureExtractionPipeline featureExtraction(Path modelDir, PretrainedOptions options) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
        return new FeatureExtractionPipeline(AutoModel.fromPretrained(modelDir, options), tokenizer, true);
    }

    public static FeatureExtractionPipeline featureExtraction(EncoderModel<?> model, PreTrainedTokenizer tokenizer) {
        return new FeatureExtractionPipeline(model, tokenizer, false);
    }

    /** {@code pipeline("fill-mask", model=dir)}: the folder's masked-LM model ({@code AutoModelForMaskedLM}) and tokenizer. */
    public static FillMaskPipeline fillMask(Path modelDir) {
        return fillMask(modelDir, PretrainedOptions.defaults().withZeroCopy(true));
    }

    public static FillMaskPipeline fillMask(Path modelDir, PretrainedOptions options) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
        try {
            return new FillMaskPipeline(AutoModelForMaskedLM.fromPretrained(modelDir, options), tokenizer, true);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** A fill-mask pipeline over a model and tokenizer the caller owns (e.g. straight after pre-training). */
    public static FillMaskPipeline fillMask(MaskedLMModel<?> model, PreTrainedTokenizer tokenizer) {
        return new FillMaskPipeline(model, tokenizer, false);
    }

    /**
     * {@code pipeline("text-generation", model=dir, torch_dtype=...)}: the folder's causal LM (Llama, Qwen2, Phi-3),
     * its tokenizer, its chat template (when the tokenizer config has one) and its generation_config.json defaults.
     */
    public static TextGenerationPipeline textGeneration(Path modelDir, PretrainedOptions options) {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
        CausalLM model = null;
        try {
            ChatTemplate template = tokenizer.chatTemplate().isPresent() ? ChatTemplate.fromTokenizer(tokenizer) : null;
            model = AutoModelForCausalLM.fromPretrained(modelDir, options);
            var defaults = GenerationConfig.fromPretrained(modelDir, model.decoderConfig());
            return new TextGenerationPipeline(model, tokenizer, template, defaults, true);
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }
}
