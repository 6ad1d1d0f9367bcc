package io.t4j.trainer.optim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.CheckpointException;
import java.nio.file.Path;

/**
 * HF's {@code get_scheduler} (optimization.py): a {@code LambdaLR} that sets every group's lr to
 * {@code initial_lr * lambda(step)}. As in torch, construction applies {@code lambda(0)} and each {@link #step()}
 * (called after each optimizer step) advances to the next value, so after {@code n} optimizer steps the lr is
 * {@code initial_lr * lambda(n)}. Lambdas:
 * <ul>
 *   <li>warmup (all but constant): {@code step / max(1, warmup)} while {@code step < warmup};</li>
 *   <li>linear: {@code max(0, (total - step) / max(1, total - warmup))};</li>
 *   <li>cosine: {@code max(0, 0.5 * (1 + cos(pi * 2 * 0.5 * progress)))}, progress =
 *       {@code (step - warmup) / max(1, total - warmup)};</li>
 *   <li>constant: 1; constant_with_warmup: 1 after warmup.</li>
 * </ul>
 * State ({@code last_epoch}) is saved as {@code scheduler.json}; Python's {@code scheduler.pt} pickle is not
 * written.
 */
public final class LrScheduler {
    public static final String FILE_NAME = "scheduler.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdamW optimizer;
    private final SchedulerType type;
    private final int warmupSteps;
    private final int trainingSteps;
    private int lastEpoch;

    /** {@code get_scheduler(type, optimizer, num_warmup_steps, num_training_steps)}. */
    public LrScheduler(AdamW optimizer, SchedulerType type, int warmupSteps, int trainingSteps) {
        if (warmupSteps < 0 || trainingSteps < 0) {
            throw new IllegalArgumentException("num_warmup_steps (" + warmupSteps + ") and num_training_steps ("
                    + trainingSteps + ") must be >= 0");
        }
        this.optimizer = optimizer;
        this.type = type;
        this.warmupSteps = warmupSteps;
        this.trainingSteps = trainingSteps;
        this.lastEpoch = 0;
        apply();
    }

    /**
     * HF's {@code TrainingArguments.get_warmup_steps}: {@code warmup_steps} if positive, else
     * {@code ceil(num_training_steps * warmup_ratio)}.
     */
    public static int warmupSteps(int warmupSteps, double warmupRatio, int trainingSteps) {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(trainingSteps * warmupRatio);
    }

    /** The multiplier of {@code initial_lr} after {@code step} optimizer steps. */
    public double lambda(int step) {
        if (type == SchedulerType.CONSTANT) {
            return 1.0;
        }
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return switch (type) {
            case LINEAR -> Math.max(0.0, (double) (trainingSteps - step) / Math.max(1, trainingSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, trainingSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
            default -> 1.0;
        };
    }

    /** Advances one optimizer step and sets the groups' lr. */
    public void step() {
        lastEpoch++;
        apply();
    }

    private void apply() {
        double factor = lambda(lastEpoch);
        optimizer.paramGroups().forEach(g -> g.lr(g.initialLr() * factor));
    }

    /** {@code get_last_lr()[0]}: the first group's current lr (what HF logs as learning_rate). */
    public double lastLr() {
        return optimizer.paramGroups().getFirst().lr();
    }

    /** Optimizer steps taken so far (torch's {@code last_epoch}). */
    public int lastEpoch() {
        return lastEpoch;
    }

    public void save(Path dir) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type.value()).put("last_epoch", lastEpoch).put("num_warmup_steps", warmupSteps)
                .put("num_training_steps", trainingSteps);
        var lrs = n.putArray("_last_lr");
        optimizer.paramGroups().forEach(g -> lrs.add(g.lr()));
        OptimizerCheckpoint.writeJson(dir.resolve(FILE_NAME), n);
    }

    /** Restores {@code last_epoch} and re-applies the lr; the schedule's settings must match. */
    public void load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        var n = OptimizerCheckpoint.readJson(file);
        if (!n.path("last_epoch").canConvertToInt()) {
            throw new CheckpointException(file + ": no integer \"last_epoch\"");
        }
        String savedType = n.path("type").asText();
        if (!savedType.equals(type.value()) || n.path("num_training_steps").asInt() != trainingSteps
                || n.path("num_warmup_steps").asInt() != warmupSteps) {
            throw new CheckpointException(file + ": saved schedule " + savedType + " (warmup " + n.path("num_warmup_steps")
                    + ", total " + n.path("num_training_steps") + ") differs from this run's " + type.value() + " (warmup "
                    + warmupSteps + ", total " + trainingSteps + ")");
        }
        lastEpoch = n.get("last_epoch").asInt();
        apply();
    }
}
