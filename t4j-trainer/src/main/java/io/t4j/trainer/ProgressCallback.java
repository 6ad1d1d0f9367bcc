package io.t4j.trainer;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * HF's {@code ProgressCallback} (trainer_callback.py): a {@link ProgressBar} over {@code max_steps} whose postfix
 * shows the last logged loss and the last evaluation metric; every log is also written as a line, as HF prints
 * {@code str(logs)}. With {@code disable_tqdm} only the log lines are printed (HF's {@code PrinterCallback}). As in
 * HF, only the world's process zero draws and prints.
 */
public final class ProgressCallback implements TrainerCallback {
    private ProgressBar bar;
    private int current;

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        current = state.globalStep();
        if (!args.disableTqdm() && state.isWorldProcessZero()) {
            bar = new ProgressBar(null, state.maxSteps());
            bar.update(current);
        }
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (bar != null) {
            bar.update(state.globalStep() - current);
        }
        current = state.globalStep();
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> logs) {
        String line = logs.entrySet().stream().filter(e -> !e.getKey().equals("total_flos"))
                .map(e -> "'" + e.getKey() + "': " + pythonRepr(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
        if (!state.isWorldProcessZero()) {
            return;
        }
        if (bar == null) {
            System.err.println(line);
            return;
        }
        if (logs.containsKey("loss")) {
            bar.postfix("loss", logs.get("loss"));
        }
        logs.forEach((k, v) -> {
            if (k.startsWith("eval_") && !k.endsWith("_runtime") && !k.endsWith("_per_second") && !k.equals("eval_loss")) {
                bar.postfix(k, v);
            }
        });
        bar.write(line);
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** A double as Python's {@code repr} prints it (HF's log lines): {@code 1.5e-05}, {@code 121000000000000.0}. */
    static String pythonRepr(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        var bd = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros(); // shortest round-trip digits
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale();
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        String plain = bd.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
