package io.t4j.trainer;

import io.t4j.engine.nn.StateDict;
import io.t4j.engine.safetensors.SafeTensorsWriter;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.distributed.DistributedContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * One rank of {@link DistributedTrainingTest}'s jobs, started by the {@code Launcher} (or by hand) with torchrun's
 * variables. Scenarios: {@code parity} trains the tiny BERT on {@link ToyData} with the Reducer, with allreduce after
 * backward, and with a resume from a checkpoint, writing rank 0's final weights; {@code die} makes
 * rank 1 halt at step 3 and records the error rank 0 ends with.
 */
public final class DdpWorker {
    static final int ROWS = 192;
    static final int STEPS = 8;

    public static void main(String[] argv) throws Exception {
        String scenario = argv[0];
        Path out = Path.of(argv[1]);
        int rank = Integer.parseInt(System.getenv("RANK"));
        try {
            switch (scenario) {
                case "parity" -> {
                    train(out.resolve("reducer"), "reducer", null, 0);
                    train(out.resolve("allreduce"), "allreduce", null, 0);
                    train(out.resolve("saved"), "reducer", null, 4);
                    train(out.resolve("resumed"), "reducer", out.resolve("saved/out/checkpoint-4"), 0);
                }
                case "die" -> trainFailing(out);
                default -> throw new IllegalArgumentException(scenario);
            }
        } catch (RuntimeException e) {
            Files.writeString(out.resolve("rank" + rank + ".error"), e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    static TrainingArguments.Builder args(Path dir, int perDevice) {
        return TrainingArguments.builder(dir.resolve("out").toString()).learningRate(1e-3).weightDecay(0.01)
                .perDeviceTrainBatchSize(perDevice).maxSteps(STEPS).loggingSteps(2.0).saveStrategy(IntervalStrategy.NO)
                .disableTqdm(true);
    }

    static BertForSequenceClassification model() {
        torch.manual_seed(7);
        return new BertForSequenceClassification(ToyData.config(0.0));
    }

    private static void train(Path dir, String comm, Path resume, int saveSteps) throws Exception {
        System.setProperty(DistributedContext.COMM_PROPERTY, comm);
        var a = args(dir, 16);
        if (saveSteps > 0) {
            a.saveStrategy(IntervalStrategy.STEPS).saveSteps((double) saveSteps);
        }
        var trainer = Trainer.builder(model(), a.build()).trainDataset(new ToyData(ROWS, 11)).build();
        TrainOutput result = trainer.train(resume == null ? null : resume.toString());
        if (trainer.isWorldProcessZero()) {
            write(trainer.model(), dir.resolve("model.safetensors"));
            Files.writeString(dir.resolve("train_loss.txt"), Double.toString(result.trainingLoss()));
            Files.writeString(dir.resolve("comm.txt"), trainer.commStats().toString());
        }
    }

    static void write(BertForSequenceClassification model, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        try (PointerScope scope = new PointerScope()) {
            SafeTensorsWriter.write(file, StateDict.tensors(model), Map.of("format", "pt"));
        }
    }

    private static void trainFailing(Path dir) {
        var a = args(dir, 16).maxSteps(50).build();
        var trainer = Trainer.builder(model(), a).trainDataset(new ToyData(ROWS, 11)).callback(new TrainerCallback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                if (state.globalStep() == 3 && !state.isWorldProcessZero()) {
                    Runtime.getRuntime().halt(7);
                }
            }
        }).build();
        trainer.train();
    }
}
