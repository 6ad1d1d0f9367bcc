package io.t4j.benchmarks;

import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainerControl;
import io.t4j.trainer.TrainerState;
import io.t4j.trainer.TrainingArguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Time to accuracy, issue 22's headline training figure: {@code t4j train} itself (the CLI command, each run in a
 * fresh JVM as a user starts it) from the embedded default checkpoint on SST-2, once per seed, timed from the process's
 * start to the first evaluation whose metric reaches the target. As in MLPerf training, the recipe evaluates at fixed
 * steps and a run stops at the first evaluation that reaches the target, or when the time limit has passed. The time
 * includes the JVM's start, reading and tokenizing the data, loading the model and every evaluation before the
 * target; not the final evaluation and save the command does after training stops.
 */
public final class TtaSection {
    /**
     * The default recipe: {@code t4j train} options besides the data, {@code output_dir} and {@code seed}: one epoch at
     * batch 32, lr 6e-5 on a cosine schedule after 6% warmup, bf16, length-grouped batches, evaluated every 210 steps (a
     * tenth of the epoch) from step 1,000 on, before which no run has reached 92%. Of the recipes measured on seeds
     * 1-3 (BENCHMARKS.md, "Time to accuracy") the only one that reached 92% on two of them; the README's SST-2 command
     * (linear schedule, lr 5e-5) reached it on one.
     */
    public static final String DEFAULT_RECIPE = "--per_device_train_batch_size 32 --learning_rate 6e-5 "
            + "--lr_scheduler_type cosine --num_train_epochs 1 --warmup_ratio 0.06 --weight_decay 0.01 --bf16 true "
            + "--group_by_length true --eval_strategy steps --eval_steps 210 --eval_delay 1000 --logging_steps 210 "
            + "--per_device_eval_batch_size 64 --save_strategy no --disable_tqdm true";

    private TtaSection() {}

    /** One evaluation: the step, the epoch, the seconds since the process started, and the metric's value. */
    public record Evaluation(int step, double epoch, double seconds, double value) {}

    /**
     * One seed's run.
     *
     * @param seed            TrainingArguments.seed
     * @param exitCode        the command's exit code (0 when it trained and saved)
     * @param secondsToTarget seconds to the first evaluation at or above the target, or null when none reached it
     * @param evaluations     every evaluation until the run stopped, in order
     * @param seconds         the process's whole life, the command's final evaluation and save included
     * @param stoppedByLimit  whether the time limit stopped it
     */
    public record Run(int seed, int exitCode, Double secondsToTarget, List<Evaluation> evaluations, double seconds,
                      boolean stoppedByLimit) {
        public boolean reached() {
            return secondsToTarget != null;
        }

        /** The best evaluation, or null when there was none. */
        public Evaluation best() {
            return evaluations.stream().max(Comparator.comparingDouble(Evaluation::value)).orElse(null);
        }
    }

    /**
     * The section's result.
     *
     * @param metric        the metric key ({@code eval_accuracy})
     * @param target        the value to reach
     * @param limitSeconds  the time limit per run
     * @param trainArgs     the {@code t4j train} arguments (each run adds {@code --output_dir} and {@code --seed})
     * @param runs          one per seed
     * @param medianSeconds the median time to target over all seeds, a run that missed counting as slower than any that
     *                      reached it; null when the median run missed
     * @param reached       how many runs reached the target
     * @param load1Start    the 1-minute load average before the first run
     * @param load1End      and after the last
     */
    public record Report(String metric, double target, double limitSeconds, List<String> trainArgs, List<Run> runs,
                         Double medianSeconds, int reached, double load1Start, double load1End) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Run r : runs) {
                Evaluation at = r.reached() ? r.evaluations().getLast() : null; // a run records nothing after the target
                Evaluation best = r.best();
                rows.add(List.of(Integer.toString(r.seed()), r.reached() ? "**" + Table.num(r.secondsToTarget(), 0) + "**"
                                : r.stoppedByLimit() ? "not within " + Table.num(limitSeconds, 0) : "not reached",
                        at == null ? "" : at.step() + " (" + Table.num(at.epoch(), 2) + ")",
                        Integer.toString(r.evaluations().size()),
                        best == null ? "n/a" : Table.num(100 * best.value(), 2) + "% at " + Table.num(best.seconds(), 0) + " s",
                        Table.num(r.seconds(), 0), Integer.toString(r.exitCode())));
            }
            List<String> notes = new ArrayList<>();
            notes.add("median time to target over " + runs.size() + " seeds: " + (medianSeconds == null ? "not reached"
                    : Table.num(medianSeconds, 0) + " s") + "; reached by " + reached + " of " + runs.size());
            notes.add("command: `t4j train " + String.join(" ", trainArgs) + " --output_dir TMP --seed SEED`, a JVM "
                    + "per run; a run stops at the first evaluation reaching the target or past the limit");
            notes.add("time from the process's start: the JVM, data, tokenizing, model loading, training and every "
                    + "evaluation up to the target; the final evaluation and save after the stop are only in the run's total");
            notes.add("each evaluation covers the whole dev set; the accuracy trail per run is in the JSON; load1 "
                    + Table.num(load1Start, 2) + " at the start, " + Table.num(load1End, 2) + " at the end");
            return List.of(new Table("tta: time to " + metric + " >= " + target + " (t4j train, one run per seed)",
                    List.of("seed", "seconds to target", "step (epoch)", "evaluations", "best", "run seconds", "exit"),
                    rows, notes));
        }
    }

    /** The section on SST-2 from {@code --sst2}, with the recipe, seeds, metric, target and limit of the options. */
    public static Report run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        new Sst2(o.sst2()); // names a missing file before any run
        List<String> args = new ArrayList<>(List.of("--model", "default",
                "--train-file", o.sst2().resolve("train.tsv").toString(),
                "--validation-file", o.sst2().resolve("dev.tsv").toString(),
                "--rename", "content=sentence", "--class-names", "negative,positive"));
        args.addAll(Arrays.asList(o.ttaRecipe().trim().split("\\s+")));
        return measure(args, o.ttaSeeds(), o.ttaMetric(), o.ttaTarget(), o.ttaLimitSeconds());
    }

    /** Runs {@code t4j train trainArgs --output_dir TMP --seed S} for each seed and times it to the target. */
    static Report measure(List<String> trainArgs, List<Integer> seeds, String metric, double target, double limitSeconds) {
        String key = metric.startsWith("eval_") ? metric : "eval_" + metric;
        double load1Start = Proc.load1();
        List<Run> runs = new ArrayList<>();
        for (int seed : seeds) {
            Path out = TempFiles.dir("t4j-bench-tta", "the tta section's output_dir");
            try {
                Progress.say("tta: seed %d of %s, until %s >= %s or %.0f s", seed, seeds, key, target, limitSeconds);
                List<String> args = new ArrayList<>(trainArgs);
                args.addAll(List.of("--output_dir", out.toString(), "--seed", Integer.toString(seed)));
                Run run = child(args, seed, key, target, limitSeconds, out.resolve("tta-run.json"));
                if (!run.evaluations().isEmpty() && run.evaluations().stream().allMatch(e -> Double.isNaN(e.value()))) {
                    throw new IllegalArgumentException("--tta-metric: the evaluations report no " + key);
                }
                Progress.say("tta: seed %d %s", seed, run.reached() ? "reached it at " + Table.num(run.secondsToTarget(), 0)
                        + " s" : "did not reach it");
                runs.add(run);
            } finally {
                TempFiles.deleteTree(out);
            }
        }
        return new Report(key, target, limitSeconds, List.copyOf(trainArgs), runs, median(runs), (int) runs.stream()
                .filter(Run::reached).count(), load1Start, Proc.load1());
    }

    /**
     * One run in a child JVM ({@link TtaWorker}, this JVM's flags and class path): its stderr (the training log) goes
     * to ours, its stdout (the command's final metrics) nowhere; the run comes back as JSON. The seconds count from
     * just before the process starts; the run's total is the process's whole life.
     */
    private static Run child(List<String> trainArgs, int seed, String key, double target, double limitSeconds, Path json) {
        List<String> cmd = Proc.javaLikeThis(TtaWorker.class);
        long launched = System.currentTimeMillis();
        cmd.addAll(List.of(Long.toString(launched), key, Double.toString(target), Double.toString(limitSeconds),
                Integer.toString(seed), json.toString()));
        cmd.addAll(trainArgs);
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int rc = p.waitFor();
            double seconds = (System.currentTimeMillis() - launched) / 1000.0;
            if (rc != 0 || !Files.isRegularFile(json)) {
                throw new IllegalArgumentException("tta: t4j train exited with " + rc + " for seed " + seed
                        + " (its message is above); arguments: " + String.join(" ", trainArgs));
            }
            Run run = Bench.JSON.readValue(json.toFile(), Run.class);
            return new Run(run.seed(), rc, run.secondsToTarget(), run.evaluations(), seconds, run.stoppedByLimit());
        } catch (IOException e) {
            throw new UncheckedIOException("tta: cannot run or read the run of seed " + seed + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tta: interrupted", e);
        }
    }

    /** The median time to target, a run that missed counting as slower than any that reached it; null if it missed. */
    static Double median(List<Run> runs) {
        if (runs.isEmpty()) {
            return null;
        }
        double[] t = runs.stream().mapToDouble(r -> r.reached() ? r.secondsToTarget() : Double.POSITIVE_INFINITY)
                .sorted().toArray();
        int n = t.length;
        double m = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
        return Double.isFinite(m) ? m : null;
    }

    /**
     * The callback that times a run: each evaluation's metric with the seconds since {@code startMillis} (wall clock:
     * the parent's time just before it started this JVM); it stops training at the first evaluation at or above the target, or at the first
     * step end or evaluation past the limit. The command's final evaluation counts only when it evaluates a step not
     * evaluated before; none counts after a stop.
     */
    static final class Watch implements TrainerCallback {
        private final String key;
        private final double target;
        private final double limitSeconds;
        private final long startMillis;
        private final List<Evaluation> evaluations = new ArrayList<>();
        private Double secondsToTarget;
        private boolean stopped;
        private boolean stoppedByLimit;

        Watch(String key, double target, double limitSeconds, long startMillis) {
            this.key = key;
            this.startMillis = startMillis;
            this.target = target;
            this.limitSeconds = limitSeconds;
        }

        private double seconds() {
            return (System.currentTimeMillis() - startMillis) / 1000.0;
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (!stopped && seconds() > limitSeconds) {
                stopped = stoppedByLimit = true;
                control.shouldTrainingStop(true);
            }
        }

        @Override
        public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
            if (stopped || !evaluations.isEmpty() && evaluations.getLast().step() == state.globalStep()) {
                return; // the command's final evaluation of a model already evaluated
            }
            double s = seconds();
            double value = metrics.getOrDefault(key, Double.NaN);
            evaluations.add(new Evaluation(state.globalStep(), state.epoch(), s, value));
            if (value >= target) {
                secondsToTarget = s;
                stopped = true;
                control.shouldTrainingStop(true);
            } else if (s > limitSeconds) {
                stopped = stoppedByLimit = true;
                control.shouldTrainingStop(true);
            }
        }

        Run run(int seed, int exitCode) {
            return new Run(seed, exitCode, secondsToTarget, List.copyOf(evaluations), seconds(), stoppedByLimit);
        }
    }
}
