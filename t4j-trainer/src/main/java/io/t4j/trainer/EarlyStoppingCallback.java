package io.t4j.trainer;

import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code EarlyStoppingCallback} (trainer_callback.py): stops training when {@code metric_for_best_model} has
 * not improved on {@code state.best_metric} by more than {@code threshold} for {@code patience} evaluations in a
 * row. Like HF it needs {@code load_best_model_at_end}, a {@code metric_for_best_model} and an eval strategy.
 */
public final class EarlyStoppingCallback implements TrainerCallback {
    private final int patience;
    private final double threshold;
    private int patienceCounter;

    public EarlyStoppingCallback(int patience) {
        this(patience, 0.0);
    }

    public EarlyStoppingCallback(int patience, double threshold) {
        if (patience < 1) {
            throw new IllegalArgumentException("early_stopping_patience must be >= 1, got " + patience);
        }
        this.patience = patience;
        this.threshold = threshold;
    }

    /** Evaluations in a row without improvement so far. */
    public int patienceCounter() {
        return patienceCounter;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!args.loadBestModelAtEnd()) {
            throw new IllegalStateException("EarlyStoppingCallback requires load_best_model_at_end = true");
        }
        if (args.metricForBestModel() == null) {
            throw new IllegalStateException("EarlyStoppingCallback requires metric_for_best_model to be set");
        }
        if (args.evalStrategy() == IntervalStrategy.NO) {
            throw new IllegalStateException("EarlyStoppingCallback requires eval_strategy steps or epoch");
        }
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        String key = args.metricForBestModel().startsWith("eval_") ? args.metricForBestModel() : "eval_" + args.metricForBestModel();
        Double value = metrics.get(key);
        if (value == null) {
            LoggerFactory.getLogger(EarlyStoppingCallback.class).warn(
                    "early stopping required metric_for_best_model, but did not find {} so early stopping is disabled", key);
            return;
        }
        Double best = state.bestMetric();
        boolean better = best == null || ((args.greaterIsBetter() ? value > best : value < best) && Math.abs(value - best) > threshold);
        patienceCounter = better ? 0 : patienceCounter + 1;
        if (patienceCounter >= patience) {
            control.shouldTrainingStop(true);
        }
    }
}
