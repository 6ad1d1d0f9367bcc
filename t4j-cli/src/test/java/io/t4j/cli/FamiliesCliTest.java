package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.cli.CliTest.Run;
import io.t4j.models.AutoConfig;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI finds the XLM-RoBERTa, ELECTRA and decoder-classifier families through the registry: {@code t4j info} lists
 * their classes, {@code t4j train} fine-tunes an xlm-roberta folder and an ELECTRA discriminator checkpoint (a new
 * classification head over it, as with google/electra-*-discriminator), and {@code t4j predict} runs a Llama
 * classifier folder. (The CLI trains sequence classification only; token classification has no train command.)
 */
class FamiliesCliTest {
    @TempDir static Path tmp;
    static Path xlmr;
    static Path electra;
    static Path llama;

    @BeforeAll
    static void folders() throws Exception {
        xlmr = copy(Fixture.load("xlmr-seqcls"), tmp.resolve("tiny-xlmr"));
        TinyTokenizer.writeRoberta(xlmr, 128, 64);
        electra = copy(Fixture.load("electra-disc"), tmp.resolve("tiny-electra-discriminator"));
        TinyTokenizer.writeBert(electra, 128, 64);
        llama = copy(Fixture.load("llama-seqcls"), tmp.resolve("tiny-llama-classifier"));
        TinyTokenizer.writeChat(llama);
    }

    private static Path copy(Fixture fx, Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(fx.dir().resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** A TSV of {@code n} rows whose classes use disjoint words. */
    private static Path tsv(String name, int classes, int n) throws Exception {
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            int start = 10 + 30 * c;
            rows.append("w").append(start + i % 7).append(" w").append(start + 1 + i % 5).append('\t').append("class").append(c).append('\n');
        }
        return Files.writeString(tmp.resolve(name), rows.toString());
    }

    @Test
    void infoListsEachFamilysClasses() {
        Run x = CliTest.run("", "info", xlmr.toString());
        assertThat(x.exit()).as(x.err()).isZero();
        assertThat(x.out()).contains("model_type      xlm-roberta").contains("XLMRobertaForSequenceClassification (sequence-classification)",
                "XLMRobertaForTokenClassification (token-classification)", "XLMRobertaForQuestionAnswering (question-answering)",
                "XLMRobertaForMaskedLM (masked-LM)", "XLMRobertaModel (base)");
        Run e = CliTest.run("", "info", electra.toString());
        assertThat(e.out()).contains("model_type      electra").contains("ElectraForPreTraining (pre-training)",
                "ElectraForMaskedLM (masked-LM)", "ElectraForSequenceClassification (sequence-classification)");
        Run l = CliTest.run("", "info", llama.toString());
        assertThat(l.out()).contains("LlamaForSequenceClassification (sequence-classification)", "LlamaForCausalLM (causal-LM)");
    }

    @Test
    void trainsAnXlmRobertaFolder() throws Exception {
        Path out = tmp.resolve("xlmr-run");
        Run r = CliTest.run("", "train", "--model", xlmr.toString(), "--train-file", tsv("xlmr.tsv", 3, 30).toString(),
                "--validation-file", tsv("xlmr-dev.tsv", 3, 12).toString(), "--output_dir", out.toString(),
                "--max_steps", "4", "--per_device_train_batch_size", "8", "--learning_rate", "1e-3",
                "--save_strategy", "no", "--disable_tqdm", "true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("eval_accuracy", "model saved to");
        PretrainedConfig saved = AutoConfig.fromPretrained(out);
        assertThat(saved.modelType()).isEqualTo("xlm-roberta");
        assertThat(saved.architectures()).containsExactly("XLMRobertaForSequenceClassification");
        assertThat(saved.id2label()).containsValues("class0", "class1", "class2");
    }

    @Test
    void finetunesAnElectraDiscriminatorCheckpointAsAClassifier() throws Exception {
        Path out = tmp.resolve("electra-run");
        Run r = CliTest.run("", "train", "--model", electra.toString(), "--train-file", tsv("electra.tsv", 2, 24).toString(),
                "--output_dir", out.toString(), "--max_steps", "3", "--per_device_train_batch_size", "8",
                "--save_strategy", "no", "--disable_tqdm", "true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(AutoConfig.fromPretrained(out).architectures()).containsExactly("ElectraForSequenceClassification");
        Run p = CliTest.run("w10 w11\nw40 w41\n", "predict", "--model", out.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out().lines().toList()).hasSize(2).allMatch(l -> l.contains("\"label\":\"class"));
    }

    @Test
    void predictsWithADecoderClassifierFolder() {
        Run p = CliTest.run("the movie was great\nawful\n", "predict", "--model", llama.toString(), "--top-k", "3");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out().lines().toList()).hasSize(2).allMatch(l -> l.contains("LABEL_0") && l.contains("LABEL_2"));
    }
}
