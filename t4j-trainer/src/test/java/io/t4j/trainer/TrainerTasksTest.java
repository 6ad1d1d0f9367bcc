package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.data.Column;
import io.t4j.data.DataCollatorForLanguageModeling;
import io.t4j.data.Dataset;
import io.t4j.data.NdArray;
import io.t4j.data.StringColumn;
import io.t4j.models.llama.LlamaConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.EvalPrediction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trainer beyond sequence classification: a decoder trains through the same loop (HF's contract
 * {@code model(**batch).loss}), and evaluation gathers [B,T] labels and [B,T,V] logits of batches with different
 * lengths into [N,T,V] / [N,T] arrays padded with -100, as HF's {@code nested_concat}.
 */
class TrainerTasksTest {
    @TempDir
    Path dir;

    static PreTrainedTokenizer tokenizer() throws Exception {
        return AutoTokenizer.fromPretrained(Path.of(TrainerTasksTest.class.getResource("/tiny-roberta-tokenizer").toURI()));
    }

    /** Texts of 2 to 7 words in a fixed cycle, so a causal LM can learn them (LabelSmoothingTest's too). */
    static Dataset texts(int n, long seed, PreTrainedTokenizer tok) {
        String[] words = {"hello", "world", "the", "cat", "sat", "on", "mat", "a", "dog", "ran"};
        Random r = new Random(seed);
        String[] text = new String[n];
        for (int i = 0; i < n; i++) {
            int start = r.nextInt(words.length);
            StringBuilder s = new StringBuilder();
            for (int w = 0, len = 2 + r.nextInt(6); w < len; w++) {
                s.append(w == 0 ? "" : " ").append(words[(start + w) % words.length]);
            }
            text[i] = s.toString();
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(text));
        return Dataset.fromColumns(columns, Map.of()).tokenize(tok, "text", EncodeOptions.defaults());
    }

    @Test
    void aDecoderTrainsAndEvaluationGathersTokenLevelArrays() throws Exception {
        PreTrainedTokenizer tok = tokenizer();
        torch.manual_seed(3);
        var model = new LlamaForCausalLM(LlamaConfig.of(tok.length(), 16, 32, 1, 2, 1));
        List<EvalPrediction> seen = new ArrayList<>();
        var args = TrainingArguments.builder(dir.toString()).disableTqdm(true).learningRate(1e-2).maxSteps(40)
                .perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(5).saveStrategy(IntervalStrategy.NO).seed(1).build();
        Dataset eval = texts(12, 2, tok);
        var trainer = Trainer.builder(model, args).dataCollator(DataCollatorForLanguageModeling.causal(tok))
                .trainDataset(texts(64, 1, tok)).evalDataset(eval).processingClass(tok)
                .computeMetrics(p -> {
                    seen.add(p);
                    return Map.of();
                }).build();
        double before = trainer.evaluate().get("eval_loss");
        trainer.train();
        double after = trainer.evaluate().get("eval_loss");
        System.out.printf("causal LM eval_loss %.4f -> %.4f%n", before, after);
        assertThat(after).isLessThan(before * 0.7);

        EvalPrediction p = seen.getLast();
        int longest = eval.tokens("input_ids").lengths().length == 0 ? 0
                : java.util.Arrays.stream(eval.tokens("input_ids").lengths()).max().orElseThrow();
        NdArray logits = p.predictions();
        NdArray labels = p.labelIds();
        assertThat(logits.shape()).containsExactly(12, longest, tok.length());
        assertThat(labels.shape()).containsExactly(12, longest);
        // a row shorter than the longest in the whole set ends in -100 where its batch had no position at all
        int[] lengths = eval.tokens("input_ids").lengths();
        for (int i = 0; i < 12; i++) {
            long last = labels.longs()[i * longest + longest - 1];
            assertThat(last == -100).as("row " + i + " (length " + lengths[i] + ")").isEqualTo(lengths[i] < longest);
        }
    }

    @Test
    void labelNamesAreHonouredAndUnknownOnesNamed() throws Exception {
        PreTrainedTokenizer tok = tokenizer();
        var model = new LlamaForCausalLM(LlamaConfig.of(tok.length(), 16, 32, 1, 2, 1));
        var args = TrainingArguments.builder(dir.toString()).disableTqdm(true).labelNames(List.of("start_positions"))
                .saveStrategy(IntervalStrategy.NO).build();
        List<EvalPrediction> seen = new ArrayList<>();
        var trainer = Trainer.builder(model, args).dataCollator(DataCollatorForLanguageModeling.causal(tok))
                .evalDataset(texts(4, 2, tok)).computeMetrics(p -> {
                    seen.add(p);
                    return Map.of();
                }).build();
        trainer.evaluate();
        assertThat(seen).as("the batches carry no start_positions, so compute_metrics is not called").isEmpty();
        assertThatThrownBy(() -> TrainingArguments.builder(dir.toString()).labelNames(List.of("answers")).build())
                .hasMessageContaining("label_names: unknown label 'answers'");
    }
}
