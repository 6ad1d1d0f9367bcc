package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.cli.CliTest.Run;
import io.t4j.models.AutoConfig;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code t4j info}, {@code train} and {@code predict} on the DeBERTa-v2 and ModernBERT fixtures (word-level tokenizer). */
class EncoderFamiliesCliTest {
    @TempDir static Path tmp;
    static Path train;

    @BeforeAll
    static void files() throws Exception {
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 24; i++) {
            int start = i % 2 == 0 ? 5 : 40;
            rows.append("w").append(start + i % 7).append(" w").append(start + 1 + i % 5).append('\t')
                    .append(i % 2 == 0 ? "negative" : "positive").append('\n');
        }
        train = Files.writeString(tmp.resolve("train.tsv"), rows.toString());
    }

    @ParameterizedTest
    @CsvSource({"deberta-v2-seqcls,deberta-v2,DebertaV2ForSequenceClassification",
            "modernbert-seqcls,modernbert,ModernBertForSequenceClassification"})
    void infoTrainAndPredictKnowTheFamily(String fixture, String modelType, String head) throws Exception {
        Path model = TinyTokenizer.bertFixtureFolder(Fixture.load(fixture), tmp.resolve(fixture));
        Run info = CliTest.run("", "info", model.toString());
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("model_type      " + modelType).contains(head + " (sequence-classification)")
                .contains("(token-classification)").contains("(question-answering)").contains("(masked-LM)");

        Path out = tmp.resolve(fixture + "-run");
        Run r = CliTest.run("", "train", "--model", model.toString(), "--train-file", train.toString(),
                "--validation-file", train.toString(), "--output_dir", out.toString(), "--max_steps", "3",
                "--per_device_train_batch_size", "8", "--learning_rate", "1e-3", "--save_strategy", "no",
                "--disable_tqdm", "true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("train_runtime", "eval_accuracy", "model saved to");
        assertThat(AutoConfig.fromPretrained(out).modelType()).isEqualTo(modelType);
        assertThat(AutoConfig.fromPretrained(out).id2label()).containsValues("negative", "positive");

        Run p = CliTest.run("w7 w9 w11\n", "predict", "-m", out.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).startsWith("{\"text\":\"w7 w9 w11\",\"label\":\"");
    }
}
