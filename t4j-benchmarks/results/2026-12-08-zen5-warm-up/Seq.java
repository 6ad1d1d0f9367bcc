import io.t4j.engine.Engine;
import io.t4j.engine.gemm.NativeOps;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

public class Seq {
    public static void main(String[] a) throws Exception {
        Engine.init();
        int reps = Integer.parseInt(a[0]);
        try (InferenceMode im = new InferenceMode()) {
            Tensor w = torch.randn(1536, 384);
            Tensor b = torch.randn(1536);
            Tensor packed = NativeOps.packLinearWeight(w);
            Tensor x0 = torch.randn(8, 384);
            for (int i = 0; i < 3000; i++) { try (PointerScope ps = new PointerScope()) { NativeOps.linearPacked(x0, packed, b); } }
            for (int m = 30; m < 36; m++) {
                StringBuilder sb = new StringBuilder("M" + m + ":");
                try (PointerScope ps = new PointerScope()) {
                    Tensor x = torch.randn(m, 384);
                    for (int i = 0; i < reps; i++) {
                        long t = System.nanoTime();
                        NativeOps.linearPacked(x, packed, b);
                        sb.append(String.format(" %.0f", (System.nanoTime() - t) / 1e3));
                    }
                }
                System.out.println(sb);
            }
        }
    }
}
