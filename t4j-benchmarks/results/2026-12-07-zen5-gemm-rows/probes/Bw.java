import io.t4j.engine.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
public class Bw {
    public static void main(String[] a) {
        Engine.init();
        for (int threads : new int[] {1, 2}) {
            torch.set_num_threads(threads);
            Tensor x = torch.randn(64L << 20); // 256 MB
            Tensor y = torch.empty(64L << 20);
            double best = 0, bestSum = 0;
            for (int i = 0; i < 10; i++) {
                try (PointerScope s = new PointerScope()) {
                    long t = System.nanoTime(); y.copy_(x); double sec = (System.nanoTime() - t) / 1e9;
                    best = Math.max(best, 2 * 256e6 / sec / 1e9);
                    t = System.nanoTime(); x.sum().item_double(); sec = (System.nanoTime() - t) / 1e9;
                    bestSum = Math.max(bestSum, 256e6 / sec / 1e9);
                }
            }
            System.out.printf("threads %d: copy %.1f GB/s (read+write), sum (read) %.1f GB/s%n", threads, best, bestSum);
        }
    }
}
