package io.t4j.server;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the REST API, as records. Field names are snake_case on the wire ({@code topK} is
 * {@code top_k}) and are HF's names: the text-classification pipeline's call arguments, {@code GenerationConfig}'s
 * fields, the zero-shot pipeline's {@code candidate_labels}. Absent optional fields are null here; the endpoints
 * apply the defaults documented on each field.
 */
public final class Api {
    private Api() {}

    /**
     * {@code POST /v1/classify}, HF's text-classification pipeline call.
     *
     * @param inputs          one text or a list of texts
     * @param topK            labels per text, best first (default 1; at most the number of labels)
     * @param functionToApply softmax, sigmoid or none (default: HF's choice from the model's problem type)
     * @param truncation      cut texts to the model's max length (default true); false makes an over-long text a 422
     */
    public record ClassifyRequest(Inputs inputs, Integer topK, String functionToApply, Boolean truncation) {}

    /**
     * {@code POST /v1/embed}, TEI's {@code /embed} with the pooling chosen per request.
     *
     * @param inputs     one text or a list of texts
     * @param pooling    cls, mean or pooler (default cls, what bge models use)
     * @param normalize  L2-normalise each vector (default true, as TEI)
     * @param truncation as for classify (default true)
     */
    public record EmbedRequest(Inputs inputs, String pooling, Boolean normalize, Boolean truncation) {}

    /**
     * {@code POST /v1/token-classification}, HF's Inference API token-classification request.
     *
     * @param inputs     one text or a list of texts
     * @param parameters the pipeline's parameters (all optional)
     */
    public record TokenClassificationRequest(Inputs inputs, TokenClassificationParameters parameters) {}

    /**
     * HF's {@code TokenClassificationParameters}.
     *
     * @param aggregationStrategy none, simple, first, average or max (default simple, as HF's Inference API)
     * @param ignoreLabels        labels (or entity types) left out (default ["O"])
     * @param stride              run texts longer than the model in windows sharing this many tokens (default: truncate)
     */
    public record TokenClassificationParameters(String aggregationStrategy, List<String> ignoreLabels, Integer stride) {}

    /** A chat message: role (system, user, assistant) and content. */
    public record Message(String role, String content) {}

    /**
     * {@code POST /v1/generate}: chat {@code messages} (through the model's chat template) or a plain-text
     * {@code inputs} prompt, and HF's generation parameters. Greedy unless {@code do_sample}.
     *
     * @param maxNewTokens      tokens to generate (default 100, as TGI; prompt + new tokens fit the context)
     * @param temperature       sampling temperature (> 0; default 1)
     * @param doSample          sample instead of greedy decoding (default false)
     * @param topP              nucleus sampling (0, 1] (default 1)
     * @param topK              keep the k most likely tokens, 0 = off (default 50)
     * @param repetitionPenalty HF's repetition penalty (> 0; default 1)
     * @param seed              sampling seed (default: random)
     * @param stopStrings       stop once the new text contains one of these
     * @param returnFullText    prepend the prompt text to the answer (default false)
     */
    public record GenerateRequest(List<Message> messages, String inputs, Integer maxNewTokens, Double temperature,
                                  Boolean doSample, Double topP, Integer topK, Double repetitionPenalty, Long seed,
                                  List<String> stopStrings, Boolean returnFullText) {}

    /** The answer of {@code /v1/generate} (TGI's {@code generated_text}). */
    public record GenerateResponse(String generatedText) {}

    /**
     * {@code POST /v1/zero-shot}: HF's zero-shot-classification call, answered by prompting the causal LM.
     *
     * @param inputs          one text or a list of texts
     * @param candidateLabels at least two labels ({@code labels} is accepted too)
     */
    public record ZeroShotRequest(Inputs inputs, @JsonAlias("labels") List<String> candidateLabels) {}

    /** HF's zero-shot-classification output for one text: the labels sorted by score, best first. */
    public record ZeroShotResult(String sequence, List<String> labels, List<Double> scores) {}

    /**
     * {@code POST /v1/question-answering}, the HF Inference API's question-answering request: {@code inputs} is one
     * {@code {"question", "context"}} object (answered with one answer, or a list of {@code top_k}) or a list of them
     * (answered with one such result per question).
     *
     * @param inputs     a {@code {"question", "context"}} object or an array of them
     * @param parameters HF's pipeline parameters (all optional)
     */
    public record QuestionAnsweringRequest(com.fasterxml.jackson.databind.JsonNode inputs, QuestionAnsweringParameters parameters) {}

    /**
     * The question-answering pipeline's parameters, HF's names and defaults.
     *
     * @param topK                   answers per question (1)
     * @param docStride              context tokens shared by consecutive windows (min(max_seq_len / 2, 128))
     * @param maxAnswerLen           the longest answer in tokens (15)
     * @param maxSeqLen              tokens per window (min(model_max_length, 384))
     * @param maxQuestionLen         a longer question is cut to this many tokens (64)
     * @param handleImpossibleAnswer also offer the empty answer (false)
     * @param alignToWords           widen answers to whole words (true)
     */
    public record QuestionAnsweringParameters(Integer topK, Integer docStride, Integer maxAnswerLen, Integer maxSeqLen,
                                              Integer maxQuestionLen, Boolean handleImpossibleAnswer, Boolean alignToWords) {}

    /** One question on one context. */
    public record QuestionContext(String question, String context) {}

    /**
     * One answer, the HF Inference API's {@code {answer, score, start, end}}: {@code start} and {@code end} count
     * characters of the context as Python does (code points).
     */
    public record QuestionAnsweringAnswer(double score, int start, int end, String answer) {}

    /**
     * One entry of {@code GET /v1/models}: what is loaded.
     *
     * @param id                   the {@code --model} it was started with
     * @param tasks                the endpoints it serves: classify, token-classification or question-answering, and
     *                             embed; or generate, zero-shot
     * @param id2label             the classification labels (null for a causal LM)
     * @param classifierPretrained false when the checkpoint has no classification head and a new one was made
     * @param dtype                the weights' dtype (float32, bfloat16)
     * @param maxLength            the longest input in tokens (the tokenizer's model_max_length or the context)
     * @param hiddenSize           the embedding size (encoders) or hidden size (causal LMs, decoder classifiers)
     * @param chatTemplate         whether {@code messages} are accepted (causal LMs)
     */
    public record ModelInfo(String id, String object, String modelType, List<String> architectures, List<String> tasks,
                            Map<Integer, String> id2label, Boolean classifierPretrained, String dtype, Integer maxLength,
                            int hiddenSize, Boolean chatTemplate) {}

    /**
     * The server's limits, as TEI names them.
     *
     * @param maxClientBatchSize    inputs per request
     * @param maxInputChars         characters per input text
     * @param payloadLimit          request body bytes
     * @param maxConcurrentRequests requests queued or running before 503
     * @param maxBatchSize          texts per micro-batch
     * @param maxWaitMs             how long a micro-batch waits to fill
     */
    public record Limits(int maxClientBatchSize, int maxInputChars, int payloadLimit, int maxConcurrentRequests,
                         int maxBatchSize, long maxWaitMs) {}

    /** {@code GET /health}. */
    public record Health(String status) {}

    /** Every error: what went wrong and the request field at fault (null when none is). */
    public record ApiError(String error, String field) {}
}
