package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.Dataset;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long reviews (IMDB-like, 600 to 1,500 words) truncated to 512 tokens train on the real bge-small within memory:
 * with gradient checkpointing, batch 4 of 512 tokens stays well under the 24 GB machines' budget.
 */
@Tag("slow")
class LongTextTest {
    private static final String[] POSITIVE = {"wonderful", "moving", "brilliant", "funny", "gorgeous", "tender", "sharp"};
    private static final String[] NEGATIVE = {"tedious", "clumsy", "dull", "shallow", "grating", "lifeless", "messy"};
    private static final String[] FILLER = {"the", "film", "story", "actors", "scene", "music", "plot", "and", "was",
            "with", "its", "camera", "director", "ending", "script", "a", "of", "in", "every", "moment"};

    @TempDir Path tmp;

    /** A synthetic long review: filler words with sentiment words sprinkled in, labelled by which kind dominates. */
    static String review(Random r, boolean positive) {
        int words = 600 + r.nextInt(900);
        String[] sentiment = positive ? POSITIVE : NEGATIVE;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(r.nextInt(6) == 0 ? sentiment[r.nextInt(sentiment.length)] : FILLER[r.nextInt(FILLER.length)]);
        }
        return sb.toString();
    }

    @Test
    void longReviewsTruncatedTo512TrainWithinMemory() throws IOException {
        resetPeakRss(); // the peak of this test, not of the tests that ran before it in this JVM (QA at 384 tokens)
        Random r = new Random(3);
        List<String> rows = new ArrayList<>(List.of("review\tsentiment"));
        for (int i = 0; i < 8; i++) {
            boolean positive = i % 2 == 0;
            rows.add(review(r, positive) + "\t" + (positive ? "positive" : "negative"));
        }
        Path file = Files.write(tmp.resolve("long-reviews.tsv"), rows);
        Path model = DefaultModels.bgeSmallEnV15();
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(model)) {
            Dataset ds = LoadDataset.fromFiles(file.toString(), LoadOptions.textClassification("review", "label").withRename("sentiment", "label"))
                    .tokenize(tokenizer, "review", EncodeOptions.defaults().withMaxLength(512));
            int[] lengths = ds.tokens("input_ids").lengths();
            assertThat(java.util.Arrays.stream(lengths).distinct().toArray()).containsExactly(512); // every review was truncated to 512

            var clf = BertForSequenceClassification.fromPretrained(model,
                    PretrainedOptions.defaults().withId2label(java.util.Map.of(0, "negative", 1, "positive")));
            TrainingArguments args = TrainingArguments.builder(tmp.resolve("out").toString())
                    .maxSteps(1).perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4).gradientCheckpointing(true)
                    .saveStrategy(IntervalStrategy.NO).loggingSteps(1.0).disableTqdm(true).build();
            var trainer = Trainer.builder(clf, args).trainDataset(ds).evalDataset(ds.selectRange(0, 4)).processingClass(tokenizer).computeMetrics(io.t4j.trainer.metrics.Metrics.ACCURACY).build();
            TrainOutput out = trainer.train();
            assertThat(out.globalStep()).isEqualTo(1);
            assertThat(out.trainingLoss()).isFinite().isPositive();
            assertThat(trainer.evaluate().get("eval_loss")).isFinite();
            long peakMb = peakRssMb();
            System.out.println("long-text training: peak RSS " + peakMb + " MB");
            assertThat(peakMb).isLessThan(6_000);
        }
    }

    /** Resets the process's VmHWM to its current RSS (Linux: "5" to /proc/self/clear_refs); fails where it cannot. */
    static void resetPeakRss() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmHWM in /proc/self/status");
    }
}
