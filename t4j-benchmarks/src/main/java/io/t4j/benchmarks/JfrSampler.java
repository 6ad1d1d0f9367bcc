package io.t4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a thread's time goes, from JFR's thread sampler: {@code jdk.ExecutionSample} samples threads running Java
 * code, {@code jdk.NativeMethodSample} threads inside a native method (for t4j: inside libtorch, reached through
 * JavaCPP's JNI). Both sample every 10 ms, so for one thread the share of Java samples is the share of its
 * running time spent in Java (our code, JavaCPP's wrappers, the JVM) rather than in native code. A thread that is
 * blocked or parked (waiting for a batch) is in neither.
 */
public final class JfrSampler {
    private JfrSampler() {}

    /**
     * Samples of one phase of the step.
     *
     * @param phase  the phase, from the innermost recognised frame
     * @param java   samples in Java code
     * @param nativ  samples in native code
     */
    public record PhaseSamples(String phase, int java, int nativ) {}

    /**
     * The samples of one thread.
     *
     * @param thread        thread name
     * @param javaSamples   jdk.ExecutionSample events
     * @param nativeSamples jdk.NativeMethodSample events
     * @param phases        per phase of the training step
     * @param topJavaFrames the methods at the top of the most Java samples, with counts
     */
    public record ThreadSamples(String thread, int javaSamples, int nativeSamples, List<PhaseSamples> phases,
                                Map<String, Integer> topJavaFrames) {
        /** Java samples / all samples (NaN without samples). */
        public double javaShare() {
            return (double) javaSamples / (javaSamples + nativeSamples);
        }
    }

    /**
     * Frame patterns (class + "." + method prefixes) naming a phase, in priority order: a sample belongs to the
     * first pattern that any frame of its stack matches (so AdamW's own scope closing counts as the optimizer).
     */
    static final List<Map.Entry<String, String>> PHASE_PATTERNS = List.of(
            Map.entry("io.t4j.trainer.optim.AdamW.zeroGrad", "zero_grad"),
            Map.entry("io.t4j.trainer.optim.AdamW.step", "optimizer.step"),
            Map.entry("io.t4j.trainer.optim.ClipGrad.", "clip_grad_norm"),
            Map.entry("org.bytedeco.pytorch.Tensor.backward", "backward"),
            Map.entry("io.t4j.data.PaddedBatch.toModelInputs", "tensors from arrays"),
            Map.entry("io.t4j.data.DataCollatorWithPadding.pad", "collate (arrays)"),
            Map.entry("io.t4j.trainer.Trainer.checkLabels", "label check"),
            Map.entry("io.t4j.models.", "forward + loss"),
            Map.entry("io.t4j.engine.nn.", "forward + loss"),
            Map.entry("org.bytedeco.javacpp.PointerScope.close", "free step tensors"),
            Map.entry("io.t4j.trainer.Trainer.trainingStep", "loss.item() and other step bookkeeping"));

    /** Runs {@code work} under a recording and returns the samples of {@code threads}. */
    public static List<ThreadSamples> sample(Runnable work, List<String> threads) {
        Path file = null;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            r.start();
            work.run();
            r.stop();
            file = Files.createTempFile("t4j-bench", ".jfr");
            r.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            return threads.stream().map(t -> summarize(t, events)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("JFR recording for the step profile failed: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    static ThreadSamples summarize(String thread, List<RecordedEvent> events) {
        int java = 0;
        int nativ = 0;
        Map<String, int[]> phases = new LinkedHashMap<>();
        Map<String, Integer> top = new TreeMap<>();
        for (RecordedEvent e : events) {
            var t = e.getThread("sampledThread");
            if (t == null || !thread.equals(t.getJavaName()) || e.getStackTrace() == null) {
                continue;
            }
            boolean isNative = e.getEventType().getName().equals("jdk.NativeMethodSample");
            if (isNative) {
                nativ++;
            } else {
                java++;
                top.merge(name(e.getStackTrace().getFrames().getFirst()), 1, Integer::sum);
            }
            phases.computeIfAbsent(phase(e.getStackTrace()), k -> new int[2])[isNative ? 1 : 0]++;
        }
        List<PhaseSamples> list = phases.entrySet().stream().map(en -> new PhaseSamples(en.getKey(), en.getValue()[0],
                en.getValue()[1])).sorted((a, b) -> Integer.compare(b.java() + b.nativ(), a.java() + a.nativ())).toList();
        Map<String, Integer> topJava = top.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(8).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        return new ThreadSamples(thread, java, nativ, list, topJava);
    }

    static String phase(RecordedStackTrace stack) {
        List<String> frames = stack.getFrames().stream().map(JfrSampler::name).toList();
        for (Map.Entry<String, String> p : PHASE_PATTERNS) {
            if (frames.stream().anyMatch(f -> f.startsWith(p.getKey()))) {
                return p.getValue();
            }
        }
        return "other";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
