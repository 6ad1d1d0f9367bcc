package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.models.testing.Parity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextClassificationPipelineTest {
    @TempDir static Path tmp;
    static TextClassificationPipeline pipe;
    /**
     * A text in a padded batch of 4 against alone: its matmuls run on other shapes. Worst 2.4e-7 (Haswell) over the 9
     * settings of scripts/test-kernels.sh; 42x.
     */
    static final double BATCHED_SCORE_ABS = 1e-5;
    static final List<String> TEXTS = List.of("w7 w9 w11", "w100 w5", "w42 w43 w44 w45 w46 w47 w48", "w8");

    @BeforeAll
    static void load() {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        pipe = Pipeline.textClassification(dir);
    }

    @AfterAll
    static void close() {
        pipe.close();
    }

    @Test
    void scoresAreTheSoftmaxOfTheModelsLogits() {
        var fx = Fixture.load("bert-seqcls");
        // fixture row 2 is [CLS] w122 w91 [SEP] + padding; run the same ids through the pipeline's text form
        long[] ids = Tensors.toLongs(fx.tensor("inputs.input_ids").select(0, 2));
        int length = (int) fx.tensor("inputs.attention_mask").select(0, 2).sum().item_long();
        String text = String.join(" ", java.util.Arrays.stream(ids, 1, length - 1).mapToObj(i -> "w" + i).toList());
        var logits = fx.tensor("outputs.logits").select(0, 2);
        float[] expected = Tensors.toFloats(torch.softmax(logits, 0));
        var all = pipe.apply(text, TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS));
        assertThat(all).hasSize(2);
        for (ClassificationResult r : all) {
            int id = Integer.parseInt(r.label().substring("LABEL_".length()));
            // HF's logits (padded batch of 3) against the pipeline's (this text alone): worst 1.2e-7 (unset) over the 9
            // settings of scripts/test-kernels.sh; 84x. A probability moves by at most a quarter of a logit's error.
            Parity.assertClose("score vs softmax of HF's logits", r.label(), r.score(), expected[id], 1e-5);
        }
        assertThat(all.get(0).score()).isGreaterThanOrEqualTo(all.get(1).score());
        Parity.assertClose("sum of the scores of all labels", "-", all.stream().mapToDouble(ClassificationResult::score).sum(),
                1.0, 1e-6); // worst 6.0e-8 (Sandybridge); 17x
    }

    @Test
    void topKFunctionToApplyAndBatchingBehaveLikeHf() {
        var one = pipe.apply(TEXTS, TextClassificationOptions.defaults().withBatchSize(1));
        var four = pipe.apply(TEXTS, TextClassificationOptions.defaults().withBatchSize(4));
        assertThat(one).hasSize(4).allMatch(r -> r.size() == 1);
        for (int i = 0; i < TEXTS.size(); i++) {
            // labels compared exactly: of 2 labels the top one can flip only if its score is within the tolerance of 0.5
            assertThat(one.get(i).get(0).score() - 0.5).as("top score's distance from a tie").isGreaterThan(BATCHED_SCORE_ABS);
            assertThat(four.get(i).get(0).label()).isEqualTo(one.get(i).get(0).label());
            Parity.assertClose("score, batch of 4 vs alone", TEXTS.get(i), four.get(i).get(0).score(), one.get(i).get(0).score(),
                    BATCHED_SCORE_ABS);
        }
        var raw = pipe.scores(List.of("w7"), TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.NONE))[0];
        var sig = pipe.scores(List.of("w7"), TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.SIGMOID))[0];
        // fp32 sigmoid against Java's double formula: worst 2.5e-8 (Haswell); 40x
        Parity.assertClose("sigmoid score vs 1 / (1 + exp(-logit))", "w7", sig[0], 1 / (1 + Math.exp(-raw[0])), 1e-6);
        assertThatThrownBy(() -> pipe.apply("w7", TextClassificationOptions.defaults().withTopK(3)))
                .hasMessageContaining("top_k 3 is larger than the number of labels (2");
    }

    @Test
    void concurrentCallersGetTheSameAnswersAsOne() throws Exception {
        var expected = pipe.apply(TEXTS, TextClassificationOptions.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<List<ClassificationResult>>>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> pipe.apply(TEXTS, TextClassificationOptions.defaults())));
            }
            for (var f : futures) {
                var got = f.get();
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertThat(got.get(i).get(0).label()).isEqualTo(expected.get(i).get(0).label());
                    // the same batch through the same pipeline, only from 4 threads at once: measured 0 in all 9
                    // settings; the tolerance allows OpenMP to give a concurrent caller fewer threads (other splits)
                    Parity.assertClose("score, 4 concurrent callers vs one", TEXTS.get(i), got.get(i).get(0).score(),
                            expected.get(i).get(0).score(), 1e-6);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** max_length truncates as the tokenizer's max_length does: 8 tokens are [CLS] + the first 6 words + [SEP]. */
    @Test
    void maxLengthTruncatesToThatManyTokens() {
        List<String> words = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "w" + (7 + i)).toList();
        String full = String.join(" ", words);
        String firstSix = String.join(" ", words.subList(0, 6));
        var none = TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.NONE);
        float[][] truncated = pipe.scores(List.of(full), none.withMaxLength(8));
        float[][] prefix = pipe.scores(List.of(firstSix), none);
        float[][] whole = pipe.scores(List.of(full), none);
        assertThat(truncated[0]).containsExactly(prefix[0], org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(truncated[0]).isNotEqualTo(whole[0]);
        assertThatThrownBy(() -> none.withMaxLength(0)).hasMessageContaining("max_length must be at least 1, got 0");
    }

    @Test
    void overLongTextWithoutTruncationIsAClearError() {
        String longText = String.join(" ", java.util.Collections.nCopies(80, "w9"));
        assertThat(pipe.apply(longText)).hasSize(1); // truncated to model_max_length 64 by default
        assertThatThrownBy(() -> pipe.apply(longText, TextClassificationOptions.defaults().withTruncation(false)))
                .hasMessageContaining("exceeds max_position_embeddings 64");
    }
}
