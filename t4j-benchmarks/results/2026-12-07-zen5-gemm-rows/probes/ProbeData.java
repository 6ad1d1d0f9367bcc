import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;

/** What the probes share (found by the source launcher beside them): an embedded model and SST-2 dev sentences one at a time. */
final class ProbeData {
    private ProbeData() {}

    /** "minilm" for all-MiniLM-L6-v2, anything else for bge-small-en-v1.5: the imported checkpoint folder. */
    static Path model(String name) {
        return DefaultModels.obtain(name.equals("minilm") ? DefaultModels.ALL_MINILM_L6_V2 : DefaultModels.BGE_SMALL_EN_V15);
    }

    /** The first {@code n} sentences of SST-2 dev ({@code SST2_DEV}, default /work/shared/data/sst2/dev.tsv), each a batch of one. */
    static List<BatchEncoding> singles(Path model, int n) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getenv().getOrDefault("SST2_DEV", "/work/shared/data/sst2/dev.tsv")));
        List<BatchEncoding> out = new ArrayList<>();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(model)) {
            for (String l : lines.subList(1, Math.min(lines.size(), n + 1))) {
                out.add(tok.encode(List.of(l.substring(l.indexOf('\t') + 1)), EncodeOptions.padLongest()));
            }
        }
        return out;
    }

    /** Times {@code op} {@code reps} times, each call in its own scope, and prints the median and 10th percentile in µs. */
    static void time(String name, int reps, Supplier<?> op) {
        double[] r = new double[reps];
        for (int i = 0; i < r.length; i++) {
            try (PointerScope s = new PointerScope()) {
                long t = System.nanoTime();
                op.get();
                r[i] = (System.nanoTime() - t) / 1e3;
            }
        }
        Arrays.sort(r);
        System.out.printf("  %-34s median %.1f us, p10 %.1f%n", name, r[reps / 2], r[reps / 10]);
    }
}
