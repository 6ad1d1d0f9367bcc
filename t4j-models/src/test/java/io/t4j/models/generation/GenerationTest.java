package io.t4j.models.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.DType;
import io.t4j.engine.Tensors;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalLMOutput;
import io.t4j.models.decoder.DecoderConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForCausalLM;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForCausalLM;
import io.t4j.models.testing.Fixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** Generation semantics on the fixture models: cache, sampling, stopping, streaming, processors, bad input. */
class GenerationTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    private static final List<long[]> PROMPTS = List.of(new long[] {1, 34, 99, 96, 64}, new long[] {1, 47, 56, 15, 119, 113, 35, 60});

    private static CausalLM load(String fixture) {
        Fixture fx = Fixture.load(fixture);
        return switch (fixture) {
            case "llama" -> LlamaForCausalLM.fromPretrained(fx.dir());
            case "qwen2" -> Qwen2ForCausalLM.fromPretrained(fx.dir());
            default -> Phi3ForCausalLM.fromPretrained(fx.dir());
        };
    }

    /** Token ids as text, one letter pair per id, so stop strings and streaming can be checked without a tokenizer. */
    private static final Function<long[], String> DECODE =
            ids -> Arrays.stream(ids).mapToObj(i -> "<" + i + ">").collect(Collectors.joining());

    @Test
    void cachedGenerationEqualsUncachedRecomputation() {
        for (String name : List.of("llama", "qwen2", "phi3", "phi3-longrope")) {
            try (PointerScope scope = new PointerScope(); CausalLM model = load(name)) {
                GenerationConfig config = GenerationConfig.greedy(12, List.of()).withPadTokenId(0).withOutputScores(true);
                GenerateOutput cached = new Generator(model).generate(PROMPTS, config);
                GenerateOutput uncached = new Generator(model).withCache(false).generate(PROMPTS, config);
                assertThat(cached.sequences()).as(name).isDeepEqualTo(uncached.sequences());
                double worst = 0;
                for (int step = 0; step < 12; step++) {
                    for (int row = 0; row < 2; row++) {
                        float[] a = cached.scores().get(step)[row];
                        float[] b = uncached.scores().get(step)[row];
                        for (int i = 0; i < a.length; i++) {
                            worst = Math.max(worst, Math.abs(a[i] - b[i]));
                        }
                    }
                }
                System.out.printf("%s cached vs uncached scores max|diff| = %.3e%n", name, worst);
                assertThat(worst).as(name + " scores").isLessThan(1e-5);
            }
        }
    }

    @Test
    void phi3LongRopeReEncodeIsWhatMakesItMatchHf() {
        Fixture fx = Fixture.load("phi3-longrope");
        try (PointerScope scope = new PointerScope(); var model = Phi3ForCausalLM.fromPretrained(fx.dir())) {
            CausalLM keepsCache = new CausalLM() { // the same model without HF's drop-and-re-encode
                public DecoderConfig decoderConfig() { return model.decoderConfig(); }
                public CausalLMOutput forward(CausalLMInputs in) { return model.forward(in); }
                public DType dtype() { return model.dtype(); }
                public void close() { }
            };
            assertThat(model.dropsCacheBeforeStep(17, 16)).isTrue();
            assertThat(model.dropsCacheBeforeStep(18, 17)).isFalse();
            assertThat(model.dropsCacheBeforeStep(16, 15)).isFalse();
            GenerationConfig config = GenerationConfig.greedy(8, List.of(2)).withPadTokenId(0).withOutputScores(true);
            GenerateOutput out = new Generator(keepsCache).generate(fx.tensor("generation.unpadded.input_ids"), null, config);
            float[] reference = Tensors.toFloats(fx.tensor("generation.unpadded.scores.5"));
            float[] got = out.scores().get(5)[0];
            double diff = 0;
            for (int i = 0; i < got.length; i++) {
                diff = Math.max(diff, Math.abs(got[i] - reference[i]));
            }
            System.out.printf("phi3-longrope step 5 without the re-encode: max|diff| vs HF = %.3e%n", diff);
            assertThat(diff).isGreaterThan(1e-3);
        }
    }

    @Test
    void samplingIsReproducibleWithASeedAndTopKOneIsGreedy() {
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) {
            GenerationConfig sampling = GenerationConfig.sampling(10, List.of(), 42).withPadTokenId(0);
            GenerateOutput a = new Generator(model).generate(PROMPTS, sampling);
            GenerateOutput b = new Generator(model).generate(PROMPTS, sampling);
            assertThat(a.sequences()).isDeepEqualTo(b.sequences());
            boolean someSeedDiffers = false;
            for (long seed = 1; seed <= 3; seed++) {
                GenerateOutput other = new Generator(model).generate(PROMPTS, sampling.withSampling(true, 1.0, 50, 1.0, seed));
                someSeedDiffers |= !Arrays.deepEquals(other.sequences(), a.sequences());
            }
            assertThat(someSeedDiffers).isTrue();
            GenerateOutput topOne = new Generator(model).generate(PROMPTS, sampling.withSampling(true, 0.7, 1, 1.0, 5));
            GenerateOutput greedy = new Generator(model).generate(PROMPTS, GenerationConfig.greedy(10, List.of()).withPadTokenId(0));
            assertThat(topOne.sequences()).isDeepEqualTo(greedy.sequences());
        }
    }

    @Test
    void eosEndsOneRowWhichIsThenPaddedWhileTheOtherContinues() {
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) {
            // greedy continues row 0 with 119, 85, 34, ... (fixture): make 85 an eos id (one of two)
            GenerationConfig config = GenerationConfig.greedy(8, List.of(2, 85)).withPadTokenId(0);
            GenerateOutput out = new Generator(model).generate(PROMPTS, config);
            assertThat(out.newTokens(0)).containsExactly(119, 85);
            assertThat(out.finishReasons()[0]).isEqualTo(FinishReason.EOS);
            assertThat(Arrays.copyOfRange(out.sequences()[0], 3 + 5 + 2, 16)).containsOnly(0L);
            assertThat(out.newTokens(1)).hasSize(8);
            assertThat(out.finishReasons()[1]).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void stopStringsEndARowAndStreamingSeesEveryNewToken() {
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) {
            List<String> streamed = new ArrayList<>(List.of("", ""));
            GenerationConfig config = GenerationConfig.greedy(8, List.of()).withPadTokenId(0).withStopStrings(List.of("<34>"));
            GenerateOutput out = new Generator(model).withDecoder(DECODE)
                    .withStreamer(new TextStreamer(DECODE, (row, text) -> streamed.set(row, streamed.get(row) + text)))
                    .generate(PROMPTS, config);
            assertThat(out.newTokens(0)).containsExactly(119, 85, 34);
            assertThat(out.finishReasons()[0]).isEqualTo(FinishReason.STOP_STRING);
            assertThat(streamed.get(0)).isEqualTo("<119><85><34>");
            assertThat(streamed.get(1)).isEqualTo(DECODE.apply(out.newTokens(1)));
            assertThat(out.text(0, PROMPTS.get(0), DECODE, true)).isEqualTo("<1><34><99><96><64><119><85><34>");
            assertThat(out.text(0, PROMPTS.get(0), DECODE, false)).isEqualTo("<119><85><34>");
        }
    }

    @Test
    void stopStringsWithoutADecoderAreAClearError() {
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) {
            GenerationConfig config = GenerationConfig.greedy(4, List.of()).withStopStrings(List.of("\n"));
            assertThatThrownBy(() -> new Generator(model).generate(PROMPTS, config))
                    .hasMessageContaining("need the tokenizer's decode: call Generator.withDecoder");
        }
    }

    @Test
    void badInputHasClearMessages() {
        assertThatThrownBy(() -> GenerationConfig.greedy(0, List.of()))
                .hasMessage("max_new_tokens must be greater than 0, got 0");
        assertThatThrownBy(() -> GenerationConfig.greedy(-3, List.of()))
                .hasMessage("max_new_tokens must be greater than 0, got -3");
        assertThatThrownBy(() -> GenerationConfig.sampling(5, List.of(), 1).withSampling(true, 0.0, 50, 1.0, 1))
                .hasMessageContaining("temperature has to be a strictly positive float when do_sample=true, got 0.0");
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) { // max_position_embeddings 64
            long[] tooLong = new long[65];
            Arrays.fill(tooLong, 5);
            assertThatThrownBy(() -> new Generator(model).generate(List.of(tooLong), GenerationConfig.greedy(4, List.of())))
                    .hasMessage("the prompt has 65 tokens but the model's context window is 64 "
                            + "(max_position_embeddings in config.json): shorten or truncate the prompt");
            long[] nearlyFull = Arrays.copyOf(tooLong, 62);
            GenerateOutput out = new Generator(model).generate(List.of(nearlyFull), GenerationConfig.greedy(10, List.of()));
            assertThat(out.newTokens(0)).hasSize(2);
            assertThat(out.finishReasons()[0]).isEqualTo(FinishReason.CONTEXT_WINDOW);
        }
    }

    @Test
    void generationConfigJsonIsReadWithHfNamesAndDefaults() throws java.io.IOException {
        Fixture fx = Fixture.load("llama");
        try (PointerScope scope = new PointerScope(); CausalLM model = load("llama")) {
            GenerationConfig c = GenerationConfig.fromPretrained(fx.dir(), model.decoderConfig());
            assertThat(c.eosTokenId()).containsExactly(2);
            assertThat(c.padTokenId()).isEqualTo(0);
            assertThat(c.doSample()).isFalse();
            assertThat(c.maxLength()).isEqualTo(20);
            assertThat(c.newTokenBudget(5)).isEqualTo(15);
        }
        java.nio.file.Path dir = tmp;
        java.nio.file.Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009],
                 "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.46.1"}""");
        GenerationConfig llama31 = GenerationConfig.fromPretrained(dir, null);
        assertThat(llama31.eosTokenId()).containsExactly(128001, 128008, 128009);
        assertThat(llama31.doSample()).isTrue();
        assertThat(llama31.temperature()).isEqualTo(0.6);
        assertThat(llama31.topP()).isEqualTo(0.9);
        assertThat(llama31.topK()).isEqualTo(50);
        assertThat(llama31.effectivePadTokenId()).isEqualTo(128001);
        java.nio.file.Files.writeString(dir.resolve("generation_config.json"), "{\"max_new_tokens\": 0}");
        assertThatThrownBy(() -> GenerationConfig.fromPretrained(dir, null))
                .hasMessageContaining("generation_config.json: invalid generation config")
                .hasMessageContaining("max_new_tokens must be greater than 0, got 0");
    }

    @Test
    void logitsProcessorsFollowHf() {
        try (PointerScope scope = new PointerScope()) {
            Tensor scores = Tensors.fromFloats(new float[] {1f, 2f, 3f, 4f, -1f}, 1, 5);
            Tensor ids = Tensors.fromLongs(new long[] {3, 4}, 1, 2);
            assertThat(Tensors.toFloats(LogitsProcessor.repetitionPenalty(2.0).process(ids, scores)))
                    .containsExactly(1f, 2f, 3f, 2f, -2f);
            assertThat(Tensors.toFloats(LogitsProcessor.temperature(0.5).process(ids, scores)))
                    .containsExactly(2f, 4f, 6f, 8f, -2f);
            float ninf = Float.NEGATIVE_INFINITY;
            assertThat(Tensors.toFloats(LogitsProcessor.topK(2, 1).process(ids, scores)))
                    .containsExactly(ninf, ninf, 3f, 4f, ninf);
            // softmax of [1,2,3,4,-1] ~ [.032,.087,.236,.642,.002]: top_p 0.7 keeps {4, 3} (0.642 < 0.7 <= 0.878)
            assertThat(Tensors.toFloats(LogitsProcessor.topP(0.7, 1).process(ids, scores)))
                    .containsExactly(ninf, ninf, 3f, 4f, ninf);
            assertThat(Tensors.toFloats(LogitsProcessor.topP(0.5, 1).process(ids, scores)))
                    .containsExactly(ninf, ninf, ninf, 4f, ninf);
            assertThat(Tensors.toFloats(LogitsProcessor.prefixAllowedTokens((row, seq) -> new long[] {0, 4}).process(ids, scores)))
                    .containsExactly(1f, ninf, ninf, ninf, -1f);
        }
    }
}
