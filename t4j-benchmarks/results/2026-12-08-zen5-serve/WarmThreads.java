import io.t4j.models.PretrainedOptions;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.pipelines.*;
import java.nio.file.*;
import java.util.*;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** RSS after warm-up + 872 dev sentences at batch 1: warm-up on another thread than the traffic ("other"), on the same ("same"), or none; dtype BFloat16 unless a second argument names another (Float). */
public class WarmThreads {
    static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024; return -1; }
    public static void main(String[] a) throws Exception {
        String mode = a[0];
        ScalarType dtype = a.length > 1 ? ScalarType.valueOf(a[1]) : ScalarType.BFloat16;
        Path dir = DefaultModels.obtain(DefaultModels.BGE_SMALL_EN_V15);
        List<String> lines = Files.readAllLines(Path.of("/work/shared/data/sst2/dev.tsv"));
        try (TextClassificationPipeline p = Pipeline.textClassification(dir, PretrainedOptions.numLabels(2).withZeroCopy(true).withDtype(dtype))) {
            Runnable warm = () -> SmallForwardWarmUp.run(p.model(), p.tokenizer(), p.model()::forward);
            Runnable traffic = () -> { for (String l : lines.subList(1, lines.size())) p.apply(l.substring(l.indexOf('\t') + 1)); };
            long r0 = rss();
            if (mode.equals("other")) { warm.run(); }
            long r1 = rss();
            Thread t = new Thread(() -> { if (mode.equals("same")) warm.run(); traffic.run(); traffic.run(); });
            t.start(); t.join();
            System.gc();
            System.out.printf(dtype + " %s: RSS loaded %d MB, after warm-up (main) %d, after traffic %d MB%n", mode, r0, r1, rss());
        }
    }
}
