package io.t4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQuAD examples to model features, as run_qa.py's {@code prepare_train_features} and
 * {@code prepare_validation_features} make them: questions left-stripped; the question first and the context
 * second ({@code truncation="only_second"}), or the other way round when the tokenizer pads on the left; a long
 * context split into windows of {@code max_seq_length} tokens sharing {@code doc_stride} tokens.
 *
 * <p>Train features are labelled with the answer's first and last token ({@code start_positions},
 * {@code end_positions}), or with the CLS token's index when the question has no answer or its (first) answer is
 * not wholly inside the window. Validation features keep {@code example_id} and {@code offset_mapping} with the
 * positions outside the context set to null, for {@link QaPostprocessing}.
 *
 * <p>The steps after tokenization ({@link #trainFeatures}, {@link #validationFeatures}) work on plain
 * {@link QaWindows}; {@link #prepareTrainFeatures} and {@link #prepareValidationFeatures} also check lengths and
 * call a {@link QuestionContextTokenizer}.
 */
public final class QaFeatures {
    /** The value of {@code offset_mapping} at a position outside the context (HF's None), both ends. */
    public static final int NULL_OFFSET = -1;
    /** Examples per tokenizer call: bounds the windows one call holds. */
    static final int CHUNK = 2048;

    private QaFeatures() {}

    /** The questions as run_qa tokenizes them: {@code q.lstrip()} (some SQuAD questions start with many blanks). */
    public static List<String> questions(List<SquadExample> examples) {
        return examples.stream().map(e -> PythonStrings.lstrip(e.question())).toList();
    }

    /**
     * Checks that every question leaves room for its context: {@code max_seq_length - question tokens - special
     * tokens} must be at least 1 and more than {@code doc_stride} (consecutive windows share {@code doc_stride}
     * context tokens, so each must hold more). HF's fast tokenizer fails on these only when the context must be
     * cut, with messages that name neither the question nor the values (a Rust panic {@code stride < max_len});
     * this checks every question, whatever its context's length, and names both.
     *
     * @param questionTokens the tokens of each (left-stripped) question, without special tokens
     * @param numSpecialTokens the special tokens a pair gets ({@code num_special_tokens_to_add(pair=True)})
     */
    public static void checkLengths(List<SquadExample> examples, int[] questionTokens, int numSpecialTokens, QaFeatureOptions options) {
        if (questionTokens.length != examples.size()) {
            throw new DataException(questionTokens.length + " question lengths for " + examples.size() + " examples");
        }
        for (int i = 0; i < questionTokens.length; i++) {
            int room = options.maxSeqLength() - questionTokens[i] - numSpecialTokens;
            if (room < 1) {
                throw new DataException(examples.get(i).where() + ": the question has " + questionTokens[i]
                        + " tokens, which with " + numSpecialTokens + " special tokens leaves no room for the context in max_seq_length "
                        + options.maxSeqLength() + " (shorten the question or raise max_seq_length)");
            }
            if (options.docStride() >= room) {
                throw new DataException(examples.get(i).where() + ": doc_stride " + options.docStride()
                        + " is not smaller than the room left for the context, " + room + " tokens (max_seq_length "
                        + options.maxSeqLength() + " - " + questionTokens[i] + " question tokens - " + numSpecialTokens
                        + " special tokens); lower doc_stride or raise max_seq_length");
            }
        }
    }

    /** run_qa's {@code prepare_train_features}: checks lengths, tokenizes with overflow, labels the windows. */
    public static Dataset prepareTrainFeatures(List<SquadExample> examples, QuestionContextTokenizer tokenizer, QaFeatureOptions options) {
        return chunked(examples, tokenizer, options,
                (chunk, windows) -> trainFeatures(chunk, windows, tokenizer.padOnRight(), tokenizer.clsTokenId(), tokenizer.bosTokenId()));
    }

    /** run_qa's {@code prepare_validation_features}: checks lengths, tokenizes with overflow, keeps ids and offsets. */
    public static Dataset prepareValidationFeatures(List<SquadExample> examples, QuestionContextTokenizer tokenizer, QaFeatureOptions options) {
        return chunked(examples, tokenizer, options, (chunk, windows) -> validationFeatures(chunk, windows, tokenizer.padOnRight()));
    }

    /**
     * Validation features that also carry {@code start_positions} and {@code end_positions}, labelled as
     * {@link #trainFeatures} labels them (the first gold answer, the CLS index when it is not in the window or the
     * question has none). With labels in the features the Trainer's evaluation computes {@code eval_loss} and hands
     * the start and end logits to {@code compute_metrics}, which post-processes them back to the examples; HF's
     * run_qa reaches the same place by overriding {@code evaluate} in its {@code QuestionAnsweringTrainer}.
     */
    public static Dataset prepareEvaluationFeatures(List<SquadExample> examples, QuestionContextTokenizer tokenizer,
                                                    QaFeatureOptions options) {
        return chunked(examples, tokenizer, options, (chunk, windows) -> {
            Dataset validation = validationFeatures(chunk, windows, tokenizer.padOnRight());
            Dataset train = trainFeatures(chunk, windows, tokenizer.padOnRight(), tokenizer.clsTokenId(), tokenizer.bosTokenId());
            Map<String, Column> columns = new LinkedHashMap<>();
            validation.columnNames().forEach(name -> columns.put(name, validation.column(name)));
            columns.put("start_positions", train.column("start_positions"));
            columns.put("end_positions", train.column("end_positions"));
            return Dataset.fromColumns(columns, Map.of());
        });
    }

    private interface Step {
        Dataset apply(List<SquadExample> chunk, QaWindows windows);
    }

    private static Dataset chunked(List<SquadExample> examples, QuestionContextTokenizer tokenizer, QaFeatureOptions options, Step step) {
        if (examples.isEmpty()) {
            throw new DataException("no examples to make features from");
        }
        List<String> questions = questions(examples);
        checkLengths(examples, tokenizer.tokenCounts(questions), tokenizer.numSpecialTokensToAdd(), options);
        List<String> contexts = examples.stream().map(SquadExample::context).toList();
        boolean right = tokenizer.padOnRight();
        List<Dataset> parts = new ArrayList<>();
        for (int start = 0; start < examples.size(); start += CHUNK) {
            int end = Math.min(examples.size(), start + CHUNK);
            List<String> q = questions.subList(start, end);
            List<String> c = contexts.subList(start, end);
            QaWindows windows;
            try {
                windows = tokenizer.encodeWithOverflow(right ? q : c, right ? c : q, right, options.maxSeqLength(),
                        options.docStride(), options.padToMaxLength());
            } catch (RuntimeException e) {
                throw located(examples.subList(start, end), q, c, tokenizer, options, e);
            }
            parts.add(step.apply(examples.subList(start, end), windows));
        }
        return concat(parts);
    }

    /**
     * The tokenizer refused a chunk (its own checks of the room left for the context, which name only the pair's
     * index in the call): encode the chunk's pairs one by one to find the question, and name its file and id.
     */
    private static DataException located(List<SquadExample> chunk, List<String> questions, List<String> contexts,
                                        QuestionContextTokenizer tokenizer, QaFeatureOptions options, RuntimeException failure) {
        boolean right = tokenizer.padOnRight();
        for (int i = 0; i < chunk.size(); i++) {
            List<String> q = List.of(questions.get(i));
            List<String> c = List.of(contexts.get(i));
            try {
                tokenizer.encodeWithOverflow(right ? q : c, right ? c : q, right, options.maxSeqLength(), options.docStride(),
                        options.padToMaxLength());
            } catch (RuntimeException e) {
                return new DataException(chunk.get(i).where() + ": the tokenizer cannot make features (max_seq_length "
                        + options.maxSeqLength() + ", doc_stride " + options.docStride() + "): " + e.getMessage(), e);
            }
        }
        return new DataException((chunk.getFirst().source() == null ? "" : chunk.getFirst().source() + ", ")
                + "questions " + chunk.getFirst().id() + " to " + chunk.getLast().id() + ": the tokenizer failed: "
                + failure.getMessage(), failure);
    }

    /**
     * Train features from tokenized windows: the windows' {@code input_ids}, {@code token_type_ids} (when given),
     * {@code attention_mask}, and {@code start_positions} / {@code end_positions} from {@link #answerPositions}.
     *
     * @param padOnRight whether the context is the second text (HF's {@code pad_on_right})
     */
    public static Dataset trainFeatures(List<SquadExample> examples, QaWindows windows, boolean padOnRight,
                                        Integer clsTokenId, Integer bosTokenId) {
        checkMapping(examples, windows);
        int contextId = padOnRight ? 1 : 0;
        long[] starts = new long[windows.size()];
        long[] ends = new long[windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            int cls = clsIndex(windows.inputIds()[w], clsTokenId, bosTokenId);
            int[] span = answerPositions(windows, w, examples.get(windows.overflowToSampleMapping()[w]), contextId, cls);
            starts[w] = span[0];
            ends[w] = span[1];
        }
        Map<String, Column> columns = modelInputs(windows);
        columns.put("start_positions", new LongColumn(starts));
        columns.put("end_positions", new LongColumn(ends));
        return Dataset.fromColumns(columns, Map.of());
    }

    /**
     * Validation features from tokenized windows: the model inputs, {@code offset_mapping} (two ints per token,
     * {@link #NULL_OFFSET} where HF has None: every position outside the context) and {@code example_id}.
     */
    public static Dataset validationFeatures(List<SquadExample> examples, QaWindows windows, boolean padOnRight) {
        checkMapping(examples, windows);
        int contextId = padOnRight ? 1 : 0;
        int[][] offsets = new int[windows.size()][];
        String[] exampleIds = new String[windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            exampleIds[w] = examples.get(windows.overflowToSampleMapping()[w]).id();
            offsets[w] = windows.offsetMapping()[w].clone();
            for (int t = 0; t < windows.length(w); t++) {
                if (windows.sequenceId(w, t) != contextId) {
                    offsets[w][2 * t] = NULL_OFFSET;
                    offsets[w][2 * t + 1] = NULL_OFFSET;
                }
            }
        }
        Map<String, Column> columns = modelInputs(windows);
        columns.put("offset_mapping", TokenColumn.of(offsets));
        columns.put("example_id", new StringColumn(exampleIds));
        return Dataset.fromColumns(columns, Map.of());
    }

    /**
     * The labels of one train window, as run_qa computes them: {@code {cls, cls}} when the example has no answer,
     * when the window has no context token, or when the first answer's characters are not all inside the window's
     * context; otherwise the first and last context token overlapping the answer: the last token starting at or
     * before the answer's start, and the first token ending at or after its end.
     *
     * <p>run_qa walks the start forward over every following token; when the answer starts in the window's last
     * context token, that walk runs on through {@code [SEP]} and padding (offsets (0, 0)) and labels a position
     * past the context. Here the walk stops at the context's last token.
     */
    public static int[] answerPositions(QaWindows windows, int w, SquadExample example, int contextSequenceId, int clsIndex) {
        if (example.answers().isEmpty()) {
            return new int[] {clsIndex, clsIndex};
        }
        SquadAnswer answer = example.answers().getFirst();
        int startChar = answer.answerStart();
        int endChar = answer.answerEnd();
        int first = 0;
        while (first < windows.length(w) && windows.sequenceId(w, first) != contextSequenceId) {
            first++;
        }
        int last = windows.length(w) - 1;
        while (last >= 0 && windows.sequenceId(w, last) != contextSequenceId) {
            last--;
        }
        if (first > last || !(windows.offsetStart(w, first) <= startChar && windows.offsetEnd(w, last) >= endChar)) {
            return new int[] {clsIndex, clsIndex};
        }
        int start = first;
        while (start <= last && windows.offsetStart(w, start) <= startChar) {
            start++;
        }
        int end = last;
        while (end >= first && windows.offsetEnd(w, end) >= endChar) {
            end--;
        }
        return new int[] {start - 1, end + 1};
    }

    /** run_qa's CLS index: the first CLS token, else the first BOS token, else 0. */
    public static int clsIndex(int[] inputIds, Integer clsTokenId, Integer bosTokenId) {
        for (Integer special : new Integer[] {clsTokenId, bosTokenId}) {
            if (special != null) {
                for (int t = 0; t < inputIds.length; t++) {
                    if (inputIds[t] == special) {
                        return t;
                    }
                }
            }
        }
        return 0;
    }

    private static void checkMapping(List<SquadExample> examples, QaWindows windows) {
        int[] mapping = windows.overflowToSampleMapping();
        for (int w = 0; w < mapping.length; w++) {
            if (mapping[w] < 0 || mapping[w] >= examples.size()) {
                throw new DataException("window " + w + " maps to example " + mapping[w] + ", but there are " + examples.size());
            }
        }
        boolean[] seen = new boolean[examples.size()];
        Arrays.stream(mapping).forEach(i -> seen[i] = true);
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new DataException(examples.get(i).where() + ": the tokenizer returned no window for this example");
            }
        }
    }

    private static Map<String, Column> modelInputs(QaWindows windows) {
        Map<String, Column> columns = new LinkedHashMap<>();
        TokenColumn ids = TokenColumn.of(windows.inputIds());
        columns.put("input_ids", ids);
        if (windows.tokenTypeIds() != null) {
            columns.put("token_type_ids", TokenColumn.of(windows.tokenTypeIds()));
        }
        columns.put("attention_mask", windows.attentionMask() == null ? TokenColumn.onesLike(ids) : TokenColumn.of(windows.attentionMask()));
        return columns;
    }

    private static Dataset concat(List<Dataset> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        for (String name : parts.getFirst().columnNames()) {
            columns.put(name, Column.concat(parts.stream().map(p -> p.column(name)).toList()));
        }
        return Dataset.fromColumns(columns, Map.of());
    }
}
