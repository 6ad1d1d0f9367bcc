package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.CrossEntropyLoss;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.ModelInputs;
import io.t4j.trainer.optim.AdamW;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The seed notebook's plain loop ("SentimentAnalysisModel"), written against t4j's API as a user would: a module
 * around a base model reading pooler_output, a Xavier-initialised Linear(hidden, 2), an optionally frozen base,
 * AdamW, CrossEntropyLoss, zeroGrad/forward/backward/step, a no-grad evaluation and a progress bar with postfix.
 */
class PlainLoopTest {

    static final class SentimentAnalysisModel extends Module {
        final BertModel bert;
        final Linear classifier;

        SentimentAnalysisModel(BertModel bert, boolean freezeBase) {
            this.bert = register("bert", bert);
            this.classifier = register("classifier", new Linear(bert.config().hiddenSize(), 2));
            Init.xavierUniform(classifier.weight);
            Init.zeros(classifier.bias);
            if (freezeBase) {
                bert.requiresGrad(false);
            }
        }

        Tensor forward(ModelInputs in) {
            return classifier.forward(bert.forward(in).poolerOutput());
        }
    }

    private static double accuracy(SentimentAnalysisModel model, ToyData data) {
        model.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            ModelInputs batch = data.pad(java.util.stream.IntStream.range(0, data.size()).toArray()).toModelInputs();
            Tensor predictions = model.forward(batch).argmax(new org.bytedeco.pytorch.LongOptional(-1), false);
            return predictions.eq(batch.labels()).to(torch.ScalarType.Float).mean().item_double();
        }
    }

    private static List<Double> train(SentimentAnalysisModel model, int epochs, ProgressBar bar) {
        ToyData train = new ToyData(64, 1);
        List<int[]> batches = BatchPlan.cut(java.util.stream.IntStream.range(0, 64).toArray(), 8);
        var lossFn = new CrossEntropyLoss();
        List<Double> losses = new java.util.ArrayList<>();
        try (AdamW optimizer = new AdamW(model.parameters(), 5e-3, 0.01)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                model.train();
                for (int[] rows : batches) {
                    try (PointerScope scope = new PointerScope()) {
                        ModelInputs batch = train.pad(rows).toModelInputs();
                        optimizer.zeroGrad();
                        Tensor loss = lossFn.forward(model.forward(batch), batch.labels());
                        loss.backward();
                        optimizer.step();
                        losses.add(loss.item_double());
                        bar.update(1);
                        bar.postfix("loss", losses.getLast());
                    }
                }
                bar.postfix("val_acc", accuracy(model, new ToyData(32, 2)));
            }
        }
        return losses;
    }

    @Test
    void unfrozenModelLearns() {
        torch.manual_seed(3);
        var model = new SentimentAnalysisModel(new BertModel(ToyData.config(0.0)), false);
        var sink = new PrintStream(new ByteArrayOutputStream());
        List<Double> losses;
        try (var bar = new ProgressBar("train", 48, sink, false, 3600)) {
            losses = train(model, 6, bar);
            assertThat(bar.render()).contains("48/48", "loss=", "val_acc=");
        }
        double first = losses.subList(0, 8).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(40, 48).stream().mapToDouble(d -> d).average().orElseThrow();
        assertThat(last).isLessThan(first);
    }

    @Test
    void frozenBaseGetsNoGradientsAndDoesNotMove() {
        torch.manual_seed(3);
        var model = new SentimentAnalysisModel(new BertModel(ToyData.config(0.1)), true);
        float[] baseBefore = Tensors.toFloats(model.bert.encoder.layer.get(0).output.dense.weight.data());
        float[] headBefore = Tensors.toFloats(model.classifier.weight.data());
        train(model, 1, new ProgressBar("frozen", 8, new PrintStream(new ByteArrayOutputStream()), false, 3600));
        assertThat(model.bert.parameters()).allSatisfy(p -> assertThat(p.grad().defined()).isFalse());
        assertThat(Tensors.toFloats(model.bert.encoder.layer.get(0).output.dense.weight.data())).containsExactly(baseBefore);
        assertThat(Tensors.toFloats(model.classifier.weight.data())).isNotEqualTo(headBefore);
    }
}
