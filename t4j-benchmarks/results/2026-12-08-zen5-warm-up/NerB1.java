import io.t4j.engine.IntraOpThreads;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.pipelines.*;
import java.nio.file.*;
import java.util.*;

/** Token classification at batch 1: bge-small with a new 9-label head, the first N SST-2 dev sentences, median ms. */
public class NerB1 {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        Path dir = DefaultModels.obtain(DefaultModels.BGE_SMALL_EN_V15);
        List<String> lines = Files.readAllLines(Path.of("/work/shared/data/sst2/dev.tsv"));
        try (TokenClassificationPipeline p = Pipeline.tokenClassification(dir, PretrainedOptions.numLabels(9).withZeroCopy(true))) {
            SmallForwardWarmUp.run(p.model(), p.tokenizer(), p.model()::forward);
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                String t = lines.get(1 + i).substring(lines.get(1 + i).indexOf('\t') + 1);
                long t0 = System.nanoTime();
                p.apply(t);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("median %.2f ms, p90 %.2f; one-thread share %.2f%n", ms[n / 2], ms[n * 9 / 10],
                    IntraOpThreads.picks(p.model()).oneThreadShare());
        }
    }
}
