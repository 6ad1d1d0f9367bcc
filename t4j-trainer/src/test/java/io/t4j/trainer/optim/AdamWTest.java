package io.t4j.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

    private static Parameter param(float... values) {
        return Parameter.of(Tensors.fromFloats(values, values.length));
    }

    private static void setGrad(Parameter p, float... g) {
        try (NoGradGuard ng = new NoGradGuard()) {
            p.data().mutable_grad().put(Tensors.fromFloats(g, g.length));
        }
    }

    /** The update written out by hand, in double: torch's formula for step 1 and 2. */
    @Test
    void twoStepsFollowTorchsFormula() {
        Parameter p = param(1.0f, -2.0f);
        try (AdamW opt = new AdamW(List.of(p), 0.1, 0.5)) {
            double[] x = {1.0, -2.0};
            double[] m = new double[2];
            double[] v = new double[2];
            float[][] grads = {{0.5f, -0.25f}, {-1.0f, 2.0f}};
            for (int t = 1; t <= 2; t++) {
                setGrad(p, grads[t - 1]);
                opt.step();
                for (int i = 0; i < 2; i++) {
                    double g = grads[t - 1][i];
                    x[i] *= 1 - 0.1 * 0.5;
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                    x[i] -= 0.1 / (1 - Math.pow(0.9, t)) * m[i] / denom;
                }
                float[] actual = Tensors.toFloats(p.data());
                assertThat((double) actual[0]).isCloseTo(x[0], org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) actual[1]).isCloseTo(x[1], org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(opt.stateOf(0).step()).isEqualTo(2);
        }
    }

    @Test
    void parametersWithoutGradientAreSkippedAndGetNoState() {
        Parameter used = param(1f);
        Parameter frozen = param(3f);
        frozen.requiresGrad(false);
        try (AdamW opt = new AdamW(List.of(used, frozen), 0.1, 0.01)) {
            setGrad(used, 1f);
            opt.step();
            assertThat(Tensors.toFloats(frozen.data())[0]).isEqualTo(3f); // no decay either, as torch
            assertThat(opt.stateOf(1)).isNull();
            assertThat(opt.stateOf(0).step()).isEqualTo(1);
        }
    }

    @Test
    void zeroGradSetsGradientsToNone() {
        Parameter p = param(1f);
        try (AdamW opt = new AdamW(List.of(p), 0.1, 0.0)) {
            setGrad(p, 2f);
            assertThat(p.grad().defined()).isTrue();
            opt.zeroGrad();
            assertThat(p.grad().defined()).isFalse();
        }
    }

    @Test
    void groupsHaveTheirOwnLearningRateAndDecay() {
        Parameter a = param(1f);
        Parameter b = param(1f);
        var ga = new ParamGroup(List.of(a), 0.1, 0.5);
        var gb = new ParamGroup(List.of(b), 0.1, 0.0);
        try (AdamW opt = new AdamW(List.of(ga, gb), 0.9, 0.999, 1e-8)) {
            gb.lr(0.0);
            setGrad(a, 0f);
            setGrad(b, 1f);
            opt.step();
            assertThat((double) Tensors.toFloats(a.data())[0]).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-7));
            assertThat(Tensors.toFloats(b.data())[0]).isEqualTo(1f);
        }
    }

    @Test
    void decayExcludesBiasesAndLayerNormsAsHf() {
        var model = new BertForSequenceClassification(BertConfig.of(50, 16, 1, 2, 32));
        List<String> decay = ParamGroup.decayParameterNames(model);
        assertThat(decay).contains("bert.embeddings.word_embeddings.weight", "classifier.weight",
                "bert.encoder.layer.0.attention.self.query.weight");
        assertThat(decay).noneMatch(n -> n.contains("bias") || n.contains("LayerNorm"));
        model.bert.embeddings.requiresGrad(false);
        var groups = ParamGroup.withDecayExclusions(model, 1e-3, 0.01);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).weightDecay()).isEqualTo(0.01);
        assertThat(groups.get(1).weightDecay()).isEqualTo(0.0);
        assertThat(groups.get(1).names()).contains("bert.encoder.layer.0.output.LayerNorm.weight", "classifier.bias");
        assertThat(groups.get(0).names()).noneMatch(n -> n.startsWith("bert.embeddings"));
        assertThat(groups.get(1).names()).noneMatch(n -> n.startsWith("bert.embeddings"));
    }

    @Test
    void savedStateResumesBitExactly(@TempDir Path dir) {
        float[][] grads = {{0.5f, -0.25f}, {-1.0f, 2.0f}, {0.3f, 0.1f}};
        Parameter straight = param(1f, -2f);
        try (AdamW opt = new AdamW(List.of(straight), 0.1, 0.1)) {
            for (float[] g : grads) {
                setGrad(straight, g);
                opt.step();
            }
        }
        Parameter first = param(1f, -2f);
        try (AdamW opt = new AdamW(List.of(first), 0.1, 0.1)) {
            setGrad(first, grads[0]);
            opt.step();
            opt.paramGroups().get(0).lr(0.1);
            opt.save(dir);
        }
        Parameter resumed = Parameter.of(first.data().detach().clone());
        try (AdamW opt = new AdamW(List.of(resumed), 0.5, 0.1)) {
            opt.load(dir);
            assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.1);
            for (int i = 1; i < 3; i++) {
                setGrad(resumed, grads[i]);
                opt.step();
            }
            assertThat(opt.stateOf(0).step()).isEqualTo(3);
        }
        // the same element-wise ops on the same values (state restored bit for bit): one computation, exact
        assertThat(Tensors.toFloats(resumed.data())).containsExactly(Tensors.toFloats(straight.data()));
    }

    @Test
    void loadingStateOfAnotherShapeNamesTheKey(@TempDir Path dir) {
        Parameter p = param(1f, 2f);
        try (AdamW opt = new AdamW(List.of(p), 0.1, 0.0)) {
            setGrad(p, 1f, 1f);
            opt.step();
            opt.save(dir);
        }
        try (AdamW other = new AdamW(List.of(param(1f, 2f, 3f)), 0.1, 0.0)) {
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("state.0.exp_avg").hasMessageContaining("[2]").hasMessageContaining("[3]");
        }
        try (AdamW other = new AdamW(List.of(param(1f), param(2f)), 0.1, 0.0)) {
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("param_groups[0] has 1 params");
        }
        assertThatThrownBy(() -> new AdamW(List.of(p), 0.1, 0.0).load(dir.resolve("missing")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no such file");
    }

    @Test
    void clipGradNormReturnsThePreClipNormAndScales() {
        Parameter a = param(0f, 0f);
        Parameter b = param(0f);
        Parameter none = param(0f);
        setGrad(a, 3f, 0f);
        setGrad(b, 4f);
        double norm = ClipGrad.clipGradNorm(List.of(a, b, none), 1.0);
        assertThat(norm).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-6));
        try (PointerScope s = new PointerScope()) {
            Tensor ga = a.grad();
            double after = Math.sqrt(torch.sum(ga.mul(ga)).item_double() + Math.pow(b.grad().item_double(), 2));
            assertThat(after).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(ClipGrad.clipGradNorm(List.of(none), 1.0)).isEqualTo(0.0);
    }
}
