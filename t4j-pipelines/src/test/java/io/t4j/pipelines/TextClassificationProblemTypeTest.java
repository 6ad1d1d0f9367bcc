package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.engine.Tensors;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text-classification pipeline over every problem type and over decoder classifiers, as HF's
 * {@code TextClassificationPipeline}: sigmoid by default for multi-label (bert-multilabel: HF's stored
 * {@code probabilities_sigmoid}) and for a single output (regression), and a Llama classifier folder scored at the
 * last token for any padding of the batch (llama-seqcls: HF's pooled logits).
 */
class TextClassificationProblemTypeTest {
    @TempDir
    Path tmp;

    /** Fixture row {@code row} as the text the tiny tokenizers encode back to its ids (without specials for BERT). */
    private static String text(Fixture fx, int row, int from, int trimEnd) {
        long[] ids = Tensors.toLongs(fx.tensor("inputs.input_ids").select(0, row));
        int length = (int) fx.tensor("inputs.attention_mask").select(0, row).sum().item_long();
        return String.join(" ", Arrays.stream(ids, from, length - trimEnd).mapToObj(i -> "w" + i).toList());
    }

    @Test
    void multiLabelScoresAreSigmoidsOfEachLabelByDefault() {
        Fixture fx = Fixture.load("bert-multilabel");
        Path dir = TinyTokenizer.bertFixtureFolder(fx, tmp.resolve("multi"));
        try (var pipe = Pipeline.textClassification(dir)) {
            String row2 = text(fx, 2, 1, 1); // [CLS] ... [SEP] without the specials; row 2 is a single sentence
            float[] expected = Tensors.toFloats(fx.tensor("outputs.probabilities_sigmoid").select(0, 2));
            var all = pipe.apply(row2, TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS));
            assertThat(all).hasSize(4);
            for (ClassificationResult r : all) {
                int id = Integer.parseInt(r.label().substring("LABEL_".length()));
                assertThat(r.score()).as(r.label()).isCloseTo(expected[id], within(1e-5));
            }
            assertThat(all.stream().mapToDouble(ClassificationResult::score).sum()).as("independent per label, not a softmax")
                    .isNotCloseTo(1.0, within(1e-3));
            assertThat(FunctionToApply.defaultFor(pipe.model().config())).isEqualTo(FunctionToApply.SIGMOID);
        }
    }

    @Test
    void aSingleOutputIsSigmoidByDefaultAndRawWithNone() {
        Fixture fx = Fixture.load("bert-seqcls");
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("reg"));
        try (var pipe = Pipeline.textClassification(dir, PretrainedOptions.numLabels(1).withProblemType("regression"))) {
            String text = text(fx, 1, 1, 1);
            float raw = pipe.scores(List.of(text), TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.NONE))[0][0];
            var result = pipe.apply(text);
            assertThat(result).hasSize(1);
            assertThat((double) result.getFirst().score()).isCloseTo(1 / (1 + Math.exp(-raw)), within(1e-6)); // HF: num_labels == 1 -> sigmoid
        }
    }

    @Test
    void aDecoderClassifierFolderScoresTheLastTokenWhateverThePadding() throws IOException {
        Fixture fx = Fixture.load("llama-seqcls");
        Path dir = Files.createDirectories(tmp.resolve("llama"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(fx.dir().resolve(f), dir.resolve(f));
        }
        TinyTokenizer.writeChat(dir); // word-level, no specials added, <pad> = 0 = pad_token_id; w24.. are ids 24..
        // the fixture rows use ids 1 (bos) and 3..127; ids 6..23 are words of the chat vocabulary
        List<String> vocab = TinyTokenizer.CHAT_WORDS;
        String[] special = {"<pad>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<unk>"};
        String[] texts = new String[3];
        for (int row = 0; row < 3; row++) {
            long[] ids = Tensors.toLongs(fx.tensor("inputs.input_ids").select(0, row));
            int length = (int) fx.tensor("inputs.attention_mask").select(0, row).sum().item_long();
            texts[row] = String.join(" ", Arrays.stream(ids, 0, length).mapToObj(i -> i < 6 ? special[(int) i]
                    : i < 6 + vocab.size() ? vocab.get((int) i - 6) : "w" + i).toList());
        }
        float[] expected = Tensors.toFloats(torch.softmax(fx.tensor("outputs.logits"), 1)); // [3,3]
        for (String side : List.of("right", "left")) {
            Path config = dir.resolve("tokenizer_config.json");
            var json = (com.fasterxml.jackson.databind.node.ObjectNode) io.t4j.models.AutoConfig.JSON.readTree(config.toFile());
            io.t4j.models.AutoConfig.JSON.writeValue(config.toFile(), json.put("padding_side", side));
            try (var pipe = Pipeline.textClassification(dir)) {
                assertThat(pipe.model().getClass().getSimpleName()).isEqualTo("LlamaForSequenceClassification");
                assertThat(pipe.tokenizer().paddingSide().hfName()).isEqualTo(side);
                for (int batch : new int[] {1, 3}) {
                    float[][] scores = pipe.scores(List.of(texts), TextClassificationOptions.defaults().withBatchSize(batch));
                    for (int row = 0; row < 3; row++) {
                        for (int k = 0; k < 3; k++) {
                            assertThat(scores[row][k]).as(side + " padding, batch " + batch + " row " + row + " label " + k)
                                    .isCloseTo(expected[row * 3 + k], within(1e-5f));
                        }
                    }
                }
            }
        }
    }
}
