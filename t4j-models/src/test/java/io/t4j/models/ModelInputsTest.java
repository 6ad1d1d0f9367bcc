package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInputsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void init() {
        Engine.init();
        TinyTokenizer.writeBert(dir, 32, 16);
    }

    @Test
    void makesInt64TensorsFromAPaddedEncoding() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir); PointerScope scope = new PointerScope()) {
            ModelInputs inputs = ModelInputs.of(tok.encode(List.of("w5 w6", "w7"), EncodeOptions.padLongest()));
            assertThat(Tensors.shape(inputs.inputIds())).containsExactly(2, 4);
            assertThat(Tensors.toLongs(inputs.inputIds())).containsExactly(2, 5, 6, 3, 2, 7, 3, 0);
            assertThat(Tensors.toLongs(inputs.attentionMask())).containsExactly(1, 1, 1, 1, 1, 1, 1, 0);
            assertThat(inputs.tokenTypeIds()).isNotNull();
            assertThat(inputs.labels()).isNull();
            ModelInputs labelled = inputs.withLabels(Tensors.fromLongs(new long[] {0, 1}, 2));
            assertThat(Tensors.toLongs(labelled.labels())).containsExactly(0, 1);
            assertThat(labelled.withoutLabels().labels()).isNull();

            BatchEncoding ragged = tok.encode(List.of("w5 w6", "w7"), EncodeOptions.defaults());
            assertThatThrownBy(() -> ModelInputs.of(ragged)).hasMessageContaining("different lengths");
        }
    }

    @Test
    void labelsGoByHfName() {
        try (PointerScope scope = new PointerScope()) {
            ModelInputs in = ModelInputs.fromArrays(1, 2, new int[] {2, 3}, new int[] {1, 1}, null)
                    .withLabel("start_positions", Tensors.fromLongs(new long[] {1}, 1))
                    .withLabel("end_positions", Tensors.fromLongs(new long[] {1}, 1))
                    .withLabel("next_sentence_label", Tensors.fromLongs(new long[] {0}, 1));
            for (String name : ModelInputs.LABEL_NAMES) {
                assertThat(in.label(name) != null).as(name).isEqualTo(!name.equals("labels"));
            }
            assertThat(in.startPositions()).isSameAs(in.label("start_positions"));
            assertThatThrownBy(() -> in.label("answers")).hasMessageContaining("unknown label name 'answers'");
        }
    }
}
