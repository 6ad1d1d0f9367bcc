package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.AlignOptions;
import io.t4j.data.AlignedDataset;
import io.t4j.data.ConllOptions;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.TruncationStrategy;
import io.t4j.trainer.metrics.Seqeval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoding features QA and NER build on, on the real bge-small-en-v1.5 tokenizer (BERT WordPiece, uncased):
 * run_qa's features of a 2,000-word context (question + context, only_second, max_length 384, stride 128,
 * overflowing windows, offsets, sequence ids), and run_ner's label alignment and seqeval on a CoNLL file.
 */
@Tag("slow")
class TokenClassificationDataBgeTest {
    static PreTrainedTokenizer tokenizer;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        tokenizer = AutoTokenizer.fromPretrained(DefaultModels.bgeSmallEnV15());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** BertNormalizer's view of a span: lower case, accents stripped (NFD without combining marks). */
    static String normalized(String span) {
        return Normalizer.normalize(span.toLowerCase(java.util.Locale.ROOT), Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
    }

    static String context(int words) {
        String[] vocabulary = {"the", "committee", "decided", "budget", "Café", "unbelievably", "Zürich", "reports",
                "on", "Tuesday", ",", "and", "\uD83D\uDE00", "its", "members", "approved", "2,000", "francs", "."};
        Random r = new Random(11);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(vocabulary[r.nextInt(vocabulary.length)]);
        }
        return sb.toString();
    }

    @Test
    void questionAnsweringWindowsOfALongContext() {
        String question = "What did the committee decide about the budget?";
        String context = context(2000);
        EncodeOptions qa = EncodeOptions.defaults().withTruncation(TruncationStrategy.ONLY_SECOND).withMaxLength(384)
                .withStride(128).withReturnOverflowingTokens(true).withReturnOffsetsMapping(true)
                .withReturnSequenceIds(true).withPadding(Padding.MAX_LENGTH);
        BatchEncoding enc = tokenizer.encodePairs(List.of(question), List.of(context), qa);
        EncodeOptions alone = EncodeOptions.noTruncation().withAddSpecialTokens(false);
        int[] contextIds = tokenizer.encode(List.of(context), alone).inputIds()[0];
        int questionTokens = tokenizer.encode(List.of(question), alone).inputIds()[0].length;
        int room = 384 - tokenizer.numSpecialTokensToAdd(true) - questionTokens;
        int windows = 1 + (contextIds.length - room + (room - 128) - 1) / (room - 128);
        assertThat(contextIds.length).isGreaterThan(2000);
        assertThat(enc.size()).isEqualTo(windows);
        assertThat(enc.overflowToSampleMapping()).containsOnly(0);

        List<Integer> rebuilt = new ArrayList<>();
        int[] previousContext = null;
        for (int w = 0; w < enc.size(); w++) {
            assertThat(enc.inputIds()[w]).hasSize(384);
            List<Integer> seq = enc.sequenceIds(w);
            assertThat(seq.get(0)).isNull();
            assertThat(seq.subList(1, 1 + questionTokens)).containsOnly(0);
            assertThat(seq.get(1 + questionTokens)).isNull();
            List<Integer> contextPositions = new ArrayList<>();
            for (int t = 0; t < seq.size(); t++) {
                if (seq.get(t) != null && seq.get(t) == 1) {
                    contextPositions.add(t);
                }
            }
            int[] row = enc.inputIds()[w];
            int[] windowContext = contextPositions.stream().mapToInt(t -> row[t]).toArray();
            assertThat(windowContext.length).isLessThanOrEqualTo(room);
            if (previousContext != null) { // consecutive windows share exactly `stride` context tokens
                assertThat(Arrays.copyOfRange(windowContext, 0, 128))
                        .containsExactly(Arrays.copyOfRange(previousContext, previousContext.length - 128, previousContext.length));
            }
            for (int k = previousContext == null ? 0 : 128; k < windowContext.length; k++) {
                rebuilt.add(windowContext[k]);
            }
            previousContext = windowContext;
            List<String> tokens = tokenizer.convertIdsToTokens(enc.inputIds()[w]);
            for (int t : contextPositions) { // offsets point into the context, in Java chars (after an emoji too)
                String span = context.substring(enc.offsetStarts()[w][t], enc.offsetEnds()[w][t]);
                String token = tokens.get(t);
                if (token.equals("[UNK]")) {
                    assertThat(span).isEqualTo("\uD83D\uDE00");
                } else {
                    assertThat(normalized(span)).isEqualTo(token.startsWith("##") ? token.substring(2) : token);
                }
            }
            for (int t = 1; t <= questionTokens; t++) {
                String span = question.substring(enc.offsetStarts()[w][t], enc.offsetEnds()[w][t]);
                assertThat(normalized(span)).isEqualTo(tokens.get(t).replace("##", ""));
            }
        }
        assertThat(rebuilt).containsExactly(Arrays.stream(contextIds).boxed().toArray(Integer[]::new));
    }

    @Test
    void conllLabelsAlignToFirstSubTokensAndSeqevalScoresThem() throws IOException {
        Path file = Files.writeString(dir.resolve("train.txt"), """
                -DOCSTART- -X- -X- O

                Schwarzenegger NNP B-NP B-PER
                visited VBD B-VP O
                Zürich NNP B-NP B-LOC
                with IN B-PP O
                UNICEF NNP B-NP B-ORG
                officials NNS I-NP O
                . . O O

                Peter NNP B-NP B-PER
                Blackburn NNP I-NP I-PER
                """);
        Feature.ClassLabel labels = new Feature.ClassLabel(List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC",
                "I-LOC", "B-MISC", "I-MISC"));
        TaggedSentences sentences = TokenClassificationData.readConll(file, ConllOptions.defaults());
        Dataset data = sentences.toDataset(labels);
        AlignedDataset aligned = TokenClassificationData.tokenizeAndAlignLabels(data, tokenizer, AlignOptions.defaults(), sentences::where);
        assertThat(aligned.report().truncatedSentences()).isZero();
        BatchEncoding words = tokenizer.encodeWords(List.of(data.stringLists("tokens").row(0), data.stringLists("tokens").row(1)),
                EncodeOptions.defaults().withReturnWordIds(true));
        for (int r = 0; r < 2; r++) {
            int[] wordLabels = data.tokens("ner_tags").row(r);
            int[] tokenLabels = aligned.dataset().tokens("labels").row(r);
            List<Integer> wordIds = words.wordIds(r);
            List<Integer> firsts = new ArrayList<>();
            Integer previous = null;
            for (int t = 0; t < tokenLabels.length; t++) {
                Integer w = wordIds.get(t);
                if (w != null && !w.equals(previous)) {
                    firsts.add(tokenLabels[t]);
                } else {
                    assertThat(tokenLabels[t]).isEqualTo(-100);
                }
                previous = w;
            }
            assertThat(firsts).containsExactly(Arrays.stream(wordLabels).boxed().toArray(Integer[]::new));
        }
        // at least one word is split into sub-tokens, so the -100 rule was exercised
        assertThat(aligned.dataset().tokens("input_ids").length(0)).isGreaterThan(2 + sentences.tokens().get(0).length);

        // seqeval on logits that pick every gold label, then with "Zürich" predicted as O
        int[][] gold = {aligned.dataset().tokens("labels").row(0), aligned.dataset().tokens("labels").row(1)};
        float[][][] logits = new float[2][][];
        for (int r = 0; r < 2; r++) {
            logits[r] = new float[gold[r].length][labels.numClasses()];
            for (int t = 0; t < gold[r].length; t++) {
                logits[r][t][Math.max(gold[r][t], 0)] = 1;
            }
        }
        assertThat(Seqeval.computeMetrics(logits, gold, labels.names(), false))
                .containsExactly(Map.entry("precision", 1.0), Map.entry("recall", 1.0), Map.entry("f1", 1.0), Map.entry("accuracy", 1.0));
        int zurich = -1;
        for (int t = 0, seen = 0; t < gold[0].length; t++) {
            if (gold[0][t] != -100 && seen++ == 2) {
                zurich = t;
            }
        }
        logits[0][zurich] = new float[labels.numClasses()];
        logits[0][zurich][0] = 1;
        Map<String, Double> missed = Seqeval.computeMetrics(logits, gold, labels.names(), true);
        // 4 true entities (PER, LOC, ORG, PER), 3 predicted, all 3 right; 9 words, 8 right
        assertThat(missed).containsEntry("overall_precision", 1.0).containsEntry("overall_recall", 0.75)
                .containsEntry("LOC_recall", 0.0).containsEntry("PER_number", 2.0);
        assertThat(missed.get("overall_accuracy")).isEqualTo(8.0 / 9);
    }
}
