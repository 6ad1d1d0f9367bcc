package io.t4j.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.BaseModelOutput;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.onnx.DefaultModels.EmbeddedModel;
import io.t4j.models.onnx.OrtReference.Batch;
import io.t4j.models.testing.Parity;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported real models against ONNX Runtime Java running the original exports: last_hidden_state within {@link #ORT_ABS}
 * on the real positions of a padded batch of sentences of different lengths, same thread count on both sides.
 * The checkpoints come from {@link DefaultModels} (imported into t4j's cache on the first run).
 */
@Tag("slow")
class OnnxParityTest {
    /**
     * 12 and 6 real layers, hidden 384. Worst 4.1e-6 (all-MiniLM-L6-v2, SkylakeX) over the 9 settings of
     * scripts/test-kernels.sh; 24x, kept on purpose: ONNX Runtime's own kernels (MLAS) pick their instruction set by
     * CPUID, which none of those settings changes, so the reference side's variation is unmeasured here. A broken
     * layer moves these vectors by ~1e-1.
     */
    static final double ORT_ABS = 1e-4;

    static final List<String> SENTENCES = List.of(
            "hide new secretions from the parental units",
            "a gorgeous , witty , seductive movie .",
            "it 's a cookie-cutter movie , a cut-and-paste job .",
            "ok",
            "the film is strictly routine .",
            "this is a film well worth seeing , talking and singing heads and all .",
            "one long string of cliches .",
            "if you 've ever entertained the notion of doing what the title of this film implies , what sex with "
                    + "strangers actually shows may put you off the idea forever .",
            "Transformers4j imports ONNX BERT encoders as trainable Hugging Face checkpoints!",
            "unflinchingly bleak and desperate");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        Engine.init(); // also sets OPT_OUT_TRACKING for DJL
    }

    @Test
    void bgeSmallMatchesOnnxRuntime() throws Exception {
        assertMatchesOrt(DefaultModels.BGE_SMALL_EN_V15, DefaultModels.bgeSmallEnV15(), 12);
    }

    @Test
    void miniLmMatchesOnnxRuntime() throws Exception {
        assertMatchesOrt(DefaultModels.ALL_MINILM_L6_V2, DefaultModels.allMiniLmL6V2(), 6);
    }

    private static void assertMatchesOrt(EmbeddedModel m, Path dir, int layers) throws Exception {
        Batch batch = OrtReference.tokenize(dir.resolve("tokenizer.json"), SENTENCES);
        int threads = torch.get_num_threads();
        float[][][] expected;
        try (var ort = new OrtReference(OrtReference.extractResource(m.onnxEntry(), tmp), threads)) {
            expected = ort.lastHiddenState(batch);
        }
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode();
             BertModel model = BertModel.fromPretrained(dir)) {
            assertThat(model.config().numHiddenLayers()).isEqualTo(layers);
            Tensor actual = model.forward(batch.toModelInputs()).lastHiddenState();
            System.out.printf("%s vs ONNX Runtime (%d sentences padded to %d tokens, %d threads each):%n", m.name(),
                    batch.size(), batch.length(), threads);
            Parity.assertClose(m.name() + " last_hidden_state (real positions)", actual,
                    OrtReference.toTensor(expected), ORT_ABS, batch.realPositions());
        }
    }

    @Test
    void seedExampleThroughImportedBgeSmall() {
        Path dir = DefaultModels.bgeSmallEnV15();
        Batch batch = OrtReference.tokenize(dir.resolve("tokenizer.json"), List.of(SENTENCES.get(0)));
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode();
             BertModel model = BertModel.fromPretrained(dir)) {
            BaseModelOutput out = model.forward(batch.toModelInputs());
            System.out.println("\"" + SENTENCES.get(0) + "\" through imported bge-small-en-v1.5:");
            System.out.println("  last_hidden_state " + Tensors.shapeString(out.lastHiddenState()));
            System.out.println("  pooler_output     " + Tensors.shapeString(out.poolerOutput()));
            assertThat(Tensors.shape(out.lastHiddenState())).containsExactly(1, batch.length(), 384);
            assertThat(Tensors.shape(out.poolerOutput())).containsExactly(1, 384);
        }
    }

    @Test
    void sequenceClassificationLoadsStrictlyWithOnlyPoolerAndClassifierNew() {
        Path dir = DefaultModels.bgeSmallEnV15();
        try (PointerScope scope = new PointerScope();
             var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2));
             Checkpoint checkpoint = Checkpoint.open(dir)) {
            Set<String> loaded = checkpoint.keys().stream().map(k -> "bert." + k).collect(Collectors.toSet());
            Set<String> fresh = new HashSet<>(model.namedParameters().keySet());
            fresh.removeAll(loaded);
            assertThat(model.namedParameters().keySet()).containsAll(loaded);
            assertThat(fresh).containsExactlyInAnyOrder("bert.pooler.dense.weight", "bert.pooler.dense.bias",
                    "classifier.weight", "classifier.bias");
            String q = "encoder.layer.11.attention.self.query.weight";
            assertThat(Tensors.maxAbsDiff(model.namedParameters().get("bert." + q).data(), checkpoint.tensor(q))).isZero();
            assertThat(model.trainableParameterNames()).hasSize(loaded.size() + 4);
            assertThat(Tensors.shape(model.forward(OrtReference.tokenize(dir.resolve("tokenizer.json"),
                    List.of(SENTENCES.get(0))).toModelInputs()).logits())).containsExactly(1, 2);
        }
    }
}
