package io.t4j.trainer;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.engine.safetensors.SafeTensorsWriter;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * HF's {@code rng_state.pth}, as {@code rng_state.safetensors}: torch's default CPU generator state ({@code cpu},
 * uint8; it drives dropout), and in the metadata the data-order seed. The data order needs no more: an epoch's
 * order is a pure function of {@code data_seed + epoch}, and the position in it follows from {@code global_step}.
 */
final class RngState {
    static final String FILE_NAME = "rng_state.safetensors";

    private RngState() {}

    static void save(Path dir, long dataSeed) {
        try (PointerScope scope = new PointerScope()) {
            var state = torch.getDefaultCPUGenerator().get_state();
            SafeTensorsWriter.write(dir.resolve(FILE_NAME), Map.of("cpu", state),
                    Map.of("format", "pt", "data_seed", Long.toString(dataSeed)));
        }
    }

    /** Restores the generator; fails if the checkpoint's data seed differs from this run's. */
    static void restore(Path dir, long dataSeed) {
        Path file = dir.resolve(FILE_NAME);
        try (SafeTensors st = SafeTensors.open(file); PointerScope scope = new PointerScope()) {
            String saved = st.metadata().get("data_seed");
            if (saved == null || Long.parseLong(saved) != dataSeed) {
                throw new CheckpointException(file + ": data_seed " + saved + " differs from this run's " + dataSeed
                        + ": the resumed run would see other batches");
            }
            torch.getDefaultCPUGenerator().set_state(st.tensor("cpu").clone());
        }
    }
}
