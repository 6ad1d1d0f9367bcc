package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.engine.Tensors;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token-classification pipeline end to end on the tiny HF fixtures (bert-tokcls, roberta-tokcls: labels O, B-PER,
 * I-PER, B-LOC, I-LOC) with word-level tokenizers: scores are the softmax of HF's logits, batching changes nothing,
 * long texts are truncated or run in windows, and bad input is named.
 */
class TokenClassificationPipelineTest {
    @TempDir static Path tmp;
    static TokenClassificationPipeline bert;

    @BeforeAll
    static void load() {
        bert = Pipeline.tokenClassification(TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), tmp.resolve("bert")));
    }

    @AfterAll
    static void close() {
        bert.close();
    }

    static final TokenClassificationOptions ALL_TOKENS = TokenClassificationOptions.defaults().withIgnoreLabels(List.of());

    /** The fixture's row as the word-level tokenizer's text ("w17 w90 ..."), without [CLS]/[SEP]. */
    static String text(Fixture fx, int row) {
        long[] ids = Tensors.toLongs(fx.tensor("inputs.input_ids").select(0, row));
        int length = (int) fx.tensor("inputs.attention_mask").select(0, row).sum().item_long();
        return String.join(" ", Arrays.stream(ids, 1, length - 1).mapToObj(i -> "w" + i).toList());
    }

    @Test
    void scoresAreTheSoftmaxOfHfsLogits() {
        Fixture fx = Fixture.load("bert-tokcls");
        for (int row = 0; row < 3; row++) {
            if (fx.tensor("inputs.token_type_ids").select(0, row).sum().item_long() > 0) {
                continue; // row 0 is a sentence pair: not a text the pipeline makes
            }
            String text = text(fx, row);
            float[] probs = Tensors.toFloats(torch.softmax(fx.tensor("outputs.logits").select(0, row), -1)); // [T,5]
            List<TokenClassificationResult> tokens = bert.apply(text, ALL_TOKENS);
            assertThat(tokens).hasSize(text.split(" ").length);
            System.out.println("bert-tokcls row " + row + ": " + tokens);
            for (TokenClassificationResult r : tokens) {
                int best = TokenEntities.argmax(Arrays.copyOfRange(probs, r.index() * 5, r.index() * 5 + 5));
                assertThat(r.entity()).isEqualTo(bert.model().config().id2label().get(best));
                assertThat(r.score()).isCloseTo(probs[r.index() * 5 + best], within(1e-5));
                assertThat(text.substring(r.start(), r.end())).isEqualTo(r.word());
            }
        }
    }

    @Test
    void batchesAndAStrategyPerCallGiveTheSameAnswers() {
        List<String> texts = List.of("w7 w9 w11", "w100 w5 w6 w7 w8 w9 w10 w11 w12 w13", "w42", "w50 w51 w52 w53");
        for (AggregationStrategy s : AggregationStrategy.values()) {
            var options = ALL_TOKENS.withAggregationStrategy(s);
            var one = bert.apply(texts, options.withBatchSize(1));
            var all = bert.apply(texts, options.withBatchSize(4));
            for (int i = 0; i < texts.size(); i++) {
                assertThat(all.get(i)).hasSameSizeAs(one.get(i));
                for (int j = 0; j < one.get(i).size(); j++) {
                    assertThat(all.get(i).get(j).label()).isEqualTo(one.get(i).get(j).label());
                    assertThat(all.get(i).get(j).score()).isCloseTo(one.get(i).get(j).score(), within(1e-5));
                }
            }
            if (s != AggregationStrategy.NONE) { // grouped with O included: the groups tile the text
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(one.get(i).getFirst().start()).isZero();
                    assertThat(one.get(i).getLast().end()).isEqualTo(texts.get(i).length());
                }
            }
        }
        assertThat(bert.apply("w7 w9 w11")).allMatch(r -> !r.entity().equals("O")); // ignore_labels ["O"] by default
    }

    @Test
    void aLongTextIsTruncatedOrRunInWindows() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            sb.append(i == 0 ? "" : " ").append("w").append(5 + (i * 37) % 120);
        }
        String text = sb.toString(); // 150 tokens, the tokenizer's model_max_length is 64
        var truncated = bert.apply(text, ALL_TOKENS);
        assertThat(truncated).hasSize(62);
        var simple = ALL_TOKENS.withAggregationStrategy(AggregationStrategy.SIMPLE);
        var cut = bert.apply(text, simple);
        assertThat(cut.getLast().end()).isLessThan(text.length() / 2);
        for (int stride : new int[] {8, 31}) {
            var windows = bert.apply(text, simple.withStride(stride));
            assertThat(windows.getFirst().start()).isZero();
            assertThat(windows.getLast().end()).isEqualTo(text.length());
            for (int i = 1; i < windows.size(); i++) { // groups tile the text: no gap, no overlap
                assertThat(windows.get(i).start()).isEqualTo(windows.get(i - 1).end() + 1);
            }
            // the first window's tokens far from its end keep the scores they have in the truncated run
            assertThat(windows.getFirst().label()).isEqualTo(cut.getFirst().label());
        }
        assertThatThrownBy(() -> bert.apply(text, ALL_TOKENS.withStride(8)))
                .hasMessageContaining("stride was given to process the whole text but aggregation_strategy is \"none\"");
        assertThatThrownBy(() -> bert.apply(text, simple.withStride(64)))
                .hasMessageContaining("stride 64 must be less than the tokenizer's model_max_length 64");
    }

    @Test
    void aTextWithoutTokensIsNamed() {
        assertThatThrownBy(() -> bert.apply(List.of("w7", ""), TokenClassificationOptions.defaults()))
                .isInstanceOf(TokenClassificationPipeline.NoTokensException.class)
                .hasMessageContaining("the text '' has no tokens")
                .satisfies(e -> assertThat(((TokenClassificationPipeline.NoTokensException) e).text()).isEmpty());
        assertThatThrownBy(() -> AggregationStrategy.parse("longest"))
                .hasMessage("aggregation_strategy must be one of [none, simple, first, average, max], got 'longest'");
    }

    @Test
    void robertaAndTheNerAliasLoadThroughTheAutoClass() {
        Path dir = TinyTokenizer.robertaFixtureFolder(Fixture.load("roberta-tokcls"), tmp.resolve("roberta"));
        assertThat(TokenClassificationPipeline.TASK).isEqualTo("token-classification");
        assertThat(TokenClassificationPipeline.ALIAS).isEqualTo("ner");
        try (TokenClassificationPipeline roberta = Pipeline.ner(dir)) {
            List<List<TokenClassificationResult>> out = new ArrayList<>();
            for (AggregationStrategy s : AggregationStrategy.values()) {
                out.add(roberta.apply("w7 w9 w11 w12", ALL_TOKENS.withAggregationStrategy(s)));
            }
            assertThat(out.getFirst()).hasSize(4).extracting(TokenClassificationResult::index).containsExactly(1, 2, 3, 4);
            assertThat(roberta.model().getClass().getSimpleName()).isEqualTo("RobertaForTokenClassification");
        }
    }
}
