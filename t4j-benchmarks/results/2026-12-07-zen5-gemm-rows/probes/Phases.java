import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertModeling.*;
import io.t4j.tokenizers.*;
import java.nio.file.Path;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class Phases {
    static double[][] acc; static int k;
    static void mark(int phase, long[] t) { long n = System.nanoTime(); acc[phase][k] = (n - t[0]) / 1e3; t[0] = n; }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        Path dir = ProbeData.model(a[0]);
        var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true));
        if (a.length > 2) torch.set_num_threads(Integer.parseInt(a[2]));
        List<BatchEncoding> singles = ProbeData.singles(dir, n);
        int L = model.bert.encoder.layer.size();
        String[] names = new String[L + 6];
        names[0] = "inputs"; names[1] = "unpad+embed"; for (int i = 0; i < L; i++) names[2 + i] = "layer" + i;
        names[L + 2] = "pad+pooler"; names[L + 3] = "classifier"; names[L + 4] = "toFloats"; names[L + 5] = "scope close";
        for (int pass = 0; pass < 4; pass++) {
            acc = new double[names.length][n];
            double[] tot = new double[n];
            for (k = 0; k < n; k++) {
                long[] t = {System.nanoTime()}; long t0 = t[0];
                try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                    ModelInputs in = ModelInputs.of(singles.get(k)); mark(0, t);
                    Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), false);
                    Tensor h = u.unpadInput(model.bert.embeddings.forward(in.inputIds(), in.tokenTypeIds())); mark(1, t);
                    for (int i = 0; i < L; i++) { h = model.bert.encoder.layer.get(i).forward(h, u); mark(2 + i, t); }
                    Tensor pooled = model.bert.pooler.forward(u.padInput(h)); mark(L + 2, t);
                    Tensor logits = model.classifier.forward(pooled); mark(L + 3, t);
                    Tensors.toFloats(logits.to(ScalarType.Float)); mark(L + 4, t);
                }
                mark(L + 5, t);
                tot[k] = (System.nanoTime() - t0) / 1e3;
            }
            StringBuilder sb = new StringBuilder("pass " + pass + " total " + String.format("%.0f", med(tot)) + " us:");
            for (int p = 0; p < names.length; p++) sb.append(String.format(" %s %.0f", names[p], med(acc[p])));
            System.out.println(sb);
        }
    }
    static double med(double[] v) { double[] s = v.clone(); Arrays.sort(s); return s[s.length / 2]; }
}
