package io.t4j.server;

import io.t4j.models.AutoConfig;
import io.t4j.models.ModelTypes;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The one model a server runs: an encoder (classify, embed) or a causal LM (generate, zero-shot), chosen by the
 * folder's {@code model_type} as HF's Auto classes choose, with what {@code GET /v1/models} reports about it.
 */
public final class ServedModel implements AutoCloseable {
    private final EncoderRunner encoder;
    private final DecoderRunner decoder;
    private final Api.ModelInfo info;

    private ServedModel(EncoderRunner encoder, DecoderRunner decoder, Api.ModelInfo info) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.info = info;
    }

    /** Loads the model in {@code dir}; {@code id} is how the user named it (folder, hub id or "default"). */
    public static ServedModel load(Path dir, String id, PretrainedOptions options) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        if (ModelTypes.family(config.modelType()).causalLm() != null) {
            DecoderRunner decoder = DecoderRunner.load(dir, options);
            return new ServedModel(null, decoder, decoderInfo(id, decoder));
        }
        EncoderRunner encoder = EncoderRunner.load(dir, options);
        return new ServedModel(encoder, null, encoderInfo(id, config, encoder));
    }

    private static Api.ModelInfo encoderInfo(String id, PretrainedConfig config, EncoderRunner encoder) {
        PretrainedConfig served = encoder.classificationModel().config();
        boolean pretrainedHead = config.architectures() != null
                && config.architectures().stream().anyMatch(a -> a.endsWith("ForSequenceClassification"));
        int maxLength = encoder.tokenizer().modelMaxLength();
        return new Api.ModelInfo(id, "model", config.modelType(), config.architectures(), List.of("classify", "embed"),
                served.id2label(), pretrainedHead, encoder.classificationModel().dtype().torchName(),
                maxLength == PreTrainedTokenizer.NO_MAX_LENGTH ? null : maxLength, encoder.encoderModel().hiddenSize(),
                null);
    }

    private static Api.ModelInfo decoderInfo(String id, DecoderRunner decoder) {
        DecoderConfig config = decoder.model().decoderConfig();
        List<String> tasks = decoder.hasChatTemplate() ? List.of("generate", "zero-shot") : List.of("generate");
        return new Api.ModelInfo(id, "model", config.modelType(), config.architectures(), tasks, null, null,
                decoder.model().dtype().torchName(), config.maxPositionEmbeddings(), config.hiddenSize(),
                decoder.hasChatTemplate());
    }

    /** The encoder runner, or null when a causal LM is served. */
    public EncoderRunner encoder() {
        return encoder;
    }

    /** The causal-LM runner, or null when an encoder is served. */
    public DecoderRunner decoder() {
        return decoder;
    }

    public Api.ModelInfo info() {
        return info;
    }

    /** Frees the model's weights and tokenizer. */
    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
        if (decoder != null) {
            decoder.close();
        }
    }
}
