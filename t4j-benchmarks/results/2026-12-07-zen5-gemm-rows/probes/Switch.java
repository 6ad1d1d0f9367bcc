import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.*;
import io.t4j.tokenizers.*;
import java.nio.file.Path;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/** Batch-1 forwards on 1 or 2 threads: steady streams, and one forward on an arm after 19 on the other. */
public class Switch {
    static BertForSequenceClassification model;
    static MethodHandle setNum;
    static double fwd(BatchEncoding b, int threads) {
        try { setNum.invokeExact(threads); } catch (Throwable e) { throw new RuntimeException(e); }
        long t = System.nanoTime();
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensors.toFloats(model.forward(ModelInputs.of(b)).logits().to(ScalarType.Float));
        }
        return (System.nanoTime() - t) / 1e6;
    }
    static double med(List<Double> v) { List<Double> s = new ArrayList<>(v); Collections.sort(s); return s.get(s.size() / 2); }
    public static void main(String[] a) throws Exception {
        Path dir = ProbeData.model(a[0]);
        io.t4j.engine.Engine.init();
        setNum = Linker.nativeLinker().downcallHandle(SymbolLookup.libraryLookup("libgomp.so.1", Arena.global()).find("omp_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2).withZeroCopy(true)
                .withDtype(a.length > 1 ? ScalarType.valueOf(a[1]) : ScalarType.Float));
        List<BatchEncoding> singles = ProbeData.singles(dir, 100);
        for (BatchEncoding b : singles) { fwd(b, 1); fwd(b, 2); fwd(b, 1); fwd(b, 2); } // warm both arms at every length
        for (int round = 0; round < 2; round++) {
            List<Double> steady1 = new ArrayList<>(), steady2 = new ArrayList<>(), iso1 = new ArrayList<>(), iso2 = new ArrayList<>();
            for (BatchEncoding b : singles) steady2.add(fwd(b, 2));
            for (BatchEncoding b : singles) steady1.add(fwd(b, 1));
            for (int i = 0; i < 400; i++) {
                BatchEncoding b = singles.get(i % singles.size());
                if (i % 20 == 19) iso2.add(fwd(b, 2)); else fwd(b, 1);
            }
            for (int i = 0; i < 400; i++) {
                BatchEncoding b = singles.get(i % singles.size());
                if (i % 20 == 19) iso1.add(fwd(b, 1)); else fwd(b, 2);
            }
            System.out.printf("round %d: steady 2 threads %.2f ms, steady 1 thread %.2f ms; 2 threads after 19 on one %.2f ms, 1 thread after 19 on two %.2f ms%n",
                    round, med(steady2), med(steady1), med(iso2), med(iso1));
        }
    }
}
