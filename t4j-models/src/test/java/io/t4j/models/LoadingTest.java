package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.StateDict;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForSequenceClassification;
import io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification;
import io.t4j.models.roberta.RobertaModeling.RobertaModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.Tolerances;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** from_pretrained / save_pretrained semantics and the loader's bad-input errors. */
class LoadingTest {
    @TempDir Path tmp;
    private final Fixture bert = Fixture.load("bert-seqcls");

    private Path copyOf(Fixture fx) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(fx.name()));
        Files.copy(fx.dir().resolve("config.json"), dir.resolve("config.json"));
        Files.copy(fx.dir().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void savePretrainedRoundTripsToIdenticalLogits() {
        for (String name : new String[] {"bert-seqcls", "roberta-seqcls", "distilbert-seqcls"}) {
            Fixture fx = Fixture.load(name);
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                SequenceClassificationModel<?> a = AutoModelForSequenceClassification.fromPretrained(fx.dir());
                Path out = tmp.resolve("saved-" + name);
                a.savePretrained(out);
                SequenceClassificationModel<?> b = AutoModelForSequenceClassification.fromPretrained(out);
                assertThat(b.getClass()).isEqualTo(a.getClass());
                ModelInputs in = fx.inputs(false);
                Parity.assertSameComputation(name + " logits after save/reload", "same weights bit for bit, same forward",
                        a.forward(in).logits(), b.forward(in).logits());
                // what HF writes: architectures, labels, dtype
                PretrainedConfig saved = AutoConfig.fromPretrained(out);
                assertThat(saved.architectures()).containsExactly(a.getClass().getSimpleName());
                assertThat(saved.torchDtype()).isEqualTo("float32");
                assertThat(saved.id2label()).isEqualTo(a.config().id2label());
            }
        }
    }

    @Test
    void headModelLoadsFromBaseCheckpointWithOnlyTheHeadNew() {
        try (PointerScope scope = new PointerScope()) {
            BertModel base = BertModel.fromPretrained(bert.dir()); // strips "bert.", drops the classifier
            Path baseDir = tmp.resolve("base");
            base.savePretrained(baseDir);
            try (Checkpoint ckpt = Checkpoint.open(baseDir)) {
                assertThat(ckpt.keys()).allMatch(k -> !k.startsWith("bert.") && !k.startsWith("classifier"));
            }
            var labels = Map.of(0, "negative", 1, "positive", 2, "neutral");
            var clf = BertForSequenceClassification.fromPretrained(baseDir, PretrainedOptions.defaults().withId2label(labels));
            assertThat(clf.config().numLabels()).isEqualTo(3);
            assertThat(clf.config().label2id()).containsEntry("neutral", 2);
            assertThat(clf.classifier.weight.shape()).containsExactly(3, 32);
            // HF's _init_weights: normal(0, initializer_range) weights, zero bias
            assertThat(clf.classifier.bias.data().abs().sum().item_double()).isZero();
            double std = clf.classifier.weight.data().std().item_double();
            assertThat(std).isBetween(0.05, 0.4); // initializer_range 0.2 in this fixture
            // the encoder is the checkpoint's
            assertThat(Tensors.maxAbsDiff(clf.bert.embeddings.wordEmbeddings.weight.data(),
                    base.embeddings.wordEmbeddings.weight.data())).isZero(); // loaded, not computed: a copy
            assertThat(clf.isTraining()).isFalse(); // from_pretrained returns eval mode, as HF
        }
    }

    @Test
    void autoClassesDispatchOnModelType() {
        assertThat(AutoModel.fromPretrained(Fixture.load("roberta-seqcls").dir())).isInstanceOf(RobertaModel.class);
        assertThat(AutoModelForSequenceClassification.fromPretrained(Fixture.load("distilbert-seqcls").dir()))
                .isInstanceOf(DistilBertForSequenceClassification.class);
        assertThat(AutoModelForSequenceClassification.fromPretrained(Fixture.load("roberta-seqcls").dir()).config().numLabels())
                .isEqualTo(3);
        assertThat(AutoModelForSequenceClassification.fromPretrained(Fixture.load("roberta-seqcls").dir()))
                .isInstanceOf(RobertaForSequenceClassification.class);
    }

    @Test
    void missingConfigNamesTheFile() throws IOException {
        Path dir = copyOf(bert);
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString()).hasMessageContaining("no such file");
    }

    @Test
    void unknownModelTypeListsTheSupportedOnes() throws IOException {
        Path dir = copyOf(bert);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt_neox\"}");
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir))
                .hasMessageContaining("unknown model_type 'gpt_neox'").hasMessageContaining("bert, roberta, distilbert");
    }

    /** Values that used to fail later as "/ by zero" or an activation error without a file name. */
    @Test
    void badSizesAndActivationsNameTheFileAndField() throws IOException {
        Path dir = copyOf(bert);
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replaceFirst("\"num_attention_heads\": *\\d+", "\"num_attention_heads\": 0"));
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir)).isInstanceOf(CheckpointException.class)
                .hasMessage(config + ": num_attention_heads must be a positive integer, got 0");
        Files.writeString(config, original.replaceFirst("\"hidden_act\": *\"[a-z_]+\"", "\"hidden_act\": \"swiglu\""));
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(config + ": hidden_act: unsupported activation 'swiglu' (supported: gelu");
        Files.writeString(config, original.replaceFirst("\"hidden_size\": *\\d+", "\"hidden_size\": \"big\""));
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir)).isInstanceOf(CheckpointException.class)
                .hasMessage(config + ": hidden_size must be a positive integer, got \"big\"");
    }

    @Test
    void wrongShapeAndMissingWeightNameTheKey() throws IOException {
        Path dir = copyOf(bert);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ckpt.keys().forEach(k -> tensors.put(k, ckpt.tensor(k).clone()));
        }
        tensors.put("bert.encoder.layer.1.attention.self.value.weight", torch.zeros(32, 16));
        tensors.remove("bert.encoder.layer.0.output.dense.bias");
        Checkpoint.write(dir, tensors, Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        assertThatThrownBy(() -> BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.defaults()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'bert.encoder.layer.1.attention.self.value.weight': checkpoint [32, 16], model [32, 32]")
                .hasMessageContaining("missing keys: [bert.encoder.layer.0.output.dense.bias]");
    }

    @Test
    void unexpectedKeyInsideTheBaseModelIsAnError() throws IOException {
        Path dir = copyOf(bert);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ckpt.keys().forEach(k -> tensors.put(k, ckpt.tensor(k).clone()));
        }
        tensors.put("bert.encoder.layer.0.attention.self.qeury.weight", torch.zeros(32, 32));
        tensors.put("cls.predictions.bias", torch.zeros(128)); // another head's key: dropped, as HF does
        Checkpoint.write(dir, tensors, Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        assertThatThrownBy(() -> BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.defaults()))
                .hasMessageContaining("unexpected keys: [bert.encoder.layer.0.attention.self.qeury.weight]")
                .hasMessageNotContaining("cls.predictions");
    }

    @Test
    void truncatedWeightsFileIsNamed() throws IOException {
        Path dir = copyOf(bert);
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> AutoModel.fromPretrained(dir))
                .hasMessageContaining(weights.toString()).hasMessageContaining("truncated");
    }

    @Test
    void idsOutsideTheVocabularyAndOverlongSequencesAreClearErrors() {
        BertModel model = new BertModel(BertConfig.of(100, 32, 1, 4, 64));
        ModelInputs badId = new ModelInputs(Tensors.fromLongs(new long[] {2, 5, 100}, 1, 3), torch.ones(1, 3), null, null);
        assertThatThrownBy(() -> model.forward(badId))
                .hasMessageContaining("input_ids contains id 100 outside [0, 100)").hasMessageContaining("vocab_size");
        ModelInputs tooLong = new ModelInputs(torch.ones(1, 513).to(ScalarType.Long), torch.ones(1, 513), null, null);
        assertThatThrownBy(() -> model.forward(tooLong))
                .hasMessageContaining("sequence length 513 exceeds max_position_embeddings 512")
                .hasMessageContaining("truncation");
    }

    @Test
    void zeroCopyLoadingKeepsWeightsMappedAndFrozen() {
        try (var model = BertForSequenceClassification.fromPretrained(bert.dir(),
                PretrainedOptions.defaults().withZeroCopy(true))) {
            assertThat(model.namedParameters().values()).allMatch(p -> !p.requiresGrad());
            var logits = model.forward(bert.inputs(false)).logits();
            Parity.assertClose("bert-seqcls logits, zero-copy weights", logits, bert.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
        }
    }

    @Test
    void bf16LoadingConvertsEveryFloatParameter() {
        var model = BertForSequenceClassification.fromPretrained(bert.dir(),
                PretrainedOptions.defaults().withDtype(ScalarType.BFloat16));
        assertThat(StateDict.tensors(model).values()).allMatch(t -> Tensors.scalarType(t) == ScalarType.BFloat16);
        var logits = model.forward(bert.inputs(false)).logits().to(ScalarType.Float);
        Parity.assertClose("bert-seqcls logits, bf16 weights and activations", logits, bert.tensor("outputs.logits"), Tolerances.BF16_LOGITS_ABS, null);
    }
}
