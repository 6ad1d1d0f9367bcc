import io.t4j.engine.Engine;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class Ops {
    interface Op { Tensor run(); }
    static void time(String name, Op op) {
        double[] r = new double[2000];
        for (int i = 0; i < r.length; i++) {
            try (PointerScope s = new PointerScope()) {
                long t = System.nanoTime(); op.run(); r[i] = (System.nanoTime() - t) / 1e3;
            }
        }
        Arrays.sort(r);
        System.out.printf("  %-28s median %.1f us, p10 %.1f%n", name, r[1000], r[200]);
    }
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
                time("add", () -> x.add(y));
                time("view (reshape)", () -> x.view(1, 25, 12, 32));
                time("layer_norm", () -> torch.layer_norm(x, new long[] {384}, new TensorOptional(w), new TensorOptional(b), 1e-12, false));
                time("transpose+reshape copy", () -> q.transpose(1, 2).reshape(25, 384));
                time("to(float)", () -> x.to(ScalarType.Float));
                time("sdpa fp32", () -> torch.scaled_dot_product_attention(q.to(ScalarType.Float), q.to(ScalarType.Float), q.to(ScalarType.Float),
                        new TensorOptional(), 0.0, false, new DoubleOptional(), false));
                time("empty", () -> torch.empty(25, 384));
            }
        }
    }
}
