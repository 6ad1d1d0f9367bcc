package io.t4j.spark;

import io.t4j.models.PretrainedOptions;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringInput;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * HF's {@code pipeline("question-answering")} (extractive) as a Spark ML transformer over two string columns,
 * {@code questionCol} and {@code contextCol}: the output column is the best answer,
 * {@code struct<answer, score, start, end>} ({@code context.substring(start, end)} is the answer), or with
 * {@code topK} > 1 an array of the {@code topK} best, best first. Params are HF's: {@code topK}, {@code docStride}
 * (unset: {@code min(maxSeqLen / 2, 128)}), {@code maxAnswerLen} (15), {@code maxSeqLen} (unset:
 * {@code min(model_max_length, 384)}), {@code maxQuestionLen} (64), {@code handleImpossibleAnswer} (also offer the
 * empty answer ""), {@code alignToWords}. A long context runs in overlapping windows; all windows of a batch's
 * questions go through one forward.
 *
 * <p>A null question or context gives a null; an empty one fails the task naming the column (HF: "`context` cannot be
 * empty"). The base's {@code maxLength} does not apply: {@code maxSeqLen} is the window length.
 *
 * <pre>{@code
 * var qa = new T4jQuestionAnswerer().setModel("/models/squad").setQuestionCol("q").setContextCol("doc").setTopK(3);
 * qa.transform(pairs).select(col("q"), col("answer").getItem(0).getField("answer"));
 * }</pre>
 */
public final class T4jQuestionAnswerer extends T4jTransformer<T4jQuestionAnswerer> {
    private static final long serialVersionUID = 1L;

    private final Param<String> questionCol;
    private final Param<String> contextCol;
    private final IntParam topK;
    private final IntParam docStride;
    private final IntParam maxAnswerLen;
    private final IntParam maxSeqLen;
    private final IntParam maxQuestionLen;
    private final BooleanParam handleImpossibleAnswer;
    private final BooleanParam alignToWords;

    public T4jQuestionAnswerer() {
        this(Identifiable.randomUID("t4jQuestionAnswerer"));
    }

    public T4jQuestionAnswerer(String uid) {
        super(uid);
        this.questionCol = new Param<>(this, "questionCol", "the question column");
        this.contextCol = new Param<>(this, "contextCol", "the context column");
        this.topK = new IntParam(this, "topK", "answers per question (HF's top_k); > 1 makes the output an array");
        this.docStride = new IntParam(this, "docStride", "context tokens shared by consecutive windows (HF's doc_stride); "
                + "unset: min(maxSeqLen / 2, 128)");
        this.maxAnswerLen = new IntParam(this, "maxAnswerLen", "the longest answer in tokens (HF's max_answer_len)");
        this.maxSeqLen = new IntParam(this, "maxSeqLen", "tokens per window, question included (HF's max_seq_len); "
                + "unset: min(model_max_length, 384)");
        this.maxQuestionLen = new IntParam(this, "maxQuestionLen", "a longer question is cut to this many tokens "
                + "(HF's max_question_len)");
        this.handleImpossibleAnswer = new BooleanParam(this, "handleImpossibleAnswer",
                "also offer the empty answer, scored by the null (CLS) span (HF's handle_impossible_answer)");
        this.alignToWords = new BooleanParam(this, "alignToWords", "widen answers to whole words (HF's align_to_words)");
        QuestionAnsweringOptions hf = QuestionAnsweringOptions.defaults();
        setDefault(outputCol(), "answer");
        setDefault(questionCol, "question");
        setDefault(contextCol, "context");
        setDefault(topK, hf.topK());
        setDefault(maxAnswerLen, hf.maxAnswerLen());
        setDefault(maxQuestionLen, hf.maxQuestionLen());
        setDefault(handleImpossibleAnswer, hf.handleImpossibleAnswer());
        setDefault(alignToWords, hf.alignToWords());
        setDefault(batchSize(), hf.batchSize());
    }

    public Param<String> questionCol() { return questionCol; }
    public Param<String> contextCol() { return contextCol; }
    public IntParam topK() { return topK; }
    public IntParam docStride() { return docStride; }
    public IntParam maxAnswerLen() { return maxAnswerLen; }
    public IntParam maxSeqLen() { return maxSeqLen; }
    public IntParam maxQuestionLen() { return maxQuestionLen; }
    public BooleanParam handleImpossibleAnswer() { return handleImpossibleAnswer; }
    public BooleanParam alignToWords() { return alignToWords; }

    public String getQuestionCol() { return getOrDefault(questionCol); }
    public String getContextCol() { return getOrDefault(contextCol); }
    public int getTopK() { return (Integer) getOrDefault(topK); }
    /** The doc stride, or null for HF's default. */
    public Integer getDocStride() { return isDefined(docStride) ? (Integer) getOrDefault(docStride) : null; }
    public int getMaxAnswerLen() { return (Integer) getOrDefault(maxAnswerLen); }
    /** The window length, or null for HF's default. */
    public Integer getMaxSeqLen() { return isDefined(maxSeqLen) ? (Integer) getOrDefault(maxSeqLen) : null; }
    public int getMaxQuestionLen() { return (Integer) getOrDefault(maxQuestionLen); }
    public boolean getHandleImpossibleAnswer() { return (Boolean) getOrDefault(handleImpossibleAnswer); }
    public boolean getAlignToWords() { return (Boolean) getOrDefault(alignToWords); }

    public T4jQuestionAnswerer setQuestionCol(String value) {
        set(questionCol, value);
        return this;
    }

    public T4jQuestionAnswerer setContextCol(String value) {
        set(contextCol, value);
        return this;
    }

    public T4jQuestionAnswerer setTopK(int value) {
        QuestionAnsweringOptions.defaults().withTopK(value);
        set(topK, value);
        return this;
    }

    public T4jQuestionAnswerer setDocStride(int value) {
        QuestionAnsweringOptions.defaults().withDocStride(value);
        set(docStride, value);
        return this;
    }

    public T4jQuestionAnswerer setMaxAnswerLen(int value) {
        QuestionAnsweringOptions.defaults().withMaxAnswerLen(value);
        set(maxAnswerLen, value);
        return this;
    }

    public T4jQuestionAnswerer setMaxSeqLen(int value) {
        QuestionAnsweringOptions.defaults().withMaxSeqLen(value);
        set(maxSeqLen, value);
        return this;
    }

    public T4jQuestionAnswerer setMaxQuestionLen(int value) {
        QuestionAnsweringOptions.defaults().withMaxQuestionLen(value);
        set(maxQuestionLen, value);
        return this;
    }

    public T4jQuestionAnswerer setHandleImpossibleAnswer(boolean value) {
        set(handleImpossibleAnswer, value);
        return this;
    }

    public T4jQuestionAnswerer setAlignToWords(boolean value) {
        set(alignToWords, value);
        return this;
    }

    /** The pipeline's options for these params (checked on the driver: doc_stride against max_seq_len). */
    QuestionAnsweringOptions options() {
        return new QuestionAnsweringOptions(getTopK(), getDocStride(), getMaxAnswerLen(), getMaxSeqLen(), getMaxQuestionLen(),
                getHandleImpossibleAnswer(), getAlignToWords(), getBatchSize());
    }

    @Override
    protected List<String> inputColumns() {
        return List.of(getQuestionCol(), getContextCol());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (getMaxLength() != 0) {
            throw new IllegalArgumentException("T4jQuestionAnswerer: maxLength does not apply to question answering (got "
                    + getMaxLength() + "): set maxSeqLen, the window length (HF's max_seq_len)");
        }
        options();
        return super.transformSchema(schema);
    }

    static StructType answerType() {
        return new StructType().add("answer", DataTypes.StringType, false).add("score", DataTypes.FloatType, false)
                .add("start", DataTypes.IntegerType, false).add("end", DataTypes.IntegerType, false);
    }

    @Override
    protected DataType outputDataType() {
        return getTopK() > 1 ? DataTypes.createArrayType(answerType(), false) : answerType();
    }

    @Override
    protected InferenceTask<?, ?> inferenceTask(StructType schema) {
        QuestionAnsweringOptions o = options();
        return new Task(schema.fieldIndex(getQuestionCol()), schema.fieldIndex(getContextCol()), getQuestionCol(),
                getContextCol(), o.topK(), o.docStride(), o.maxAnswerLen(), o.maxSeqLen(), o.maxQuestionLen(),
                o.handleImpossibleAnswer(), o.alignToWords(), o.batchSize());
    }

    /** Question answering on an executor (the settings as plain values: the pipeline's options are not serializable). */
    record Task(int questionColumn, int contextColumn, String questionCol, String contextCol, int topK, Integer docStride,
                int maxAnswerLen, Integer maxSeqLen, int maxQuestionLen, boolean handleImpossibleAnswer,
                boolean alignToWords, int batchSize) implements InferenceTask<QuestionAnsweringPipeline, QuestionAnsweringInput> {
        QuestionAnsweringOptions options() {
            return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen,
                    handleImpossibleAnswer, alignToWords, batchSize);
        }

        @Override
        public String task() {
            return "question-answering";
        }

        @Override
        public QuestionAnsweringPipeline load(Path modelDir, PretrainedOptions loadOptions) {
            return Pipeline.questionAnswering(modelDir, loadOptions);
        }

        @Override
        public QuestionAnsweringInput input(Row row) {
            if (row.isNullAt(questionColumn) || row.isNullAt(contextColumn)) {
                return null;
            }
            String question = row.getString(questionColumn);
            String context = row.getString(contextColumn);
            for (String[] field : new String[][] {{questionCol, question}, {contextCol, context}}) {
                if (field[1].isEmpty()) {
                    throw new IllegalArgumentException("T4jQuestionAnswerer: column '" + field[0] + "' holds an empty "
                            + "string (HF: it cannot be empty); make it null or filter the row out");
                }
            }
            return new QuestionAnsweringInput(question, context);
        }

        @Override
        public List<Object> apply(QuestionAnsweringPipeline pipeline, List<QuestionAnsweringInput> inputs) {
            List<List<QuestionAnsweringResult>> answers = pipeline.apply(inputs, options());
            List<Object> out = new ArrayList<>(inputs.size());
            for (List<QuestionAnsweringResult> best : answers) {
                List<Row> rows = new ArrayList<>(best.size());
                for (QuestionAnsweringResult a : best) {
                    rows.add(RowFactory.create(a.answer(), (float) a.score(), a.start(), a.end()));
                }
                out.add(topK > 1 ? scala.jdk.javaapi.CollectionConverters.asScala(rows).toSeq() : rows.getFirst()); // an array: a Scala Seq
            }
            return out;
        }
    }

    public static MLReader<T4jQuestionAnswerer> read() {
        return new Reader<>(T4jQuestionAnswerer.class);
    }

    public static T4jQuestionAnswerer load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "T4jQuestionAnswerer(%s, topK=%d)", uid(), getTopK());
    }
}
