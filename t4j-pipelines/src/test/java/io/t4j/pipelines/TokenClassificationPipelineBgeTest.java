package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The token-classification pipeline on the real bge-small-en-v1.5 (BERT WordPiece, uncased, 512 tokens) with a new
 * CoNLL-2003 head: offsets point at the original text (capitals, accents, an emoji that is [UNK]), word boundaries
 * follow WordPiece's words, and a text of several thousand tokens run in windows is covered end to end. The head is
 * random, so only structure is checked, with O kept (ignore_labels []) so every token is in some result.
 */
@Tag("slow")
class TokenClassificationPipelineBgeTest {
    static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
    static PreTrainedTokenizer tokenizer;
    static TokenClassificationModel<?> model;
    static TokenClassificationPipeline pipe;

    @BeforeAll
    static void load() {
        var dir = DefaultModels.bgeSmallEnV15();
        Map<Integer, String> id2label = new LinkedHashMap<>();
        for (int i = 0; i < LABELS.size(); i++) {
            id2label.put(i, LABELS.get(i));
        }
        torch.manual_seed(5);
        tokenizer = AutoTokenizer.fromPretrained(dir);
        model = AutoModelForTokenClassification.fromPretrained(dir, PretrainedOptions.defaults().withId2label(id2label));
        pipe = Pipeline.tokenClassification(model, tokenizer);
    }

    @AfterAll
    static void close() {
        pipe.close();
        model.close();
        tokenizer.close();
    }

    static final TokenClassificationOptions ALL = TokenClassificationOptions.defaults().withIgnoreLabels(List.of());

    @Test
    void offsetsAndWordsFollowTheTextAndWordPiece() {
        String text = "Angela Merkel met Emmanuel Macron in Zürich on Tuesday \uD83D\uDE00 to discuss the EU's "
                + "unbelievably complicated budget (2,000 francs).";
        var tokens = pipe.apply(text, ALL);
        for (TokenClassificationResult t : tokens) {
            String span = text.substring(t.start(), t.end());
            String piece = t.word().startsWith("##") ? t.word().substring(2) : t.word();
            if (t.word().equals(span)) {
                continue; // [UNK] (the emoji) is its text, as in HF
            }
            assertThat(bertNormalized(span)).as(t.toString()).isEqualTo(piece);
        }
        assertThat(tokens).anyMatch(t -> t.word().equals("\uD83D\uDE00"));
        assertThat(tokens).anyMatch(t -> t.word().startsWith("##")); // "unbelievably" has sub-words

        for (AggregationStrategy s : List.of(AggregationStrategy.FIRST, AggregationStrategy.AVERAGE, AggregationStrategy.MAX)) {
            var groups = pipe.apply(text, ALL.withAggregationStrategy(s));
            int previousEnd = 0;
            for (TokenClassificationResult g : groups) {
                String before = text.substring(previousEnd, g.start());
                assertThat(before).as(s + " " + g).isBlank(); // groups tile the text (O kept)
                assertThat(isWordEdge(text, g.start()) && isWordEdge(text, g.end())).as(s + " " + g).isTrue();
                previousEnd = g.end();
            }
            assertThat(previousEnd).isEqualTo(text.length());
        }
    }

    /** BertNormalizer's view of a span: lower case, accents stripped (NFD without combining marks). */
    private static String bertNormalized(String span) {
        return java.text.Normalizer.normalize(span.toLowerCase(java.util.Locale.ROOT), java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{Mn}", "");
    }

    /** A position between two words for BERT's pre-tokenizer: at whitespace, punctuation or the text's ends. */
    private static boolean isWordEdge(String text, int i) {
        if (i == 0 || i == text.length()) {
            return true;
        }
        return !Character.isLetterOrDigit(text.charAt(i - 1)) || !Character.isLetterOrDigit(text.charAt(i))
                || Character.isSurrogate(text.charAt(i - 1));
    }

    @Test
    void aLongTextRunsInWindowsEndToEnd() {
        String[] words = {"The", "committee", "in", "Zürich", "approved", "Merkel's", "budget", ",", "and", "Reuters",
                "reported", "unbelievably", "large", "numbers", "(", "2,000", ")", "on", "Tuesday", "."};
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append(i == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
        }
        String text = sb.toString();
        var truncated = pipe.apply(text, ALL.withAggregationStrategy(AggregationStrategy.SIMPLE));
        assertThat(truncated.getLast().end()).isLessThan(text.length() / 5); // 510 tokens of about 3,500
        var windows = pipe.apply(text, ALL.withAggregationStrategy(AggregationStrategy.FIRST).withStride(128));
        int previousEnd = 0;
        for (TokenClassificationResult g : windows) {
            assertThat(text.substring(previousEnd, g.start())).isBlank();
            previousEnd = g.end();
        }
        assertThat(previousEnd).isEqualTo(text.length());
        System.out.printf("bge-small, random head: %d groups over %d characters in windows of 512 (stride 128)%n",
                windows.size(), text.length());
    }
}
