import io.t4j.engine.IntraOpThreads;
import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.*;
import io.t4j.tokenizers.*;
import java.nio.file.Path;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The real chooser on MiniLM batch-1 forwards: which arm each forward took and its time. */
public class Chooser {
    public static void main(String[] a) throws Exception {
        Path dir = ProbeData.model(a[0]);
        var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true));
        List<BatchEncoding> singles = ProbeData.singles(dir, 100);
        StringBuilder sb = new StringBuilder();
        long prevOne = 0;
        for (int pass = 0; pass < 4; pass++) {
            for (BatchEncoding b : singles) {
                long tokens = b.inputIds()[0].length;
                long t0 = System.nanoTime();
                try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode();
                     IntraOpThreads th = IntraOpThreads.forTokens(tokens, model)) {
                    Tensors.toFloats(model.forward(ModelInputs.of(b)).logits().to(ScalarType.Float));
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                long one = IntraOpThreads.picks(model).oneThread();
                sb.append(one > prevOne ? "1" : "A").append(String.format("%d:%.1f ", tokens, ms));
                prevOne = one;
            }
            System.out.println("pass " + pass + ": " + sb);
            sb.setLength(0);
        }
    }
}
