package io.t4j.trainer;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.t4j.engine.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code TrainerState} (trainer_callback.py): the loop's progress, saved as {@code trainer_state.json} in each
 * checkpoint (keys sorted, as HF writes it). One step is one optimizer update.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder(alphabetic = true)
public final class TrainerState {
    public static final String FILE_NAME = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Double epoch;
    private int globalStep;
    private int maxSteps;
    private int loggingSteps = 500;
    private int evalSteps = 500;
    private int saveSteps = 500;
    private Integer trainBatchSize;
    private int numTrainEpochs;
    private long numInputTokensSeen;
    private double totalFlos;
    private List<LogEntry> logHistory = new ArrayList<>();
    private Double bestMetric;
    private String bestModelCheckpoint;
    private boolean isLocalProcessZero = true;
    private boolean isWorldProcessZero = true;
    private boolean isHyperParamSearch;

    /** HF's {@code compute_steps}: logging/eval/save steps below 1 are ratios of {@code max_steps}, rounded up. */
    void computeSteps(TrainingArguments args, int maxSteps) {
        this.maxSteps = maxSteps;
        loggingSteps = absolute(args.loggingSteps(), maxSteps, loggingSteps);
        evalSteps = absolute(args.evalSteps(), maxSteps, evalSteps);
        saveSteps = absolute(args.saveSteps(), maxSteps, saveSteps);
    }

    private static int absolute(Double steps, int maxSteps, int fallback) {
        if (steps == null) {
            return fallback;
        }
        return steps < 1 ? (int) Math.ceil(maxSteps * steps) : (int) Math.round(steps);
    }

    /** Fractional epochs done, or null before training. */
    public Double epoch() { return epoch; }
    public int globalStep() { return globalStep; }
    public int maxSteps() { return maxSteps; }
    public int loggingSteps() { return loggingSteps; }
    public int evalSteps() { return evalSteps; }
    public int saveSteps() { return saveSteps; }
    public Integer trainBatchSize() { return trainBatchSize; }
    public int numTrainEpochs() { return numTrainEpochs; }
    public double totalFlos() { return totalFlos; }
    public List<LogEntry> logHistory() { return Collections.unmodifiableList(logHistory); }
    public Double bestMetric() { return bestMetric; }
    public String bestModelCheckpoint() { return bestModelCheckpoint; }
    /** HF's {@code is_local_process_zero}: this process is rank 0 of its node. */
    public boolean isLocalProcessZero() { return isLocalProcessZero; }
    /** HF's {@code is_world_process_zero}: this process is rank 0 of the job (it logs, evaluates and saves). */
    public boolean isWorldProcessZero() { return isWorldProcessZero; }

    void processZero(boolean local, boolean world) {
        this.isLocalProcessZero = local;
        this.isWorldProcessZero = world;
    }

    void epoch(double e) { epoch = e; }
    void globalStep(int s) { globalStep = s; }
    void trainBatchSize(int b) { trainBatchSize = b; }
    void numTrainEpochs(int n) { numTrainEpochs = n; }
    void addFlos(double f) { totalFlos += f; }
    void best(double metric, String checkpoint) {
        bestMetric = metric;
        bestModelCheckpoint = checkpoint;
    }

    void bestModelCheckpoint(String checkpoint) {
        bestModelCheckpoint = checkpoint;
    }

    void log(Map<String, Double> logs) {
        logHistory.add(new LogEntry(logs, globalStep));
    }

    public void save(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(this) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write trainer state: " + e.getMessage(), e);
        }
    }

    public static TrainerState load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such file (not a Trainer checkpoint)");
        }
        try {
            return JSON.readValue(file.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new CheckpointException(file + ": corrupt trainer state: " + e.getMessage(), e);
        }
    }
}
