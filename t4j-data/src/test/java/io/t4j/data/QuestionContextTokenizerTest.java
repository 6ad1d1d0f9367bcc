package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run_qa's features through {@link QuestionContextTokenizer#of} on real tokenizers: bge-small-en-v1.5's WordPiece
 * (uncased, 384/128 windows of a long context, labels that cover the answer, evaluation features, oracle logits
 * back to the answer text), and word-level tokenizers written here with BERT's and RoBERTa's pair layouts and
 * left padding (context first, only_first).
 */
class QuestionContextTokenizerTest {
    @TempDir Path dir;

    static final String[] WORDS = {"the", "Normans", "were", "people", "who", "in", "10th", "and", "11th", "centuries",
            "gave", "their", "name", "to", "Normandy", ",", "a", "region", "of", "France", ".", "They", "descended", "from",
            "Norse", "raiders", "Denmark", "Iceland", "Norway", "Rollo", "agreed", "swear", "fealty", "King", "Charles", "III"};

    /** A context of {@code n} words from {@link #WORDS}, seeded. */
    static String context(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** Questions whose answers are the words at several places of one long context (start, middle, end). */
    static List<SquadExample> examples(String context) {
        List<SquadExample> out = new ArrayList<>();
        int[] wordStarts = wordStarts(context);
        int[] picks = {0, 17, wordStarts.length / 3, wordStarts.length / 2 + 5, wordStarts.length - 3};
        for (int k = 0; k < picks.length; k++) {
            int start = wordStarts[picks[k]];
            int end = context.indexOf(' ', wordStarts[Math.min(picks[k] + 2, wordStarts.length - 1)]);
            String answer = context.substring(start, end < 0 ? context.length() : end);
            out.add(new SquadExample("q" + k, "Normans", context, "   What did the Normans give to Normandy?",
                    List.of(new SquadAnswer(answer, start)), List.of(), "train.json"));
        }
        out.add(new SquadExample("short", "Normans", "Rollo agreed to swear fealty to King Charles III.", "Who agreed?",
                List.of(new SquadAnswer("Rollo", 0)), List.of(), "train.json"));
        return out;
    }

    static int[] wordStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && (i == 0 || text.charAt(i - 1) == ' ')) {
                starts.add(i);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void bgeSmallWindowsOfALongContextAreLabelledWhereTheyHoldTheWholeAnswer() {
        String context = context(1200, 7);
        List<SquadExample> examples = examples(context);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer())) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            assertThat(qa.numSpecialTokensToAdd()).isEqualTo(3);
            assertThat(qa.padOnRight()).isTrue();
            assertThat(qa.clsTokenId()).isEqualTo(101);
            Dataset train = QaFeatures.prepareTrainFeatures(examples, qa, QaFeatureOptions.defaults());
            // the same call made directly: question left-stripped, only_second, 384, stride 128, padded to 384
            BatchEncoding direct = tok.encodePairs(QaFeatures.questions(examples), examples.stream().map(SquadExample::context).toList(),
                    EncodeOptions.padToMaxLength(384).withTruncation(io.t4j.tokenizers.TruncationStrategy.ONLY_SECOND)
                            .withStride(128).withReturnOverflowingTokens(true).withReturnSequenceIds(true)
                            .withReturnOffsetsMapping(true));
            assertThat(train.numRows()).isEqualTo(direct.size()).isGreaterThan(examples.size() + 10);
            TokenColumn ids = train.tokens("input_ids");
            int labelled = 0;
            for (int w = 0; w < train.numRows(); w++) {
                assertThat(ids.row(w)).containsExactly(direct.inputIds()[w]);
                int start = (int) train.longs("start_positions").get(w);
                int end = (int) train.longs("end_positions").get(w);
                SquadExample e = examples.get(direct.overflowToSampleMapping()[w]);
                SquadAnswer a = e.answers().getFirst();
                int[][] offsets = direct.offsetMapping(w);
                List<Integer> contextPositions = new ArrayList<>();
                for (int t = 0; t < 384; t++) {
                    if (direct.sequenceIds()[w][t] == 1) {
                        contextPositions.add(t);
                    }
                }
                boolean inside = offsets[contextPositions.getFirst()][0] <= a.answerStart()
                        && offsets[contextPositions.getLast()][1] >= a.answerEnd();
                if (!inside) {
                    assertThat(start).isZero();
                    assertThat(end).isZero();
                    continue;
                }
                labelled++;
                // the labelled tokens are the first and last that overlap the answer
                assertThat(offsets[start][0]).isLessThanOrEqualTo(a.answerStart());
                assertThat(offsets[start][1]).isGreaterThan(a.answerStart());
                assertThat(offsets[end][1]).isGreaterThanOrEqualTo(a.answerEnd());
                assertThat(offsets[end][0]).isLessThan(a.answerEnd());
                assertThat(e.context().substring(offsets[start][0], offsets[end][1])).isEqualTo(a.text());
            }
            assertThat(labelled).isGreaterThanOrEqualTo(examples.size()); // every answer lies whole in some window

            // evaluation features: the validation columns plus the same labels; oracle logits give the answers back
            Dataset eval = QaFeatures.prepareEvaluationFeatures(examples, qa, QaFeatureOptions.defaults());
            assertThat(eval.columnNames()).containsExactly("input_ids", "token_type_ids", "attention_mask", "offset_mapping",
                    "example_id", "start_positions", "end_positions");
            assertThat(eval.longs("start_positions").values()).containsExactly(train.longs("start_positions").values());
            float[][] startLogits = new float[eval.numRows()][384];
            float[][] endLogits = new float[eval.numRows()][384];
            for (int w = 0; w < eval.numRows(); w++) {
                startLogits[w][(int) eval.longs("start_positions").get(w)] = 10;
                endLogits[w][(int) eval.longs("end_positions").get(w)] = 10;
            }
            QaPredictions p = QaPostprocessing.postprocessQaPredictions(examples, eval, startLogits, endLogits,
                    QaPostprocessOptions.defaults());
            for (SquadExample e : examples) {
                assertThat(p.predictions().get(e.id())).isEqualTo(e.answers().getFirst().text());
            }
        }
    }

    @Test
    void aTokenizerThatPadsOnTheLeftPutsTheContextFirstAndTruncatesIt() {
        Path tokDir = writeWordLevel(dir.resolve("left"), "bert", "left", 16);
        String context = "Rollo agreed to swear fealty to King Charles III of France .";
        SquadExample e = new SquadExample("left1", "t", context, "who agreed ?",
                List.of(new SquadAnswer("King Charles III", context.indexOf("King"))), List.of(), "left.jsonl");
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(tokDir)) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            assertThat(qa.padOnRight()).isFalse();
            // 12 context words, 3 question words, 3 special tokens: windows of 16 hold 10 context words, stride 4
            Dataset f = QaFeatures.prepareTrainFeatures(List.of(e), qa, new QaFeatureOptions(16, 4, true));
            assertThat(f.numRows()).isEqualTo(2);
            int[] first = f.tokens("input_ids").row(0);
            int[] second = f.tokens("input_ids").row(1);
            int cls = tok.clsTokenId();
            int sep = tok.sepTokenId();
            int pad = tok.padTokenId();
            assertThat(first[0]).isEqualTo(cls);
            assertThat(first[11]).isEqualTo(sep); // [CLS] 10 context words [SEP] question [SEP]
            assertThat(second).startsWith(pad, pad, pad, pad, cls); // the short last window is padded on the left
            assertThat(f.tokens("attention_mask").row(1)).startsWith(0, 0, 0, 0, 1);
            // "King Charles III" are context words 6-8: whole in window 1 (words 0-9) at positions 7-9, and whole in
            // window 2 (words 6-11, after 4 pads and CLS) at 5-7
            assertThat(f.longs("start_positions").values()).containsExactly(7, 5);
            assertThat(f.longs("end_positions").values()).containsExactly(9, 7);
            Dataset eval = QaFeatures.prepareValidationFeatures(List.of(e), qa, new QaFeatureOptions(16, 4, true));
            int[] offsets = eval.tokens("offset_mapping").row(1);
            assertThat(offsets[0]).isEqualTo(QaFeatures.NULL_OFFSET); // padding
            assertThat(context.substring(offsets[2 * 5], offsets[2 * 7 + 1])).isEqualTo("King Charles III");
            assertThat(offsets[2 * 12]).isEqualTo(QaFeatures.NULL_OFFSET); // the question is not context
        }
    }

    @Test
    void robertasPairLayoutHasFourSpecialTokensNoTokenTypesAndItsClsIsTheBos() {
        Path tokDir = writeWordLevel(dir.resolve("roberta"), "roberta", "right", 32);
        String context = "the Normans gave their name to Normandy , a region of France .";
        SquadExample e = SquadExample.of("r1", context, "who gave ?", new SquadAnswer("Normandy", context.indexOf("Normandy")));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(tokDir)) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            assertThat(qa.numSpecialTokensToAdd()).isEqualTo(4);
            assertThat(qa.clsTokenId()).isEqualTo(0);
            assertThat(qa.bosTokenId()).isEqualTo(0);
            Dataset f = QaFeatures.prepareTrainFeatures(List.of(e), qa, new QaFeatureOptions(32, 8, false));
            assertThat(f.columnNames()).doesNotContain("token_type_ids");
            assertThat(f.numRows()).isOne();
            // <s> who gave ? </s> </s> the Normans gave their name to Normandy: "Normandy" is token 12
            assertThat(f.tokens("input_ids").length(0)).isEqualTo(3 + 13 + 4);
            assertThat(f.longs("start_positions").get(0)).isEqualTo(12);
            assertThat(f.longs("end_positions").get(0)).isEqualTo(12);
        }
    }

    @Test
    void aQuestionTheTokenizerRefusesIsNamedWithItsFileAndId() {
        // a tokenizer that fails like HF's on one question (the checks before it pass): the error names that question
        QuestionContextTokenizer failing = new QuestionContextTokenizer() {
            final QuestionContextTokenizer inner = new WhitespaceQaTokenizer(true);

            @Override
            public int numSpecialTokensToAdd() {
                return inner.numSpecialTokensToAdd();
            }

            @Override
            public int[] tokenCounts(List<String> texts) {
                return inner.tokenCounts(texts);
            }

            @Override
            public QaWindows encodeWithOverflow(List<String> text, List<String> textPair, boolean truncateSecond, int maxLength,
                                               int stride, boolean padToMaxLength) {
                if (text.stream().anyMatch(q -> q.contains("refused"))) {
                    throw new TokenizerException("pair " + text.indexOf("refused here") + ": stride too large");
                }
                return inner.encodeWithOverflow(text, textPair, truncateSecond, maxLength, stride, padToMaxLength);
            }

            @Override
            public boolean padOnRight() {
                return true;
            }

            @Override
            public Integer clsTokenId() {
                return WhitespaceQaTokenizer.CLS;
            }

            @Override
            public Integer bosTokenId() {
                return null;
            }
        };
        List<SquadExample> examples = List.of(
                new SquadExample("ok", "t", "a b c", "fine", List.of(new SquadAnswer("b", 2)), List.of(), "dev.json"),
                new SquadExample("56be4db0acb8001400a502ec", "t", "a b c", "refused here", List.of(new SquadAnswer("b", 2)),
                        List.of(), "dev.json"));
        assertThatThrownBy(() -> QaFeatures.prepareTrainFeatures(examples, failing, new QaFeatureOptions(16, 2, true)))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("dev.json, question 56be4db0acb8001400a502ec: the tokenizer cannot make features")
                .hasMessageContaining("stride too large");
    }

    @Test
    void aQuestionLongerThanMaxSeqLengthAndATooLargeStrideNameFileAndQuestionOnTheRealTokenizer() {
        String question = String.join(" ", java.util.Collections.nCopies(40, "the"));
        List<SquadExample> longQuestion = List.of(new SquadExample("long-q", "t", "Rollo agreed.", question,
                List.of(new SquadAnswer("Rollo", 0)), List.of(), "dev.json"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.bgeTokenizer())) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            assertThatThrownBy(() -> QaFeatures.prepareTrainFeatures(longQuestion, qa, new QaFeatureOptions(32, 8, true)))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("dev.json, question long-q: the question has 40 tokens")
                    .hasMessageContaining("max_seq_length 32");
            assertThatThrownBy(() -> QaFeatures.prepareValidationFeatures(longQuestion, qa, new QaFeatureOptions(64, 21, true)))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("dev.json, question long-q: doc_stride 21 is not smaller than the room left for the context, 21 tokens");
        }
    }

    /**
     * A word-level tokenizer over every word the tests use: {@code bert} gives {@code [CLS] a [SEP] b [SEP]} with
     * token types, {@code roberta} gives {@code <s> a </s></s> b </s>} without; padding on {@code side}.
     */
    static Path writeWordLevel(Path dir, String layout, String side, int modelMaxLength) {
        boolean bert = layout.equals("bert");
        List<String> special = bert ? List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]") : List.of("<s>", "<pad>", "</s>", "<unk>");
        Set<String> vocab = new LinkedHashSet<>(special);
        for (String w : WORDS) {
            vocab.add(w.toLowerCase(Locale.ROOT));
        }
        vocab.addAll(List.of("who", "agreed", "?", "gave", "iii", "of"));
        StringBuilder v = new StringBuilder();
        StringBuilder added = new StringBuilder();
        int id = 0;
        for (String w : vocab) {
            v.append(id == 0 ? "" : ", ").append('"').append(w).append("\": ").append(id);
            if (id < special.size()) {
                added.append(id == 0 ? "" : ", ").append("{\"id\": ").append(id).append(", \"content\": \"").append(w)
                        .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
            }
            id++;
        }
        String post = bert ? """
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                            {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                          {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                 "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                    "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}}"""
                : """
                {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": true, "add_prefix_space": false}""";
        String json = """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [%s],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": %s,
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                 "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "%s"}}
                """.formatted(added, post, v, bert ? "[UNK]" : "<unk>");
        String config = bert ? """
                {"tokenizer_class": "BertTokenizer", "model_max_length": %d, "padding_side": "%s",
                 "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]"}
                """.formatted(modelMaxLength, side) : """
                {"tokenizer_class": "RobertaTokenizer", "model_max_length": %d, "padding_side": "%s", "bos_token": "<s>",
                 "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
                """.formatted(modelMaxLength, side);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
