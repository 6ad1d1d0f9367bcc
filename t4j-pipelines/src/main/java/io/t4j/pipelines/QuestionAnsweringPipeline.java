package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.QuestionAnsweringModelOutput;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import io.t4j.tokenizers.TruncationStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code QuestionAnsweringPipeline} (transformers/pipelines/question_answering.py): a question and a context in,
 * answer spans of the context out, each {@code {score, start, end, answer}}.
 *
 * <p>A context longer than {@code max_seq_len} is cut into overlapping windows (the question first, then a piece of
 * the context, consecutive pieces sharing {@code doc_stride} tokens; context first when the tokenizer pads on the
 * left), and all windows of a batch of questions run through the model in one forward. In each window, start and
 * end logits outside the context (the CLS token aside) are masked, softmax-normalised, and a span scores
 * {@code p_start * p_end} (HF's {@code select_starts_ends} / {@code decode_spans}); spans end at most
 * {@code max_answer_len - 1} tokens after they start. With {@code align_to_words} a span is widened to the words
 * its first and last tokens belong to, whole words even where a window's edge cuts one (HF's {@code word_to_chars}
 * looks within the window and can give part of a word there). Answers with the same text (ignoring case) are
 * merged, their scores summed, and the {@code top_k} best are returned, best first.
 *
 * <p>Unlike HF (its issue #38984), a question gets {@code top_k} answers whenever its context holds that many
 * different ones: HF takes the {@code top_k} best spans of each window before merging, so spans that collapse onto
 * one word or one text leave it short; here each window gives its spans in score order until it has given
 * {@code top_k} different texts. HF documents {@code max_question_len} but its fast-tokenizer path ignores it; here a
 * longer question is cut to that many tokens. A question that leaves no room for the context, or a
 * {@code doc_stride} not smaller than the room left, is an error naming the input.
 */
public final class QuestionAnsweringPipeline extends Pipeline<QuestionAnsweringModel<?>, QuestionAnsweringInput,
        QuestionAnsweringPipeline.Windows, QuestionAnsweringPipeline.Logits, List<QuestionAnsweringResult>, QuestionAnsweringOptions> {
    /** HF's value for masked logits before the softmax. */
    private static final float MASKED = -10000f;
    /** HF's default {@code max_seq_len} cap. */
    private static final int DEFAULT_MAX_SEQ_LEN = 384;
    /** HF's default {@code doc_stride} cap. */
    private static final int DEFAULT_DOC_STRIDE = 128;

    QuestionAnsweringPipeline(QuestionAnsweringModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        super(model, tokenizer, owned);
    }

    /** The answers to one question, best first ({@code qa(question=..., context=..., top_k=...)}). */
    public List<QuestionAnsweringResult> apply(String question, String context, QuestionAnsweringOptions options) {
        return apply(List.of(new QuestionAnsweringInput(question, context)), options).getFirst();
    }

    public List<QuestionAnsweringResult> apply(String question, String context) {
        return apply(question, context, QuestionAnsweringOptions.defaults());
    }

    /** One list of answers per question, in input order. */
    public List<List<QuestionAnsweringResult>> apply(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
        return run(inputs, options);
    }

    /** {@code max_seq_len} for these options: the given one, else HF's {@code min(model_max_length, 384)}. */
    public int maxSeqLen(QuestionAnsweringOptions options) {
        return options.maxSeqLen() != null ? options.maxSeqLen() : Math.min(tokenizer.modelMaxLength(), DEFAULT_MAX_SEQ_LEN);
    }

    /** {@code doc_stride} for these options: the given one, else HF's {@code min(max_seq_len // 2, 128)}. */
    public int docStride(QuestionAnsweringOptions options) {
        return options.docStride() != null ? options.docStride() : Math.min(maxSeqLen(options) / 2, DEFAULT_DOC_STRIDE);
    }

    /**
     * The windows of a batch of questions: the model inputs (padded to the longest window) and, per window, the
     * question it belongs to, its tokens' offsets, sequence ids and word ids.
     */
    public record Windows(ModelInputs inputs, BatchEncoding encoding, int[] questionOf, boolean questionFirst)
            implements CarriesModelInputs {}

    /** The start and end logits of every window, [W][T], as float arrays. */
    public record Logits(float[][] start, float[][] end) {}

    @Override
    protected int batchSize(QuestionAnsweringOptions options) {
        return options.batchSize();
    }

    /**
     * Checks that every question leaves room for its context within {@code max_seq_len}, and that {@code doc_stride}
     * is smaller than that room, without running the model; an {@link IllegalArgumentException} names the first
     * question that does not ("question i"). What {@link #apply} checks before each forward.
     */
    public void checkInputs(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
        questions(inputs, options);
    }

    /** The questions as they are encoded (cut to {@code max_question_len} tokens), checked against the room left. */
    private List<String> questions(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
        int maxSeqLen = maxSeqLen(options);
        int docStride = docStride(options);
        List<String> questions = cutQuestions(inputs.stream().map(QuestionAnsweringInput::question).toList(), options.maxQuestionLen());
        int[] questionTokens = tokenCounts(questions);
        int special = tokenizer.numSpecialTokensToAdd(true);
        for (int i = 0; i < inputs.size(); i++) {
            int room = maxSeqLen - questionTokens[i] - special;
            if (room < 1) {
                throw new IllegalArgumentException("question " + i + " ('" + abbreviated(questions.get(i)) + "') has "
                        + questionTokens[i] + " tokens, which with " + special + " special tokens leaves no room for the "
                        + "context in max_seq_len " + maxSeqLen + " (lower max_question_len or raise max_seq_len)");
            }
            if (docStride >= room) {
                throw new IllegalArgumentException("question " + i + " ('" + abbreviated(questions.get(i)) + "'): doc_stride "
                        + docStride + " is not smaller than the room left for the context, " + room + " tokens (max_seq_len "
                        + maxSeqLen + " - " + questionTokens[i] + " question tokens - " + special
                        + " special tokens); lower doc_stride or raise max_seq_len");
            }
        }
        return questions;
    }

    @Override
    protected Windows preprocess(List<QuestionAnsweringInput> inputs, QuestionAnsweringOptions options) {
        int maxSeqLen = maxSeqLen(options);
        int docStride = docStride(options);
        boolean questionFirst = tokenizer.paddingSide() == Side.RIGHT;
        List<String> questions = questions(inputs, options);
        List<String> contexts = inputs.stream().map(QuestionAnsweringInput::context).toList();
        EncodeOptions encode = EncodeOptions.defaults()
                .withTruncation(questionFirst ? TruncationStrategy.ONLY_SECOND : TruncationStrategy.ONLY_FIRST)
                .withMaxLength(maxSeqLen).withStride(docStride).withReturnOverflowingTokens(true)
                .withReturnOffsetsMapping(true).withReturnSequenceIds(true).withReturnWordIds(options.alignToWords())
                .withPadding(Padding.LONGEST);
        BatchEncoding enc = questionFirst ? tokenizer.encodePairs(questions, contexts, encode)
                : tokenizer.encodePairs(contexts, questions, encode);
        return new Windows(ModelInputs.of(enc), enc, enc.overflowToSampleMapping(), questionFirst);
    }

    @Override
    protected Logits forward(Windows windows, QuestionAnsweringOptions options) {
        QuestionAnsweringModelOutput out = model.forward(windows.inputs());
        return new Logits(rows(out.startLogits()), rows(out.endLogits())); // [W,T] each
    }

    @Override
    protected List<List<QuestionAnsweringResult>> postprocess(List<QuestionAnsweringInput> inputs, Windows windows, Logits logits,
                                                             QuestionAnsweringOptions options) {
        List<List<QuestionAnsweringResult>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Answer> merged = new LinkedHashMap<>();
            Map<Integer, int[]> words = options.alignToWords() ? wordChars(windows, i) : null;
            double minNull = Double.POSITIVE_INFINITY;
            for (int w = 0; w < windows.questionOf().length; w++) {
                if (windows.questionOf()[w] != i) {
                    continue;
                }
                minNull = Math.min(minNull, window(inputs.get(i).context(), windows, w, logits, options, words, merged));
            }
            List<Answer> answers = new ArrayList<>(merged.values());
            if (options.handleImpossibleAnswer()) {
                answers.add(new Answer(0, 0, "", minNull));
            }
            answers.sort(Comparator.comparingDouble((Answer a) -> a.score).reversed()); // stable: ties keep their order
            out.add(answers.subList(0, Math.min(options.topK(), answers.size())).stream()
                    .map(a -> new QuestionAnsweringResult(a.score, a.start, a.end, a.text)).toList());
        }
        return out;
    }

    /**
     * One window's spans, merged into {@code merged} (by lower-cased text, scores summed) in score order until the
     * window has given {@code top_k} different texts; returns the window's null score {@code p_start[cls] *
     * p_end[cls]}.
     */
    private double window(String context, Windows windows, int w, Logits logits, QuestionAnsweringOptions options,
                          Map<Integer, int[]> words, Map<String, Answer> merged) {
        BatchEncoding enc = windows.encoding();
        int contextId = windows.questionFirst() ? 1 : 0;
        int[] seq = enc.sequenceIds()[w];
        int[] mask = enc.attentionMask()[w];
        int t = seq.length;
        int cls = clsIndex(enc.inputIds()[w]);
        boolean[] inContext = new boolean[t];
        boolean[] desired = new boolean[t]; // HF: p_mask 0 (context tokens and CLS) and attention_mask 1
        for (int k = 0; k < t; k++) {
            inContext[k] = seq[k] == contextId && mask[k] == 1;
            desired[k] = inContext[k] || (k == cls && mask[k] == 1);
        }
        double[] pStart = softmax(logits.start()[w], desired);
        double[] pEnd = softmax(logits.end()[w], desired);
        double nullScore = pStart[cls] * pEnd[cls];
        pStart[cls] = 0;
        pEnd[cls] = 0;
        int[][] chars = tokenChars(enc, w, contextId, words); // {start, end} per token
        List<int[]> spans = new ArrayList<>(); // {start token, end token}
        List<Double> scores = new ArrayList<>();
        for (int s = 0; s < t; s++) {
            if (!inContext[s]) {
                continue;
            }
            for (int e = s; e < Math.min(t, s + options.maxAnswerLen()); e++) {
                if (inContext[e]) {
                    spans.add(new int[] {s, e});
                    scores.add(pStart[s] * pEnd[e]);
                }
            }
        }
        Integer[] order = new Integer[spans.size()];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, (a, b) -> Double.compare(scores.get(b), scores.get(a))); // stable: ties keep token order
        Map<String, Answer> mine = new LinkedHashMap<>();
        for (int k : order) {
            int start = chars[spans.get(k)[0]][0];
            int end = chars[spans.get(k)[1]][1];
            String text = context.substring(start, end);
            String key = text.toLowerCase(Locale.ROOT);
            Answer a = mine.get(key);
            if (a != null) {
                a.score += scores.get(k);
            } else if (mine.size() < options.topK()) {
                mine.put(key, new Answer(start, end, text, scores.get(k)));
            } else {
                break; // this window has given top_k different answers
            }
        }
        mine.forEach((key, a) -> {
            Answer known = merged.get(key);
            if (known != null) {
                known.score += a.score;
            } else {
                merged.put(key, a);
            }
        });
        return nullScore;
    }

    /**
     * The characters of each context word of question {@code i}, over all its windows: a word cut by a window's edge
     * is whole in the next window (they share {@code doc_stride} tokens), so its span here is the whole word. Null
     * without word ids (a tokenizer that has none).
     */
    private static Map<Integer, int[]> wordChars(Windows windows, int i) {
        BatchEncoding enc = windows.encoding();
        if (enc.wordIds() == null) {
            return null;
        }
        int contextId = windows.questionFirst() ? 1 : 0;
        Map<Integer, int[]> chars = new java.util.HashMap<>(); // word id -> {first char, end char} in the context
        for (int w = 0; w < windows.questionOf().length; w++) {
            if (windows.questionOf()[w] != i) {
                continue;
            }
            int[] words = enc.wordIds()[w];
            int[] seq = enc.sequenceIds()[w];
            for (int k = 0; k < words.length; k++) {
                if (seq[k] == contextId && words[k] != BatchEncoding.NONE) {
                    int[] span = chars.computeIfAbsent(words[k], x -> new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE});
                    span[0] = Math.min(span[0], enc.offsetStarts()[w][k]);
                    span[1] = Math.max(span[1], enc.offsetEnds()[w][k]);
                }
            }
        }
        return chars;
    }

    /**
     * Each token's characters in the context: its offsets, or with {@code words} (align_to_words) those of its whole
     * word; tokens without a word keep their offsets, as HF falls back to them. HF's {@code word_to_chars} looks only
     * within the window, so a word cut by the window's edge gives part of a word there; here it is the whole word.
     */
    private static int[][] tokenChars(BatchEncoding enc, int w, int contextId, Map<Integer, int[]> words) {
        int[] starts = enc.offsetStarts()[w];
        int[] ends = enc.offsetEnds()[w];
        int t = starts.length;
        int[][] chars = new int[t][];
        for (int k = 0; k < t; k++) {
            chars[k] = new int[] {starts[k], ends[k]};
        }
        if (words == null) {
            return chars;
        }
        int[] wordIds = enc.wordIds()[w];
        int[] seq = enc.sequenceIds()[w];
        for (int k = 0; k < t; k++) {
            if (seq[k] == contextId && wordIds[k] != BatchEncoding.NONE) {
                chars[k] = words.get(wordIds[k]);
            }
        }
        return chars;
    }

    /** HF's masked softmax: logits outside {@code desired} set to -10000, then normalised over the window. */
    private static double[] softmax(float[] logits, boolean[] desired) {
        double max = Double.NEGATIVE_INFINITY;
        double[] p = new double[desired.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = desired[k] ? logits[k] : MASKED;
            max = Math.max(max, p[k]);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** The window's first CLS token (the null answer's position), else 0 as in HF. */
    private int clsIndex(int[] ids) {
        Integer clsId = tokenizer.clsToken() == null ? null : tokenizer.clsTokenId();
        if (clsId != null) {
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] == clsId) {
                    return k;
                }
            }
        }
        return 0;
    }

    /** Questions longer than {@code maxQuestionLen} tokens cut after their last allowed token. */
    private List<String> cutQuestions(List<String> questions, int maxQuestionLen) {
        BatchEncoding enc = tokenizer.encode(questions, EncodeOptions.noTruncation().withAddSpecialTokens(false)
                .withReturnOffsetsMapping(true));
        List<String> out = new ArrayList<>(questions.size());
        for (int i = 0; i < questions.size(); i++) {
            int[] ends = enc.offsetEnds()[i];
            out.add(ends.length <= maxQuestionLen ? questions.get(i) : questions.get(i).substring(0, ends[maxQuestionLen - 1]));
        }
        return out;
    }

    private int[] tokenCounts(List<String> texts) {
        BatchEncoding enc = tokenizer.encode(texts, EncodeOptions.noTruncation().withAddSpecialTokens(false));
        return Arrays.stream(enc.inputIds()).mapToInt(r -> r.length).toArray();
    }

    private static String abbreviated(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static float[][] rows(org.bytedeco.pytorch.Tensor logits) {
        int b = (int) logits.size(0);
        int t = (int) logits.size(1);
        float[] flat = Tensors.toFloats(logits.to(ScalarType.Float).contiguous());
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(flat, i * t, (i + 1) * t);
        }
        return out;
    }

    /** An answer being merged: where it is, its text and its summed score. */
    private static final class Answer {
        final int start;
        final int end;
        final String text;
        double score;

        Answer(int start, int end, String text, double score) {
            this.start = start;
            this.end = end;
            this.text = text;
            this.score = score;
        }
    }
}
