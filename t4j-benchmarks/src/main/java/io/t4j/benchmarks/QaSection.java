package io.t4j.benchmarks;

import io.t4j.data.SquadData;
import io.t4j.data.SquadExample;
import io.t4j.data.SquadReader;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.TruncationStrategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The question-answering pipeline's latency for one question on a long context: SQuAD paragraphs (in file order)
 * joined into {@code --qa-words} words, and a question on the last paragraph that fits whole. The pipeline cuts the
 * context into windows of 384 tokens sharing 128 and runs them all in one forward; for comparison the same windows'
 * forward as one batch and one window at a time (what a pipeline without batched windows does). fp32 and bf16
 * weights, interleaved rep by rep, after 2 warm-up calls each.
 */
public final class QaSection {
    private QaSection() {}

    static final int REPS = 10;
    static final int WARMUP = 2;

    /**
     * One configuration's timings (milliseconds, medians over the reps).
     *
     * @param dtype            weights' dtype
     * @param pipelineMs       one {@code pipeline.apply(question, context)}: tokenization, one forward, span decoding
     * @param pipelineMinMs    its fastest rep
     * @param batchedForwardMs the model on all windows as one batch
     * @param oneByOneForwardMs the model on each window alone, summed
     * @param answer           the pipeline's answer
     * @param score            its score
     */
    public record Row(String dtype, double pipelineMs, double pipelineMinMs, double batchedForwardMs, double oneByOneForwardMs,
                      String answer, double score) {}

    /**
     * The section's result.
     *
     * @param model    the model folder
     * @param words    words in the context
     * @param chars    its characters
     * @param windows  windows the pipeline made
     * @param tokens   real tokens over all windows
     * @param question the question
     * @param gold     its gold answer in the file
     * @param rows     per dtype
     */
    public record Result(String model, int words, int chars, int windows, long tokens, String question, String gold,
                         List<Row> rows) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Row r : this.rows) {
                rows.add(List.of(r.dtype(), Table.num(r.pipelineMs(), 1), Table.num(r.pipelineMinMs(), 1),
                        Table.num(r.batchedForwardMs(), 1), Table.num(r.oneByOneForwardMs(), 1),
                        Table.num(r.oneByOneForwardMs() / r.batchedForwardMs(), 2) + "x", "\"" + r.answer() + "\" (" + Table.num(r.score(), 3) + ")"));
            }
            return List.of(new Table("qa: one question on a " + words + "-word context (" + windows + " windows of 384, stride 128, "
                    + tokens + " tokens), medians of " + REPS + " reps", List.of("weights", "pipeline ms", "pipeline min ms",
                    "forward, windows batched ms", "forward, one window at a time ms", "one at a time / batched", "answer (score)"),
                    rows, List.of("model: " + model, "question: " + question + " (gold: \"" + gold + "\")",
                    "the pipeline runs every window in one forward; the last two timing columns are the model alone")));
        }
    }

    public static Result run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        SquadData data = SquadReader.read(o.squad());
        String[] picked = longContext(data, o.qaWords());
        String context = picked[0];
        String question = picked[1];
        Path dir = o.qaModel() != null ? o.qaModel() : ctx.bgeSmall();
        Progress.say("qa: %d words, question '%s', model %s", o.qaWords(), question, dir);
        List<QuestionAnsweringPipeline> pipes = new ArrayList<>();
        try {
            pipes.add(Pipeline.questionAnswering(dir, PretrainedOptions.defaults().withZeroCopy(true)));
            pipes.add(Pipeline.questionAnswering(dir, PretrainedOptions.defaults().withZeroCopy(true).withDtype(ScalarType.BFloat16)));
            QuestionAnsweringPipeline first = pipes.getFirst();
            int maxSeqLen = first.maxSeqLen(QuestionAnsweringOptions.defaults());
            int stride = first.docStride(QuestionAnsweringOptions.defaults());
            BatchEncoding windows = first.tokenizer().encodePairs(List.of(question), List.of(context), EncodeOptions.defaults()
                    .withTruncation(TruncationStrategy.ONLY_SECOND).withMaxLength(maxSeqLen).withStride(stride)
                    .withReturnOverflowingTokens(true).withPadding(Padding.LONGEST));
            long tokens = 0;
            for (int[] mask : windows.attentionMask()) {
                for (int m : mask) {
                    tokens += m;
                }
            }
            int n = pipes.size();
            List<List<Double>> pipeline = new ArrayList<>();
            List<List<Double>> batched = new ArrayList<>();
            List<List<Double>> oneByOne = new ArrayList<>();
            List<QuestionAnsweringResult> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pipeline.add(new ArrayList<>());
                batched.add(new ArrayList<>());
                oneByOne.add(new ArrayList<>());
                answers.add(null);
            }
            for (int rep = -WARMUP; rep < REPS; rep++) {
                for (int i = 0; i < n; i++) {
                    QuestionAnsweringPipeline pipe = pipes.get(i);
                    long t0 = System.nanoTime();
                    QuestionAnsweringResult a = pipe.apply(question, context).getFirst();
                    double p = Stats.msSince(t0);
                    double b = forward(pipe, windows, -1);
                    double one = 0;
                    for (int w = 0; w < windows.size(); w++) {
                        one += forward(pipe, windows, w);
                    }
                    if (rep >= 0) {
                        pipeline.get(i).add(p);
                        batched.get(i).add(b);
                        oneByOne.get(i).add(one);
                    }
                    answers.set(i, a);
                }
                Progress.say("qa: rep %d of %d", rep + 1, REPS);
            }
            List<Row> rows = new ArrayList<>();
            String[] names = {"fp32", "bf16"};
            for (int i = 0; i < n; i++) {
                rows.add(new Row(names[i], Stats.median(pipeline.get(i)), pipeline.get(i).stream().mapToDouble(d -> d).min().orElseThrow(),
                        Stats.median(batched.get(i)), Stats.median(oneByOne.get(i)), answers.get(i).answer(), answers.get(i).score()));
            }
            return new Result(dir.toString(), o.qaWords(), context.length(), windows.size(), tokens, question, picked[2], rows);
        } finally {
            pipes.forEach(QuestionAnsweringPipeline::close);
        }
    }

    /** The model's forward on all windows ({@code w} < 0) or on window {@code w} alone, in milliseconds. */
    private static double forward(QuestionAnsweringPipeline pipe, BatchEncoding windows, int w) {
        BatchEncoding part = w < 0 ? windows : new BatchEncoding(new int[][] {trim(windows, w, windows.inputIds())},
                new int[][] {trim(windows, w, windows.attentionMask())},
                windows.tokenTypeIds() == null ? null : new int[][] {trim(windows, w, windows.tokenTypeIds())});
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode()) {
            long t0 = System.nanoTime();
            ModelInputs in = ModelInputs.of(part);
            pipe.model().forward(in).startLogits().sum().item_double(); // waits for the result
            return Stats.msSince(t0);
        }
    }

    /** Window {@code w}'s row without its padding (a window alone is not padded). */
    private static int[] trim(BatchEncoding windows, int w, int[][] rows) {
        int real = 0;
        for (int m : windows.attentionMask()[w]) {
            real += m;
        }
        return java.util.Arrays.copyOf(rows[w], real); // right padding (BERT)
    }

    /** {context of about {@code words} words from paragraphs in file order, a question on its last whole paragraph, gold}. */
    static String[] longContext(SquadData data, int words) {
        Set<String> paragraphs = new LinkedHashSet<>();
        data.examples().forEach(e -> paragraphs.add(e.context()));
        StringBuilder context = new StringBuilder();
        int count = 0;
        String lastWhole = null;
        for (String p : paragraphs) {
            int pw = p.trim().split("\\s+").length;
            if (count + pw > words) {
                String[] parts = p.trim().split("\\s+");
                context.append(' ').append(String.join(" ", java.util.Arrays.copyOf(parts, words - count)));
                count = words;
                break;
            }
            context.append(context.isEmpty() ? "" : " ").append(p.trim());
            count += pw;
            lastWhole = p;
        }
        if (count < words || lastWhole == null) {
            throw new IllegalArgumentException("--squad: the file's paragraphs hold fewer than " + words + " words");
        }
        String whole = lastWhole;
        SquadExample q = data.examples().stream().filter(e -> e.context().equals(whole)).findFirst().orElseThrow();
        return new String[] {context.toString(), q.question(), q.answers().getFirst().text()};
    }
}
