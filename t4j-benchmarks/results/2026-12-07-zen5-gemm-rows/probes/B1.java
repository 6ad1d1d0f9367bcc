import io.t4j.engine.IntraOpThreads;
import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.tokenizers.*;
import java.nio.file.Path;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class B1 {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        Path dir = ProbeData.model(a[0]);
        var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true)
                .withDtype(a.length > 2 ? ScalarType.valueOf(a[2]) : ScalarType.Float));
        List<BatchEncoding> singles = ProbeData.singles(dir, n);
        Set<Integer> lens = new TreeSet<>();
        singles.forEach(b -> lens.add(b.inputIds()[0].length));
        System.out.println(n + " sentences, " + lens.size() + " distinct lengths");
        for (int pass = 0; pass < 4; pass++) {
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                var b = singles.get(i);
                try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode();
                     IntraOpThreads th = IntraOpThreads.forTokens(b.inputIds()[0].length, model)) {
                    Tensors.toFloats(model.forward(ModelInputs.of(b)).logits().to(ScalarType.Float));
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double[] s = ms.clone(); Arrays.sort(s);
            System.out.printf("pass %d: median %.2f ms, p10 %.2f, p90 %.2f, mean %.2f%n", pass, s[n / 2], s[n / 10], s[n * 9 / 10],
                    Arrays.stream(ms).average().orElse(0));
        }
    }
}
