import io.t4j.engine.Engine;
import io.t4j.engine.gemm.NativeOps;
import java.nio.file.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

public class Mem2 {
    static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")); return -1; }
    public static void main(String[] a) throws Exception {
        Engine.init();
        long[][] shapes = {{1152, 384}, {384, 384}, {1536, 384}, {384, 1536}, {1152, 384}, {384, 384}, {1536, 384}, {384, 1536}};
        try (InferenceMode im = new InferenceMode()) {
            Tensor[] w = new Tensor[shapes.length], p = new Tensor[shapes.length], b = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) { w[i] = torch.randn(shapes[i][0], shapes[i][1]); if (i >= 4) w[i] = w[i].to(torch.ScalarType.BFloat16); b[i] = torch.randn(shapes[i][0]).to(w[i].scalar_type()); p[i] = NativeOps.packLinearWeight(w[i]); }
            for (int i = 0; i < shapes.length; i++) { try (PointerScope ps = new PointerScope()) { NativeOps.linearPacked(torch.randn(64, shapes[i][1]).to(w[i].scalar_type()), p[i], b[i]); } }
            System.gc();
            long r0 = rss();
            int n = 0;
            for (int m = 1; m < 64; m++) for (int i = 0; i < shapes.length; i++) { try (PointerScope ps = new PointerScope()) { NativeOps.linearPacked(torch.randn(m, shapes[i][1]).to(w[i].scalar_type()), p[i], b[i]); n++; } }
            System.gc();
            System.out.printf("%d calls at new row counts: RSS %+d MB%n", n, (rss() - r0) / 1024);
        }
    }
}
