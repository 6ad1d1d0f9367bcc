package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token-classification postprocessing on hand-made scores (a probability vector per token), over tokenizers of
 * the three kinds written in {@link NerTokenizers}: HF's aggregation strategies, ignore_labels and offsets, word
 * boundaries for WordPiece, byte-level BPE and SentencePiece (where HF's heuristic fails), and windows merged.
 * Scores depend on the token only, so a text run in windows must give what it gives whole.
 */
class TokenEntitiesTest {
    /** HF's conll2003 label order. */
    static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
    static final Map<Integer, String> ID2LABEL = new LinkedHashMap<>();
    @TempDir static Path tmp;
    static PreTrainedTokenizer wordPiece;
    static PreTrainedTokenizer bpe;
    static PreTrainedTokenizer sentencePiece;
    static PreTrainedTokenizer sentencePieceUnsplit;

    static {
        for (int i = 0; i < LABELS.size(); i++) {
            ID2LABEL.put(i, LABELS.get(i));
        }
    }

    @BeforeAll
    static void load() {
        wordPiece = AutoTokenizer.fromPretrained(NerTokenizers.wordPiece(tmp.resolve("wp"), 64));
        bpe = AutoTokenizer.fromPretrained(NerTokenizers.byteLevelBpe(tmp.resolve("bpe"), 64));
        sentencePiece = AutoTokenizer.fromPretrained(NerTokenizers.sentencePiece(tmp.resolve("sp"), 64, true));
        sentencePieceUnsplit = AutoTokenizer.fromPretrained(NerTokenizers.sentencePiece(tmp.resolve("sp-unsplit"), 64, false));
    }

    @AfterAll
    static void close() {
        for (var t : List.of(wordPiece, bpe, sentencePiece, sentencePieceUnsplit)) {
            t.close();
        }
    }

    /** A probability vector: {@code p} on {@code label}, the rest spread evenly. */
    static float[] p(String label, double p) {
        float[] v = new float[LABELS.size()];
        Arrays.fill(v, (float) ((1 - p) / (LABELS.size() - 1)));
        v[LABELS.indexOf(label)] = (float) p;
        return v;
    }

    /** Scores by token string (absent: O at 0.99), as the pipeline's postprocess gets them from the model. */
    static List<TokenClassificationResult> run(PreTrainedTokenizer tok, String text, Map<String, float[]> byToken,
                                               TokenClassificationOptions options) {
        BatchEncoding enc = TokenClassificationPipeline.encode(tok, List.of(text), options.stride());
        int t = enc.inputIds()[0].length;
        int k = LABELS.size();
        float[] scores = new float[enc.size() * t * k];
        for (int r = 0; r < enc.size(); r++) {
            List<String> tokens = tok.convertIdsToTokens(enc.inputIds()[r]);
            for (int i = 0; i < t; i++) {
                System.arraycopy(byToken.getOrDefault(tokens.get(i), p("O", 0.99)), 0, scores, (r * t + i) * k, k);
            }
        }
        var windows = TokenClassificationPipeline.windows(enc, scores, k, 1);
        return new TokenEntities(tok, ID2LABEL).entities(text, windows.getFirst(), options);
    }

    static TokenClassificationOptions strategy(AggregationStrategy s) {
        return TokenClassificationOptions.defaults().withAggregationStrategy(s);
    }

    /** "TYPE word start-end" per result, to compare lists at a glance. */
    static List<String> brief(String text, List<TokenClassificationResult> results) {
        return results.stream().map(r -> {
            assertThat(r.start()).isBetween(0, r.end());
            return r.label() + " " + r.word() + " " + r.start() + "-" + r.end() + " '" + text.substring(r.start(), r.end()) + "'";
        }).toList();
    }

    @Test
    void noneGivesOneResultPerTokenWithHfsKeys() {
        String text = "My name is Wolfgang and I live in Berlin";
        var byToken = Map.of("Wolfgang", p("B-PER", 0.9), "Berlin", p("B-LOC", 0.8));
        var results = run(wordPiece, text, byToken, TokenClassificationOptions.defaults());
        assertThat(results).hasSize(2);
        TokenClassificationResult w = results.getFirst();
        assertThat(w.entity()).isEqualTo("B-PER");
        assertThat(w.entityGroup()).isNull();
        assertThat(w.score()).isCloseTo(0.9, within(1e-6));
        assertThat(w.index()).isEqualTo(4); // [CLS] My name is Wolfgang
        assertThat(w.word()).isEqualTo("Wolfgang");
        assertThat(text.substring(w.start(), w.end())).isEqualTo("Wolfgang");
        assertThat(w.toMap()).containsOnlyKeys("entity", "score", "index", "word", "start", "end");
        assertThat(List.copyOf(w.toMap().keySet())).containsExactly("entity", "score", "index", "word", "start", "end");
        assertThat(results.get(1).entity()).isEqualTo("B-LOC");
        assertThat(text.substring(results.get(1).start(), results.get(1).end())).isEqualTo("Berlin");

        // ignore_labels [] keeps the O tokens: one result per token of the text
        var all = run(wordPiece, text, byToken, TokenClassificationOptions.defaults().withIgnoreLabels(List.of()));
        assertThat(all).hasSize(9).extracting(TokenClassificationResult::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void simpleGroupsConsecutiveTokensOfOneTypeAndSplitsAtB() {
        String text = "I live in New York Berlin Berlin";
        var byToken = Map.of("New", p("B-LOC", 0.9), "York", p("I-LOC", 0.7), "Berlin", p("B-LOC", 0.8));
        var results = run(wordPiece, text, byToken, strategy(AggregationStrategy.SIMPLE));
        assertThat(brief(text, results)).containsExactly("LOC New York 10-18 'New York'", "LOC Berlin 19-25 'Berlin'",
                "LOC Berlin 26-32 'Berlin'");
        assertThat(results.getFirst().score()).isCloseTo(0.8, within(1e-6)); // mean of 0.9 and 0.7
        assertThat(results.getFirst().index()).isNull();
        assertThat(List.copyOf(results.getFirst().toMap().keySet())).containsExactly("entity_group", "score", "word", "start", "end");

        // an I- after O starts a group too; ignore_labels applies to the group's type
        var types = run(wordPiece, text, Map.of("York", p("I-LOC", 0.7), "Berlin", p("B-PER", 0.8)),
                strategy(AggregationStrategy.SIMPLE).withIgnoreLabels(List.of("O", "PER")));
        assertThat(brief(text, types)).containsExactly("LOC York 14-18 'York'");
    }

    /** HF's own example: Micro|soft labelled B-ORG then I-PER, fused per word by first, max and average. */
    @Test
    void wordStrategiesGiveAWordOneLabelAsHfDoes() {
        String text = "Microsoft works";
        var conflicting = Map.of("Micro", p("B-ORG", 0.6), "##soft", p("I-PER", 0.9));
        assertThat(brief(text, run(wordPiece, text, conflicting, strategy(AggregationStrategy.SIMPLE))))
                .containsExactly("ORG Micro 0-5 'Micro'", "PER ##soft 5-9 'soft'"); // HF: {'word': '##soft'} as well
        var first = run(wordPiece, text, conflicting, strategy(AggregationStrategy.FIRST));
        assertThat(brief(text, first)).containsExactly("ORG Microsoft 0-9 'Microsoft'");
        assertThat(first.getFirst().score()).isCloseTo(0.6, within(1e-6));
        var max = run(wordPiece, text, conflicting, strategy(AggregationStrategy.MAX));
        assertThat(brief(text, max)).containsExactly("PER Microsoft 0-9 'Microsoft'");
        assertThat(max.getFirst().score()).isCloseTo(0.9, within(1e-6));

        float[] micro = p("B-ORG", 0.5);
        micro[LABELS.indexOf("I-PER")] = 0.4f;
        float[] soft = p("I-PER", 0.7);
        soft[LABELS.indexOf("B-ORG")] = 0.25f; // averages: B-ORG 0.375, I-PER 0.55
        var average = run(wordPiece, text, Map.of("Micro", micro, "##soft", soft), strategy(AggregationStrategy.AVERAGE));
        assertThat(brief(text, average)).containsExactly("PER Microsoft 0-9 'Microsoft'");
        assertThat(average.getFirst().score()).isCloseTo(0.55, within(1e-6));
    }

    @Test
    void anUnknownTokenIsTheTextItStandsFor() {
        String text = "Wolfgang Zürich works";
        var byToken = Map.of("Wolfgang", p("B-PER", 0.9), "[UNK]", p("I-PER", 0.8));
        var none = run(wordPiece, text, byToken, TokenClassificationOptions.defaults());
        assertThat(none.get(1).word()).isEqualTo("Zürich");
        for (AggregationStrategy s : List.of(AggregationStrategy.SIMPLE, AggregationStrategy.FIRST)) {
            assertThat(brief(text, run(wordPiece, text, byToken, strategy(s))))
                    .containsExactly("PER Wolfgang Zürich 0-15 'Wolfgang Zürich'");
        }
    }

    @Test
    void wordPieceWordsArePunctuationAndHashContinuations() {
        String text = "the U.S. and";
        var byToken = Map.of("U", p("B-LOC", 0.9), ".", p("I-LOC", 0.6), "S", p("I-LOC", 0.9));
        assertThat(brief(text, run(wordPiece, text, byToken, strategy(AggregationStrategy.FIRST))))
                .containsExactly("LOC U. S. 4-8 'U.S.'"); // the WordPiece decoder's cleanup, as HF's word
    }

    @Test
    void byteLevelBpeWordsAndOffsetsWithoutTheSpace() {
        String text = "I live in Berlin, New York. Microsoft";
        var byToken = Map.of("ĠBerlin", p("B-LOC", 0.9), "ĠNew", p("B-LOC", 0.9), "ĠYork", p("I-LOC", 0.7),
                "ĠMicro", p("B-ORG", 0.9), "soft", p("I-LOC", 0.9));
        var none = run(bpe, text, byToken, TokenClassificationOptions.defaults());
        assertThat(none.getFirst().word()).isEqualTo("ĠBerlin"); // the vocabulary's token, as HF
        assertThat(text.substring(none.getFirst().start(), none.getFirst().end())).isEqualTo("Berlin");
        assertThat(brief(text, run(bpe, text, byToken, strategy(AggregationStrategy.SIMPLE)))).containsExactly(
                "LOC Berlin 10-16 'Berlin'", "LOC New York 18-26 'New York'", "ORG Micro 28-33 'Micro'",
                "LOC soft 33-37 'soft'");
        // Micro|soft is one word (one pre-token); "Berlin" and "," are two
        assertThat(brief(text, run(bpe, text, byToken, strategy(AggregationStrategy.FIRST)))).containsExactly(
                "LOC Berlin 10-16 'Berlin'", "LOC New York 18-26 'New York'", "ORG Microsoft 28-37 'Microsoft'");
        // a hyphen is a word of its own: labelled O it separates Jean from Baptiste
        String name = "I live Jean-Baptiste";
        var parts = Map.of("ĠJean", p("B-PER", 0.9), "Baptiste", p("I-PER", 0.9));
        assertThat(brief(name, run(bpe, name, parts, strategy(AggregationStrategy.FIRST))))
                .containsExactly("PER Jean 7-11 'Jean'", "PER Baptiste 12-20 'Baptiste'");
        var joined = Map.of("ĠJean", p("B-PER", 0.9), "-", p("I-PER", 0.6), "Baptiste", p("I-PER", 0.9));
        assertThat(brief(name, run(bpe, name, joined, strategy(AggregationStrategy.FIRST))))
                .containsExactly("PER Jean-Baptiste 7-20 'Jean-Baptiste'");
    }

    /**
     * SentencePiece, as in HF's issues: "Jean-Baptiste" is a lone ▁ then Jean - Baptiste (#27876) and "5.975,74" is
     * ▁5. 97 5,7 4 (#23322). HF's guess from a space before each token makes ▁ a word of its own, splits Jean from
     * it, starts the entity at the space, and cuts the number where a piece's label differs. Here ▁Jean is one word
     * (labelled by its first token, the ▁, as run_ner trains it), the number is one word, entities start at their
     * first character, and punctuation is a word of its own as in BERT.
     */
    @Test
    void sentencePieceWordsAreRight() {
        String text = "Je m'appelle Jean-Baptiste, 5.975,74 euros à Paris.";
        Map<String, float[]> byToken = new HashMap<>();
        byToken.put("\u2581", p("B-PER", 0.9));
        byToken.put("Jean", p("B-LOC", 0.6)); // disagrees with its word's first token
        byToken.put("-", p("I-PER", 0.8));
        byToken.put("Baptiste", p("I-PER", 0.7));
        byToken.put("\u25815.", p("B-MISC", 0.9));
        byToken.put("97", p("I-MISC", 0.8));
        byToken.put("5,7", p("O", 0.6));
        byToken.put("4", p("B-LOC", 0.7));
        byToken.put("\u2581Paris", p("B-LOC", 0.95));
        for (PreTrainedTokenizer tok : List.of(sentencePiece, sentencePieceUnsplit)) {
            assertThat(brief(text, run(tok, text, byToken, strategy(AggregationStrategy.FIRST)))).as(tok.source().toString())
                    .containsExactly("PER Jean-Baptiste 13-26 'Jean-Baptiste'", "MISC 5.975,74 28-36 '5.975,74'",
                            "LOC Paris 45-50 'Paris'");
            var simple = brief(text, run(tok, text, byToken, strategy(AggregationStrategy.SIMPLE)));
            assertThat(simple).as("token by token, the number's pieces disagree").containsExactly(
                    "PER  13-13 ''", "LOC Jean 13-17 'Jean'", "PER -Baptiste 17-26 '-Baptiste'",
                    "MISC 5.97 28-32 '5.97'", "LOC 4 35-36 '4'", "LOC Paris 45-50 'Paris'");
        }
    }

    /**
     * A text run in windows of 8 or 10 tokens sharing {@code stride} gives what it gives whole: the windows' tokens
     * are stitched before aggregating, so words and entities across a window's edge come out whole. (HF merges
     * entities after aggregating each window: "w3", whose "w" is B-MISC and "##3" O, averages to O whole but comes
     * out as MISC "w" where a window ends after "w".)
     */
    @Test
    void windowsGiveWhatTheWholeTextGives() throws Exception {
        StringBuilder sb = new StringBuilder();
        String[] words = {"w12", "the", "New", "York", "w3", "Wolfgang", "w45", "of", "w678", "Berlin", "and"};
        for (int i = 0; i < 40; i++) {
            sb.append(i == 0 ? "" : " ").append(words[(i * 7) % words.length]);
        }
        String text = sb.toString();
        Map<String, float[]> byToken = Map.of("w", p("B-MISC", 0.9), "##1", p("I-MISC", 0.8), "##2", p("I-MISC", 0.7),
                "##6", p("I-MISC", 0.75), "##7", p("I-MISC", 0.65), "New", p("B-LOC", 0.9), "York", p("I-LOC", 0.8),
                "Wolfgang", p("B-PER", 0.85), "Berlin", p("B-LOC", 0.95), "##4", p("O", 0.6));
        try (PreTrainedTokenizer large = AutoTokenizer.fromPretrained(NerTokenizers.wordPiece(tmp.resolve("wp512"), 512));
             PreTrainedTokenizer small = AutoTokenizer.fromPretrained(NerTokenizers.wordPiece(tmp.resolve("wp8"), 8));
             PreTrainedTokenizer tenTokens = AutoTokenizer.fromPretrained(NerTokenizers.wordPiece(tmp.resolve("wp10"), 10))) {
            for (AggregationStrategy s : List.of(AggregationStrategy.SIMPLE, AggregationStrategy.FIRST,
                    AggregationStrategy.AVERAGE, AggregationStrategy.MAX)) {
                var whole = run(large, text, byToken, strategy(s));
                assertThat(whole).hasSizeGreaterThan(15);
                assertThat(whole.getLast().end()).isGreaterThan(text.length() - 12);
                for (var tok : List.of(small, tenTokens)) {
                    for (int stride : new int[] {3, 4}) {
                        BatchEncoding enc = TokenClassificationPipeline.encode(tok, List.of(text), stride);
                        assertThat(enc.size()).isGreaterThan(10);
                        var windowed = run(tok, text, byToken, strategy(s).withStride(stride));
                        assertThat(brief(text, windowed)).as(s + " stride " + stride + " max " + tok.modelMaxLength())
                                .isEqualTo(brief(text, whole));
                        for (int i = 0; i < whole.size(); i++) {
                            assertThat(windowed.get(i).score()).isCloseTo(whole.get(i).score(), within(1e-6));
                        }
                    }
                }
            }
            // without a stride the text is cut at 8 tokens: only what the first window holds
            var cut = run(small, text, byToken, strategy(AggregationStrategy.SIMPLE));
            assertThat(cut).isNotEmpty().allMatch(r -> r.end() <= 12);
        }
    }
}
