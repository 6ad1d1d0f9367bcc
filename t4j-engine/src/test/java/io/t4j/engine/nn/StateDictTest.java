package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictTest {
    @TempDir Path dir;

    /** A tiny LM: embeddings, a block, and a head tied to the embeddings. */
    static final class Tiny extends Module {
        final Embedding embed = register("embed", new Embedding(10, 4));
        final ModuleList<Linear> layers = register("layers", new ModuleList<>(2, i -> new Linear(4, 4)));
        final LayerNorm norm = register("norm", new LayerNorm(4, 1e-5));
        final Linear head = register("head", Linear.tied(embed.weight, null));
    }

    @Test
    void namesFollowTheTreeAndTiedParametersAppearOnce() {
        Tiny m = new Tiny();
        assertThat(m.namedParameters().keySet()).containsExactly(
                "embed.weight", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                "norm.weight", "norm.bias");
        assertThat(m.allParameterNames()).containsKey("head.weight");
        assertThat(m.head.weight).isSameAs(m.embed.weight);
        assertThat(m.numParameters()).isEqualTo(40 + 2 * 20 + 8);
    }

    @Test
    void roundTripsThroughSafetensorsAndKeepsTiesAfterLoading() throws Exception {
        Tiny a = new Tiny();
        Checkpoint.write(dir, StateDict.tensors(a), Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        Tiny b;
        try (var skip = Init.skip()) {
            b = new Tiny();
        }
        assertThat(b.embed.weight.isMeta()).isTrue();
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            StateDict.load(b, ckpt, StateDict.Options.strict());
        }
        // owned copies survive closing the checkpoint, and the head still shares the embeddings
        assertThat(Tensors.maxAbsDiff(a.embed.weight.data(), b.embed.weight.data())).isZero();
        assertThat(b.head.weight.data().data_ptr().address()).isEqualTo(b.embed.weight.data().data_ptr().address());
        assertThat(b.embed.weight.requiresGrad()).isTrue();
    }

    @Test
    void missingUnexpectedAndMisShapedKeysAreNamed() {
        Map<String, Tensor> bad = new LinkedHashMap<>(StateDict.tensors(new Tiny()));
        bad.remove("norm.bias");
        bad.put("layers.1.weight", torch.zeros(4, 5));
        bad.put("extra.weight", torch.zeros(1));
        Checkpoint.write(dir, bad, Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThatThrownBy(() -> StateDict.load(new Tiny(), ckpt, StateDict.Options.strict()))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("missing keys: [norm.bias]")
                    .hasMessageContaining("unexpected keys: [extra.weight]")
                    .hasMessageContaining("'layers.1.weight': checkpoint [4, 5], model [4, 4]");
        }
    }

    @Test
    void declaredExceptionsPass() {
        Map<String, Tensor> partial = new LinkedHashMap<>(StateDict.tensors(new Tiny()));
        partial.remove("norm.weight");
        partial.remove("norm.bias");
        partial.put("embed.position_ids", torch.zeros(1));
        Checkpoint.write(dir, partial, Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            var report = StateDict.load(new Tiny(), ckpt, StateDict.Options.strict()
                    .withAllowMissing(k -> k.startsWith("norm."))
                    .withIgnoreUnexpected(k -> k.endsWith("position_ids")));
            assertThat(report.newlyInitialized()).containsExactly("norm.weight", "norm.bias");
            assertThat(report.ignored()).containsExactly("embed.position_ids");
        }
    }

    @Test
    void parametersSurviveTheScopeTheModelWasBuiltIn() {
        Tiny m;
        try (PointerScope scope = new PointerScope()) {
            m = new Tiny();
        }
        assertThat(m.embed.weight.data().sum().isNull()).isFalse();
        assertThat(m.embed.weight.shape()).containsExactly(10, 4);
    }

    @Test
    void trainAndEvalPropagateAndFreezingTurnsOffGradients() {
        Tiny m = new Tiny();
        m.eval();
        assertThat(m.layers.get(1).isTraining()).isFalse();
        m.train();
        assertThat(m.norm.isTraining()).isTrue();
        m.layers.requiresGrad(false);
        assertThat(m.layers.get(0).weight.requiresGrad()).isFalse();
        assertThat(m.embed.weight.requiresGrad()).isTrue();
    }
}
