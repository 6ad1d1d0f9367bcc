package io.t4j.trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code speed_metrics} (trainer_utils.py): runtime (4 decimals), samples and steps per second (3 decimals). */
final class SpeedMetrics {
    private SpeedMetrics() {}

    static Map<String, Double> of(String split, long startNanos, double numSamples, double numSteps) {
        double runtime = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(split + "_runtime", round(runtime, 4));
        if (runtime > 0) {
            m.put(split + "_samples_per_second", round(numSamples / runtime, 3));
            m.put(split + "_steps_per_second", round(numSteps / runtime, 3));
        }
        return m;
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
