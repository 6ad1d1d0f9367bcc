package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.models.testing.Tolerances;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classification by prompting, on the llama fixture (HF weights, random behaviour) with a word-level chat tokenizer:
 * what is checked is the mechanism (constraint, scoring, prompts), against independent computations.
 */
class ZeroShotLlmClassifierTest {
    private static final List<String> TEXTS = List.of("the movie was great", "it is a awful film", "w40 w41 w42",
            "classify the film", "a great great movie", "w99", "the w70 was w71 w72", "bad movie", "very good film",
            "it was the movie", "w30 w31", "awful awful");
    private static final long END = 4; // <|im_end|>

    @TempDir
    static Path tmp;
    static LlamaForCausalLM model;
    static PreTrainedTokenizer tokenizer;
    static ChatTemplate template;

    @BeforeAll
    static void load() {
        model = LlamaForCausalLM.fromPretrained(Fixture.load("llama").dir());
        TinyTokenizer.writeChat(tmp.resolve("tok"));
        tokenizer = AutoTokenizer.fromPretrained(tmp.resolve("tok"));
        template = ChatTemplate.fromTokenizer(tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    private static long[] ids(String text) {
        return Arrays.stream(tokenizer.encode(List.of(text), EncodeOptions.noTruncation().withAddSpecialTokens(false))
                .inputIds()[0]).mapToLong(x -> x).toArray();
    }

    /** log-softmax of the last position after {@code tokens}, by a plain uncached forward. */
    private static float[] nextLogProbs(long[] tokens) {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor logits = model.forward(CausalLMInputs.of(Tensors.fromLongs(tokens, 1, tokens.length))).logits();
            return Tensors.toFloats(logits.select(1, tokens.length - 1).to(ScalarType.Float).log_softmax(-1));
        }
    }

    private static long[] concat(long[] a, long... b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void promptIsTheChatTemplateOverInstructionExamplesAndText() {
        var c = ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "bad"))
                .withSystemInstruction("classify it")
                .withExamples(List.of(new LabeledText("great film", "good"), new LabeledText("awful film", "bad")));
        assertThat(c.messages("the movie")).containsExactly(Message.system("classify it"), Message.user("great film"),
                Message.assistant("good"), Message.user("awful film"), Message.assistant("bad"), Message.user("the movie"));
        assertThat(c.prompt("the movie")).isEqualTo("<s><|im_start|> system classify it <|im_end|> "
                + "<|im_start|> user great film <|im_end|> <|im_start|> assistant good <|im_end|> "
                + "<|im_start|> user awful film <|im_end|> <|im_start|> assistant bad <|im_end|> "
                + "<|im_start|> user the movie <|im_end|> <|im_start|> assistant ");
    }

    @Test
    void constrainedDecodingAlwaysGivesOneLabelAndFollowsTheGreedyPathThroughTheTrie() {
        // "very" is a prefix of "very good": after "very" both the end token and "good" are allowed
        List<String> labels = List.of("very", "very good", "bad");
        var c = ZeroShotLlmClassifier.create(model, tokenizer, template, labels);
        List<LlmPrediction> predictions = c.classify(TEXTS);
        long very = ids("very")[0];
        long good = ids("good")[0];
        long bad = ids("bad")[0];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            String label = predictions.get(i).label();
            assertThat(labels).contains(label);
            long[] prompt = ids(c.prompt(TEXTS.get(i)));
            float[] first = nextLogProbs(prompt);
            // the classifier decides on its own (batched, cached) forward: comparing labels exactly is safe while the
            // two candidates are further apart than twice the decoder logits tolerance (log-probs shift by as much)
            String expected;
            assertThat((double) Math.abs(first[(int) bad] - first[(int) very])).isGreaterThan(2 * Tolerances.DECODER_LOGITS_ABS);
            if (first[(int) bad] > first[(int) very]) {
                expected = "bad";
            } else {
                float[] second = nextLogProbs(concat(prompt, very));
                assertThat((double) Math.abs(second[(int) good] - second[(int) END])).isGreaterThan(2 * Tolerances.DECODER_LOGITS_ABS);
                expected = second[(int) good] > second[(int) END] ? "very good" : "very";
            }
            assertThat(label).as(TEXTS.get(i)).isEqualTo(expected);
            seen.add(label);
        }
        System.out.println("constrained labels: " + seen);
    }

    @Test
    void scoringIsTheNormalisedFullContinuationProbabilityFromOneBatchedForward() {
        List<String> labels = List.of("very", "very good", "bad", "positive");
        var c = ZeroShotLlmClassifier.create(model, tokenizer, template, labels).withMode(ZeroShotLlmClassifier.Mode.SCORING);
        List<LlmPrediction> predictions = c.classify(TEXTS.subList(0, 4));
        double worst = 0;
        for (int i = 0; i < 4; i++) {
            long[] prompt = ids(c.prompt(TEXTS.get(i)));
            double[] logp = new double[labels.size()];
            for (int l = 0; l < labels.size(); l++) {
                long[] seq = concat(prompt, ids(labels.get(l)));
                seq = concat(seq, END);
                for (int pos = prompt.length; pos < seq.length; pos++) { // log P(seq[pos] | seq[:pos]), uncached
                    logp[l] += nextLogProbs(Arrays.copyOf(seq, pos))[(int) seq[pos]];
                }
            }
            double max = Arrays.stream(logp).max().orElseThrow();
            double total = Arrays.stream(logp).map(x -> Math.exp(x - max)).sum();
            Map<String, Double> probabilities = predictions.get(i).probabilities();
            assertThat(probabilities.keySet()).containsExactlyElementsOf(labels);
            assertThat(probabilities.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            int best = 0;
            for (int l = 0; l < labels.size(); l++) {
                worst = Math.max(worst, Math.abs(probabilities.get(labels.get(l)) - Math.exp(logp[l] - max) / total));
                best = logp[l] > logp[best] ? l : best;
            }
            assertThat(predictions.get(i).label()).isEqualTo(labels.get(best));
        }
        System.out.printf("scoring vs uncached per-token log-probs: max |p diff| = %.2e%n", worst);
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void fewShotExamplesAreKPerLabelDrawnWithASeed() {
        List<LabeledText> pool = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pool.add(new LabeledText("w" + (30 + i), "good"));
            pool.add(new LabeledText("w" + (60 + i), "bad"));
        }
        List<LabeledText> a = ZeroShotLlmClassifier.drawFewShot(pool, List.of("good", "bad"), 2, 7);
        assertThat(a).hasSize(4);
        assertThat(a.stream().filter(e -> e.label().equals("good")).count()).isEqualTo(2);
        assertThat(ZeroShotLlmClassifier.drawFewShot(pool, List.of("good", "bad"), 2, 7)).isEqualTo(a);
        boolean differs = false;
        for (long seed = 8; seed < 12; seed++) {
            differs |= !ZeroShotLlmClassifier.drawFewShot(pool, List.of("good", "bad"), 2, seed).equals(a);
        }
        assertThat(differs).isTrue();
        assertThatThrownBy(() -> ZeroShotLlmClassifier.drawFewShot(pool, List.of("good", "bad", "very"), 1, 7))
                .hasMessage("label 'very' has 0 examples in the pool, fewer than the 1 per label asked for");
        var c = ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "bad")).withExamples(a);
        assertThat(c.messages("x")).hasSize(1 + 2 * 4 + 1);
        assertThat(c.classify(List.of("the movie")).get(0).label()).isIn("good", "bad");
    }

    @Test
    void unconstrainedCheckReportsHowOftenPlainGreedyOutputWouldNotParse() {
        var c = ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "bad")).withUnconstrainedCheck(true);
        List<LlmPrediction> predictions = c.classify(TEXTS.subList(0, 5));
        long failures = 0;
        for (LlmPrediction p : predictions) {
            assertThat(p.unconstrainedOutput()).isNotNull();
            assertThat(p.unconstrainedParsed()).isEqualTo(c.parse(p.unconstrainedOutput()) != null);
            failures += p.unconstrainedParsed() ? 0 : 1;
        }
        System.out.println("unconstrained outputs: " + predictions.stream().map(LlmPrediction::unconstrainedOutput).toList());
        assertThat(ZeroShotLlmClassifier.parseFailureRate(predictions)).isEqualTo(failures / 5.0);
        assertThat(c.parse(" Bad. ")).isEqualTo("bad");
        assertThat(c.parse("GOOD")).isEqualTo("good");
        assertThat(c.parse("goodness")).isNull();
        assertThat(ZeroShotLlmClassifier.parseFailureRate(c.withUnconstrainedCheck(false).classify(List.of("w40")))).isNaN();
    }

    @Test
    void badLabelSetsAreClearErrors() {
        assertThatThrownBy(() -> ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good")))
                .hasMessage("classification needs at least two labels, got [good]");
        assertThatThrownBy(() -> ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "good")))
                .hasMessage("label 'good' appears twice in [good, good]");
        assertThatThrownBy(() -> ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "meh")))
                .hasMessage("label 'meh' contains text unknown to the tokenizer (it becomes <unk>)");
        assertThatThrownBy(() -> ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", " good")))
                .hasMessageContaining("labels 'good' and ' good' tokenize to the same tokens");
        assertThatThrownBy(() -> ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("good", "bad"))
                .withExamples(List.of(new LabeledText("x", "neutral"))))
                .hasMessage("example label 'neutral' is not one of [good, bad]");
    }

    @Test
    void textGenerationPipelineReturnsTheNewTextOrTheFullText() {
        var pipe = new TextGenerationPipeline(model, tokenizer, template);
        List<Message> messages = List.of(Message.system("classify it"), Message.user("the movie was awful"));
        GenerationConfig greedy = GenerationConfig.greedy(3, List.of(4)).withPadTokenId(0);
        String generated = pipe.apply(messages, greedy, false, null);
        String full = pipe.apply(messages, greedy, true, null);
        assertThat(full).isEqualTo(template.apply(messages, true, "<s>", "<|im_end|>") + generated);
        long[] prompt = ids(template.apply(messages, true, "<s>", "<|im_end|>"));
        float[] first = nextLogProbs(prompt);
        int argmax = 0;
        for (int v = 1; v < first.length; v++) {
            argmax = first[v] > first[argmax] ? v : argmax;
        }
        assertThat(generated).startsWith(pipe.decode(new long[] {argmax}));
    }

    @Test
    void pipelineTextGenerationLoadsModelTokenizerTemplateAndDefaultsFromOneFolder() throws Exception {
        Path dir = tmp.resolve("llm");
        TinyTokenizer.writeChat(dir);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            java.nio.file.Files.copy(Fixture.load("llama").dir().resolve(f), dir.resolve(f));
        }
        List<Message> messages = List.of(Message.system("classify it"), Message.user("the movie was awful"));
        GenerationConfig greedy = GenerationConfig.greedy(3, List.of(4)).withPadTokenId(0);
        // the same weights, template and greedy loop: one computation, so the same text
        String expected = new TextGenerationPipeline(model, tokenizer, template).apply(messages, greedy, false, null);
        try (var pipe = Pipeline.textGeneration(dir, io.t4j.models.PretrainedOptions.defaults())) {
            assertThat(pipe.apply(messages, greedy, false, null)).isEqualTo(expected);
            assertThat(pipe.generationConfig()).isNotNull();
            assertThat(pipe.generationConfig().withMaxNewTokens(3).maxNewTokens()).isEqualTo(3);
        }
    }

    @Test
    void textGenerationPipelineContinuesAPlainPromptWithoutTheTemplate() {
        var pipe = new TextGenerationPipeline(model, tokenizer, null);
        GenerationConfig greedy = GenerationConfig.greedy(3, List.of(4)).withPadTokenId(0);
        String generated = pipe.apply("the movie was", greedy, false, null);
        assertThat(pipe.apply("the movie was", greedy, true, null)).isEqualTo("the movie was" + generated);
        float[] first = nextLogProbs(ids("the movie was"));
        int argmax = 0;
        for (int v = 1; v < first.length; v++) {
            argmax = first[v] > first[argmax] ? v : argmax;
        }
        assertThat(generated).startsWith(pipe.decode(new long[] {argmax}));
        assertThatThrownBy(() -> pipe.apply(List.of(Message.user("hi")), greedy, false, null))
                .hasMessageContaining("has no chat_template: send a plain-text prompt");
    }
}
