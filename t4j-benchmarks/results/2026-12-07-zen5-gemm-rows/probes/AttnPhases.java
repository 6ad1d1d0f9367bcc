import io.t4j.models.EncoderAttention;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertModeling.*;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.*;
import java.nio.file.*;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class AttnPhases {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        List<String> lines = Files.readAllLines(Path.of("/work/shared/data/sst2/dev.tsv"));
        List<String> texts = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) texts.add(l.substring(l.indexOf('\t') + 1));
        Path dir = DefaultModels.obtain(DefaultModels.BGE_SMALL_EN_V15);
        ScalarType dt = ScalarType.valueOf(a[0]);
        var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true).withDtype(dt));
        List<BatchEncoding> singles = new ArrayList<>();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            for (String t : texts.subList(0, n)) singles.add(tok.encode(List.of(t), EncodeOptions.padLongest()));
        }
        String[] names = {"qkv gemm", "padHeads", "sdpa (+casts)", "transpose+unpad"};
        for (int pass = 0; pass < 3; pass++) {
            double[][] acc = new double[4][n];
            for (int k = 0; k < n; k++) {
                try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                    ModelInputs in = ModelInputs.of(singles.get(k));
                    Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds(), false);
                    Tensor h = u.unpadInput(model.bert.embeddings.forward(in.inputIds(), in.tokenTypeIds()));
                    for (BertLayer l : model.bert.encoder.layer) {
                        var sa = l.attention.self;
                        long t0 = System.nanoTime();
                        Tensor[] qkv = sa.query.forwardWith(h, sa.key, sa.value); long t1 = System.nanoTime();
                        Tensor q = u.padHeads(qkv[0], 12), kk = u.padHeads(qkv[1], 12), v = u.padHeads(qkv[2], 12); long t2 = System.nanoTime();
                        Tensor y = EncoderAttention.scaledDotProduct(q, kk, v, u.keyMask(), 0.0); long t3 = System.nanoTime();
                        Tensor c = u.unpadInput(y.transpose(1, 2)); long t4 = System.nanoTime();
                        acc[0][k] += (t1 - t0) / 1e3; acc[1][k] += (t2 - t1) / 1e3; acc[2][k] += (t3 - t2) / 1e3; acc[3][k] += (t4 - t3) / 1e3;
                        h = l.output.forward(l.intermediate.forward(l.attention.output.forward(c, h)), l.attention.output.forward(c, h));
                    }
                }
            }
            StringBuilder sb = new StringBuilder(dt + " pass " + pass + " per layer (us):");
            for (int p = 0; p < 4; p++) { double[] v = acc[p].clone(); Arrays.sort(v); sb.append(String.format(" %s %.0f", names[p], v[n / 2] / 12)); }
            System.out.println(sb);
        }
    }
}
