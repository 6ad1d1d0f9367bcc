package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.IntraOpThreads;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SmallForwardWarmUp}: one real forward per small token count (special tokens included) and thread arm. */
class SmallForwardWarmUpTest {
    @TempDir Path tmp;

    @Test
    void everySmallTokenCountAboveTheSpecialTokensRunsOnceOnEachArm() {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        try (TextClassificationPipeline pipe = Pipeline.textClassification(dir)) {
            List<Long> lengths = new ArrayList<>();
            List<Integer> threads = new ArrayList<>();
            IntraOpThreads.WarmUp w = SmallForwardWarmUp.run(pipe.model(), pipe.tokenizer(), in -> {
                assertThat(in.attentionMask().sum().item_long()).as("no padding").isEqualTo(in.inputIds().numel());
                lengths.add(in.inputIds().size(1));
                threads.add(IntraOpThreads.current());
                pipe.model().forward(in);
            });
            long limit = IntraOpThreads.smallForwardTokens();
            int arms = threads.stream().distinct().toList().size();
            assertThat(w.forwards()).isEqualTo(lengths.size()).isEqualTo((int) (limit - 2) * arms); // [CLS] ... [SEP]
            for (long t = 3; t <= limit; t++) {
                long count = t;
                assertThat(lengths.stream().filter(l -> l == count).count()).as("forwards of %d tokens", t).isEqualTo(arms);
            }
            if (IntraOpThreads.current() > 1 && System.getenv("T4J_SMALL_FORWARD_THREADS") == null) {
                assertThat(threads).as("both arms").contains(1, IntraOpThreads.current());
            }
            // the pipeline still answers after it
            assertThat(pipe.apply("w7 w9 w11")).hasSize(1);
        }
    }
}
