package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.testing.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic int8 quantization of whole models ({@link PreTrainedModel#quantizeInt8()}): which layers convert, the
 * logits against float32, and the quantized checkpoint's save/load round trip.
 *
 * <p>Tolerance: the tiny fixtures' weights are random (initializer_range 0.02 to 0.2), the worst case for a per-tensor
 * activation scale; measured relative error of the logits (Frobenius): roberta 1.7%, qwen2 4.1%, bert 6.4%,
 * distilbert 8.7%, bounded at 15%. A model whose Linear layers were not converted would show 0. The accuracy that
 * matters, SST-2 dev with a fine-tuned bge-small, is measured by {@code t4j bench --sections infer --classifier}.
 */
class QuantizationTest {
    static final double LOGITS = 0.15;
    @TempDir Path tmp;

    static double relError(Tensor y, Tensor reference) {
        Tensor d = y.to(ScalarType.Double).sub(reference.to(ScalarType.Double));
        return d.norm().item_double() / reference.to(ScalarType.Double).norm().item_double();
    }

    @Test
    void encoderLayersBecomeInt8AndTheHeadStaysFloat() {
        for (String name : new String[] {"bert-seqcls", "roberta-seqcls", "distilbert-seqcls"}) {
            Fixture fx = Fixture.load(name);
            try (PointerScope scope = new PointerScope(); InferenceMode m = new InferenceMode()) {
                ModelInputs in = fx.inputs(false);
                SequenceClassificationModel<?> fp32 = AutoModelForSequenceClassification.fromPretrained(fx.dir(),
                        PretrainedOptions.defaults().withZeroCopy(true));
                SequenceClassificationModel<?> int8 = AutoModelForSequenceClassification.fromPretrained(fx.dir(),
                        PretrainedOptions.defaults().withZeroCopy(true).withInt8(true));
                Tensor expected = fp32.forward(in).logits();
                Tensor got = int8.forward(in).logits();
                double e = relError(got, expected);
                System.out.printf("%s: int8 logits relative error %.3e%n", name, e);
                assertThat(e).isLessThan(LOGITS).isGreaterThan(0.0);
                String prefix = int8.family().baseModelPrefix() + ".";
                int8.namedModules().forEach((path, mod) -> {
                    if (mod instanceof Linear l) {
                        boolean familyKeeps = path.startsWith(prefix)
                                && int8.family().keepsFloatUnderInt8(path.substring(prefix.length()));
                        assertThat(l.isInt8()).as(path).isEqualTo(path.startsWith(prefix) && !familyKeeps);
                    }
                });
                assertThat(int8.quantizationConfig().modulesToNotConvert()).isNotEmpty()
                        .allMatch(p -> !p.startsWith(prefix) || int8.family().keepsFloatUnderInt8(p.substring(prefix.length())));
                if (name.equals("bert-seqcls")) { // BERT keeps its attention output projections in fp32
                    assertThat(int8.quantizationConfig().modulesToNotConvert())
                            .contains("bert.encoder.layer.0.attention.output.dense").doesNotContain("bert.encoder.layer.0.output.dense");
                }
                fp32.close();
                int8.close();
            }
        }
    }

    @Test
    void aQuantizedCheckpointSavesAsInt8AndLoadsBackToTheSameLogits() throws IOException {
        Fixture fx = Fixture.load("bert-seqcls");
        Path out = tmp.resolve("int8");
        try (PointerScope scope = new PointerScope(); InferenceMode m = new InferenceMode()) {
            ModelInputs in = fx.inputs(false);
            SequenceClassificationModel<?> q = AutoModelForSequenceClassification.fromPretrained(fx.dir(),
                    PretrainedOptions.defaults().withInt8(true));
            Tensor logits = q.forward(in).logits();
            q.savePretrained(out);
            JsonNode config = AutoConfig.JSON.readTree(out.resolve("config.json").toFile());
            assertThat(config.at("/quantization_config/quant_method").asText()).isEqualTo(QuantizationConfig.INT8_DYNAMIC);
            List<String> kept = new ArrayList<>();
            config.at("/quantization_config/modules_to_not_convert").forEach(n -> kept.add(n.asText()));
            assertThat(kept).contains("classifier", "bert.encoder.layer.0.attention.output.dense");
            assertThat(config.at("/torch_dtype").asText()).isEqualTo("float32");
            try (Checkpoint ckpt = Checkpoint.open(out)) {
                assertThat(ckpt.info("bert.encoder.layer.0.attention.self.query.weight").dtype().safetensorsName()).isEqualTo("I8");
                assertThat(ckpt.info("bert.encoder.layer.0.attention.self.query.weight_scale").shape()).containsExactly(32);
                assertThat(ckpt.info("classifier.weight").dtype().safetensorsName()).isEqualTo("F32");
                assertThat(ckpt.info("bert.encoder.layer.0.attention.output.dense.weight").dtype().safetensorsName()).isEqualTo("F32");
                assertThat(ckpt.keys()).noneMatch(k -> k.startsWith("classifier.") && k.endsWith("weight_scale"));
            }
            long int8Bytes = Files.size(out.resolve("model.safetensors"));
            long fp32Bytes = Files.size(fx.dir().resolve("model.safetensors"));
            System.out.printf("checkpoint %d bytes int8 against %d float32%n", int8Bytes, fp32Bytes);
            assertThat(int8Bytes).isLessThan(fp32Bytes);

            for (boolean zeroCopy : new boolean[] {true, false}) {
                SequenceClassificationModel<?> back = AutoModelForSequenceClassification.fromPretrained(out,
                        PretrainedOptions.defaults().withZeroCopy(zeroCopy));
                assertThat(back.quantizationConfig()).isEqualTo(q.quantizationConfig());
                assertThat(Tensors.maxAbsDiff(back.forward(in).logits(), logits)).isZero();
                back.close();
            }
            q.close();
        }
    }

    @Test
    void anInt8CheckpointRefusesBf16AndOtherQuantMethodsAreNamed() throws IOException {
        Fixture fx = Fixture.load("bert-seqcls");
        Path out = tmp.resolve("int8");
        try (PointerScope scope = new PointerScope()) {
            var q = AutoModelForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults().withInt8(true));
            q.savePretrained(out);
            q.close();
        }
        assertThatThrownBy(() -> AutoModelForSequenceClassification.fromPretrained(out,
                PretrainedOptions.defaults().withDtype(ScalarType.BFloat16)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("int8-quantized").hasMessageContaining("bfloat16");
        Path bnb = tmp.resolve("bnb");
        Files.createDirectories(bnb);
        Files.copy(fx.dir().resolve("model.safetensors"), bnb.resolve("model.safetensors"));
        String config = Files.readString(fx.dir().resolve("config.json")).replaceFirst("\\{",
                "{\"quantization_config\": {\"quant_method\": \"bitsandbytes\", \"load_in_8bit\": true},");
        Files.writeString(bnb.resolve("config.json"), config);
        assertThatThrownBy(() -> AutoModelForSequenceClassification.fromPretrained(bnb))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("'bitsandbytes'")
                .hasMessageContaining(QuantizationConfig.INT8_DYNAMIC);
    }

    @Test
    void aDecoderKeepsItsTiedLmHeadInFloat() {
        Fixture fx = Fixture.load("qwen2");
        try (PointerScope scope = new PointerScope(); InferenceMode m = new InferenceMode()) {
            ModelInputs in = fx.inputs(false);
            CausalLM fp32 = AutoModelForCausalLM.fromPretrained(fx.dir());
            CausalLM int8 = AutoModelForCausalLM.fromPretrained(fx.dir(), PretrainedOptions.defaults().withInt8(true));
            double e = relError(int8.forward(in).logits(), fp32.forward(in).logits());
            System.out.printf("qwen2: int8 logits relative error %.3e%n", e);
            assertThat(e).isLessThan(LOGITS).isGreaterThan(0.0);
            PreTrainedModel<?> model = (PreTrainedModel<?>) int8;
            assertThat(model.quantizationConfig().modulesToNotConvert()).containsExactly("lm_head");
        }
    }
}
