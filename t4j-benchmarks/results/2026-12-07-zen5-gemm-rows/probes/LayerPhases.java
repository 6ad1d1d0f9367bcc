import io.t4j.engine.Tensors;
import io.t4j.models.EncoderAttention;
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

public class LayerPhases {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        Path dir = ProbeData.model("bge");
        ScalarType dt = ScalarType.valueOf(a[0]);
        var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true).withDtype(dt));
        if (a.length > 2) torch.set_num_threads(Integer.parseInt(a[2]));
        List<BatchEncoding> singles = ProbeData.singles(dir, n);
        String[] names = {"qkv gemm", "padHeads", "sdpa (+casts)", "transpose+unpad", "o+add+LN", "fc1+gelu", "fc2+add+LN"};
        for (int pass = 0; pass < 3; pass++) {
            double[][] acc = new double[names.length][n];
            for (int k = 0; k < n; k++) {
                try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                    ModelInputs in = ModelInputs.of(singles.get(k));
                    Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), false);
                    Tensor h = u.unpadInput(model.bert.embeddings.forward(in.inputIds(), in.tokenTypeIds()));
                    for (BertLayer l : model.bert.encoder.layer) {
                        var sa = l.attention.self; // BertSelfAttention.forward, step by step
                        long[] t = new long[names.length + 1];
                        t[0] = System.nanoTime();
                        Tensor[] qkv = sa.query.forwardWith(h, sa.key, sa.value); t[1] = System.nanoTime();
                        Tensor q = u.padHeads(qkv[0], 12), kk = u.padHeads(qkv[1], 12), v = u.padHeads(qkv[2], 12); t[2] = System.nanoTime();
                        Tensor y = EncoderAttention.scaledDotProduct(q, kk, v, u.keyMask(), 0.0); t[3] = System.nanoTime();
                        Tensor c = u.unpadInput(y.transpose(1, 2)); t[4] = System.nanoTime();
                        Tensor at = l.attention.output.forward(c, h); t[5] = System.nanoTime();
                        Tensor i = l.intermediate.forward(at); t[6] = System.nanoTime();
                        h = l.output.forward(i, at); t[7] = System.nanoTime();
                        for (int p = 0; p < names.length; p++) acc[p][k] += (t[p + 1] - t[p]) / 1e3;
                    }
                }
            }
            StringBuilder sb = new StringBuilder(dt + " pass " + pass + " per layer (us):");
            for (int p = 0; p < names.length; p++) { double[] v = acc[p].clone(); Arrays.sort(v); sb.append(String.format(" %s %.0f", names[p], v[n / 2] / 12)); }
            System.out.println(sb);
        }
    }
}
