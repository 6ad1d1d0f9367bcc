import io.t4j.engine.Engine;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class Ops {
    public static void main(String[] a) {
        Engine.init();
        ScalarType dt = ScalarType.valueOf(a[0]);
        for (int threads : new int[] {2, 1, 2}) {
            torch.set_num_threads(threads);
            System.out.println(dt + " threads " + threads);
            try (InferenceMode im = new InferenceMode()) {
                Tensor x = torch.randn(25, 384).to(dt), y = torch.randn(25, 384).to(dt);
                Tensor w = torch.ones(384).to(dt), b = torch.zeros(384).to(dt);
                Tensor q = torch.randn(1, 12, 25, 32).to(dt);
                ProbeData.time("add", 2000, () -> x.add(y));
                ProbeData.time("view (reshape)", 2000, () -> x.view(1, 25, 12, 32));
                ProbeData.time("layer_norm", 2000, () -> torch.layer_norm(x, new long[] {384}, new TensorOptional(w), new TensorOptional(b), 1e-12, false));
                ProbeData.time("transpose+reshape copy", 2000, () -> q.transpose(1, 2).reshape(25, 384));
                ProbeData.time("to(float)", 2000, () -> x.to(ScalarType.Float));
                ProbeData.time("sdpa fp32", 2000, () -> torch.scaled_dot_product_attention(q.to(ScalarType.Float), q.to(ScalarType.Float), q.to(ScalarType.Float),
                        new TensorOptional(), 0.0, false, new DoubleOptional(), false));
                ProbeData.time("empty", 2000, () -> torch.empty(25, 384));
            }
        }
    }
}
