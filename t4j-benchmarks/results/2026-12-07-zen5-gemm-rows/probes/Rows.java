import io.t4j.engine.Engine;
import io.t4j.engine.gemm.NativeOps;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class Rows {
    public static void main(String[] a) {
        Engine.init();
        ScalarType dt = ScalarType.valueOf(a[0]);
        int[] ms = Arrays.stream(a[1].split(",")).mapToInt(Integer::parseInt).toArray();
        long[][] shapes = {{1536, 384}, {384, 1536}};
        try (InferenceMode im = new InferenceMode()) {
            for (long[] s : shapes) {
                Tensor w = torch.randn(s[0], s[1]).to(dt);
                Tensor b = torch.randn(s[0]).to(dt);
                Tensor packed = NativeOps.packLinearWeight(w);
                StringBuilder sb = new StringBuilder(s[0] + "x" + s[1] + " " + dt + ":");
                for (int m : ms) {
                    Tensor x = torch.randn(m, s[1]).to(dt);
                    long t0 = System.nanoTime();
                    NativeOps.linearPacked(x, packed, b);
                    double first = (System.nanoTime() - t0) / 1e3;
                    double[] r = new double[200];
                    for (int i = 0; i < r.length; i++) {
                        try (PointerScope ps = new PointerScope()) {
                            long t = System.nanoTime();
                            NativeOps.linearPacked(x, packed, b);
                            r[i] = (System.nanoTime() - t) / 1e3;
                        }
                    }
                    Arrays.sort(r);
                    sb.append(String.format(" M%d first %.0f warm %.0f us;", m, first, r[100]));
                }
                System.out.println(sb);
            }
        }
    }
}
