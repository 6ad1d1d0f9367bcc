import io.t4j.engine.Engine;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class Attn {
    public static void main(String[] a) {
        Engine.init();
        for (int t : new int[] {25, 60}) for (int threads : new int[] {2, 1}) {
            torch.set_num_threads(threads);
            System.out.println("T=" + t + " threads " + threads);
            try (InferenceMode im = new InferenceMode()) {
                Tensor qkv = torch.randn(t, 3 * 384);
                Tensor q = qkv.narrow(1, 0, 384).view(1, t, 12, 32).transpose(1, 2);
                Tensor k = qkv.narrow(1, 384, 384).view(1, t, 12, 32).transpose(1, 2);
                Tensor v = qkv.narrow(1, 768, 384).view(1, t, 12, 32).transpose(1, 2);
                Scalar scale = new Scalar(1.0 / Math.sqrt(32));
                ProbeData.time("sdpa", 3000, () -> torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false, new DoubleOptional(), false));
                ProbeData.time("matmul softmax matmul", 3000, () -> torch.matmul(torch.matmul(q, k.transpose(-1, -2)).mul_(scale).softmax(-1), v));
                ProbeData.time("baddbmm-free: bmm on views", 3000, () -> torch.bmm(torch.bmm(q.reshape(12, t, 32), k.reshape(12, t, 32).transpose(1, 2)).mul_(scale).softmax(-1), v.reshape(12, t, 32)));
            }
        }
    }
}
