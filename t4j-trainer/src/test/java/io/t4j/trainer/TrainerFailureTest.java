package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.ModelInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence, out-of-memory retries and interrupted saves, with a user module wrapping a tiny BERT. */
class TrainerFailureTest {
    @TempDir
    Path dir;

    /** A user's own module (not a PreTrainedModel) that misbehaves on demand. */
    static final class Faulty extends Module implements ModelWithLoss {
        final BertForSequenceClassification inner;
        int calls;
        int nanAtCall = -1;
        int maxBatch = Integer.MAX_VALUE;

        Faulty() {
            torch.manual_seed(3);
            inner = register("inner", new BertForSequenceClassification(ToyData.config(0.0)));
        }

        @Override
        public SequenceClassifierOutput forward(ModelInputs in) {
            if (in.inputIds().size(0) > maxBatch) {
                throw new RuntimeException("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate "
                        + "memory: you tried to allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)");
            }
            var out = inner.forward(in);
            if (isTraining() && ++calls == nanAtCall) {
                return new SequenceClassifierOutput(out.loss().mul(new Scalar(Double.NaN)), out.logits());
            }
            return out;
        }

        @Override
        public java.util.Map<Integer, String> classLabels() {
            return inner.classLabels();
        }
    }

    private TrainingArguments.Builder args() {
        return TrainingArguments.builder(dir.resolve("out").toString()).perDeviceTrainBatchSize(8).disableTqdm(true)
                .learningRate(1e-3);
    }

    @Test
    void nanLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() {
        var m = new Faulty();
        m.nanAtCall = 3;
        var a = args().maxSteps(5).saveStrategy(IntervalStrategy.STEPS).saveSteps(2.0).build();
        var t = Trainer.builder(m, a).trainDataset(new ToyData(40, 1)).build();
        assertThatThrownBy(t::train).isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("loss is NaN at step 3")
                .hasMessageContaining("Last good checkpoint: " + Path.of(a.outputDir(), "checkpoint-2"));
        assertThat(Checkpoints.last(Path.of(a.outputDir()))).isEqualTo(Path.of(a.outputDir(), "checkpoint-2"));
        assertThat(Path.of(a.outputDir(), "checkpoint-2", "model.safetensors")).isRegularFile(); // a plain module's state dict
    }

    /** An output folder that cannot take files fails before the first step, not at the first save. */
    @Test
    void anUnwritableOutputDirFailsBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        var m = new Faulty();
        var a = TrainingArguments.builder(file.resolve("out").toString()).maxSteps(3).disableTqdm(true)
                .saveStrategy(IntervalStrategy.NO).build();
        var t = Trainer.builder(m, a).trainDataset(new ToyData(40, 1)).build();
        assertThatThrownBy(t::train).isInstanceOf(io.t4j.engine.CheckpointException.class)
                .hasMessageContaining("output_dir '" + file.resolve("out") + "' is not writable");
        assertThat(m.calls).as("forward calls before the failure").isZero();
        assertThat(t.state().globalStep()).isZero();

        Path writable = dir.resolve("new/nested/out");
        Checkpoints.requireWritable(writable);
        assertThat(dir.resolve("new")).as("folders made for the check are removed").doesNotExist();
        Path existing = Files.createDirectories(dir.resolve("existing"));
        Checkpoints.requireWritable(existing);
        try (var files = Files.list(existing)) {
            assertThat(files).as("the probe file is removed").isEmpty();
        }
    }

    /**
     * Ranks that are threads of one JVM (Spark's local mode) check the same new output_dir at once. Each check made
     * and removed the folders and wrote one probe name per process, so one rank's cleanup could remove the other's
     * folder or probe: measured, "not writable (NoSuchFileException ...)" in 2 of 26 rounds of the hanging-rank test.
     */
    @Test
    void ranksInOneJvmCheckTheSameNewOutputDirAtOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Path out = dir.resolve("race-" + round + "/nested/out");
            var start = new java.util.concurrent.CountDownLatch(1);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var checks = java.util.stream.IntStream.range(0, 2).mapToObj(i -> pool.submit(() -> {
                    start.await();
                    Checkpoints.requireWritable(out);
                    return null;
                })).toList();
                start.countDown();
                for (var c : checks) {
                    c.get(); // rethrows a failed check
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(dir.resolve("race-" + round)).as("folders made for the checks are removed").doesNotExist();
        }
    }

    /**
     * Ranks that are processes ({@code t4j train --nproc-per-node 2}) check the same new output_dir at once, without
     * the lock of one JVM: createDirectories may find the folder the other rank just made and, checking that it is a
     * folder, find it removed again (FileAlreadyExistsException; seen in CI as "not writable (... exists and is not a
     * directory)"). That is retried when nothing or a folder stands there; a file there stays an error.
     */
    @Test
    void aFolderThatVanishedOrIsThereIsARaceAFileIsNot() throws Exception {
        Path gone = dir.resolve("made-and-removed-by-another-rank");
        assertThat(Checkpoints.racedWithAnotherCheck(gone)).isTrue();
        assertThat(Checkpoints.racedWithAnotherCheck(Files.createDirectories(dir.resolve("made-by-another-rank")))).isTrue();
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(Checkpoints.racedWithAnotherCheck(file)).isFalse();
        assertThatThrownBy(() -> Checkpoints.requireWritable(file)).hasMessageContaining("exists and is not a directory");
    }

    @Test
    void autoFindBatchSizeHalvesOnOutOfMemory() {
        var m = new Faulty();
        m.maxBatch = 2;
        var a = args().maxSteps(3).autoFindBatchSize(true).build();
        var t = Trainer.builder(m, a).trainDataset(new ToyData(40, 1)).build();
        assertThat(t.train().globalStep()).isEqualTo(3);
        assertThat(t.state().trainBatchSize()).isEqualTo(2);

        var small = new Faulty();
        small.maxBatch = 2;
        var without = Trainer.builder(small, args().maxSteps(3).build()).trainDataset(new ToyData(40, 1)).build();
        assertThatThrownBy(without::train).hasMessageContaining("can't allocate memory");
        assertThat(Trainer.isOutOfMemory(new RuntimeException("index out of range"))).isFalse();
    }

    @Test
    void anInterruptedSaveLeavesNoCheckpoint() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        assertThatThrownBy(() -> Checkpoints.write(out, 9, tmp -> {
            try {
                Files.writeString(tmp.resolve("model.safetensors"), "half");
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
            throw new IllegalStateException("disk full");
        })).hasMessageContaining("disk full");
        assertThat(out.resolve("checkpoint-9")).doesNotExist();
        assertThat(Checkpoints.last(out)).isNull();
        Checkpoints.write(out, 9, tmp -> {});
        assertThat(Checkpoints.last(out)).isEqualTo(out.resolve("checkpoint-9"));
        assertThat(out.resolve("tmp-checkpoint-9")).doesNotExist();
    }

    @Test
    void gradientCheckpointingNeedsALayerStack() {
        var plain = new io.t4j.engine.nn.Linear(2, 2);
        class Head extends Module implements ModelWithLoss {
            Head() {
                register("head", plain);
            }

            @Override
            public SequenceClassifierOutput forward(ModelInputs in) {
                throw new UnsupportedOperationException();
            }
        }
        assertThatThrownBy(() -> Trainer.builder(new Head(), args().gradientCheckpointing(true).build())
                .trainDataset(new ToyData(8, 1)).build()).hasMessageContaining("Head has no layer stack that supports gradient checkpointing");
    }
}
