package io.t4j.benchmarks;

import io.t4j.cli.T4j;
import io.t4j.cli.commands.TrainCommand;
import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainerControl;
import io.t4j.trainer.TrainerState;
import io.t4j.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Time to accuracy, issue 22's headline training figure: {@code t4j train} itself (the CLI command, run in this
 * process) from the embedded default checkpoint on SST-2, once per seed, timed from the command's start to the first
 * evaluation whose metric reaches the target. As in MLPerf training, the recipe evaluates at fixed steps and a run
 * stops at the first evaluation that reaches the target, or when the time limit has passed. The time includes reading
 * and tokenizing the data, loading the model and every evaluation before the target; not the JVM's start (the
 * command runs in the bench's JVM), nor the final evaluation and save the command does after training stops.
 */
public final class TtaSection {
    /**
     * The default recipe: {@code t4j train} options besides the data, {@code output_dir} and {@code seed}: the README's
     * SST-2 command with batch 64 (fewer steps: the optimizer and per-call costs are per step) for one epoch, evaluated
     * every 105 steps (a tenth of the epoch) from step 500 on, when earlier evaluations have never reached 92%.
     */
    public static final String DEFAULT_RECIPE = "--per_device_train_batch_size 64 --learning_rate 6e-5 --num_train_epochs 1 "
            + "--warmup_ratio 0.06 --weight_decay 0.01 --bf16 true --group_by_length true --eval_strategy steps "
            + "--eval_steps 105 --eval_delay 500 --logging_steps 105 --per_device_eval_batch_size 64 --save_strategy no "
            + "--disable_tqdm true";

    private TtaSection() {}

    /** One evaluation: the step, the epoch, the seconds since the command started, and the metric's value. */
    public record Evaluation(int step, double epoch, double seconds, double value) {}

    /**
     * One seed's run.
     *
     * @param seed            TrainingArguments.seed
     * @param exitCode        the command's exit code (0 when it trained and saved)
     * @param secondsToTarget seconds to the first evaluation at or above the target, or null when none reached it
     * @param evaluations     every evaluation until the run stopped, in order
     * @param seconds         the whole command, its final evaluation and save included
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
     */
    public record Report(String metric, double target, double limitSeconds, List<String> trainArgs, List<Run> runs,
                         Double medianSeconds, int reached, double load1Start, double load1End) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Run r : runs) {
                Evaluation at = r.reached() ? r.evaluations().stream().filter(e -> e.seconds() == r.secondsToTarget())
                        .findFirst().orElseThrow() : null;
                Evaluation best = r.best();
                rows.add(List.of(Integer.toString(r.seed()), r.reached() ? "**" + Table.num(r.secondsToTarget(), 0) + "**"
                                : r.stoppedByLimit() ? "not within " + Table.num(limitSeconds, 0) : "not reached",
                        at == null ? "" : at.step() + " (" + Table.num(at.epoch(), 2) + ")",
                        Integer.toString(r.reached() ? r.evaluations().indexOf(at) + 1 : r.evaluations().size()),
                        best == null ? "n/a" : Table.pct(best.value()) + " at " + Table.num(best.seconds(), 0) + " s",
                        Table.num(r.seconds(), 0), Integer.toString(r.exitCode())));
            }
            List<String> notes = new ArrayList<>();
            notes.add("median time to target over " + runs.size() + " seeds: " + (medianSeconds == null ? "not reached"
                    : Table.num(medianSeconds, 0) + " s") + "; reached by " + reached + " of " + runs.size());
            notes.add("command: `t4j train " + String.join(" ", trainArgs) + " --output_dir TMP --seed SEED`, run in "
                    + "the bench's JVM; a run stops at the first evaluation reaching the target or past the limit");
            notes.add("time from the command's start: data, tokenizing, model loading, training and every evaluation up to "
                    + "the target; the final evaluation and save after the stop are only in the last column");
            notes.add("evaluations every dev sentence; the accuracy trail per run is in the JSON; load1 "
                    + Table.num(load1Start, 2) + " at the start, " + Table.num(load1End, 2) + " at the end");
            return List.of(new Table("tta: time to " + metric + " >= " + target + " (t4j train, one run per seed)",
                    List.of("seed", "seconds to target", "step (epoch)", "evaluations", "best", "run seconds", "exit"),
                    rows, notes));
        }
    }

    /** The section on SST-2 from {@code --sst2}, with the recipe, seeds, metric, target and limit of the options. */
    public static Report run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        List<String> args = new ArrayList<>(List.of("--model", "default",
                "--train-file", o.sst2().resolve("train.tsv").toString(),
                "--validation-file", o.sst2().resolve("dev.tsv").toString(),
                "--rename", "content=sentence", "--class-names", "negative,positive"));
        args.addAll(Arrays.asList(o.ttaRecipe().trim().split("\\s+")));
        new Sst2(o.sst2()); // names a missing file before any run
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
                Watch watch = new Watch(key, target, limitSeconds);
                CommandLine cl = TrainCommand.commandLine(List.of(watch));
                cl.setExecutionExceptionHandler(T4j::handle);
                List<String> args = new ArrayList<>(trainArgs);
                args.addAll(List.of("--output_dir", out.toString(), "--seed", Integer.toString(seed)));
                int exit = cl.execute(args.toArray(String[]::new));
                Run run = watch.run(seed, exit);
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
     * The callback that times a run: each evaluation's metric with the seconds since the callback was made (just
     * before the command starts); it stops training at the first evaluation at or above the target, or at the first
     * step end or evaluation past the limit. The command's final evaluation counts only when it evaluates a step not
     * evaluated before; none counts after a stop.
     */
    static final class Watch implements TrainerCallback {
        private final String key;
        private final double target;
        private final double limitSeconds;
        private final long start = System.nanoTime();
        private final List<Evaluation> evaluations = new ArrayList<>();
        private Double secondsToTarget;
        private boolean stopped;
        private boolean stoppedByLimit;

        Watch(String key, double target, double limitSeconds) {
            this.key = key;
            this.target = target;
            this.limitSeconds = limitSeconds;
        }

        private double seconds() {
            return (System.nanoTime() - start) / 1e9;
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
