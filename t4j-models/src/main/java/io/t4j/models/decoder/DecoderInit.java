package io.t4j.models.decoder;

import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;

/** {@code LlamaPreTrainedModel._init_weights} (copied into Qwen2 and Phi-3): normal(0, std), zero biases and pad row. */
public final class DecoderInit {
    private DecoderInit() {}

    public static void initWeights(Module m, double std) {
        switch (m) {
            case Linear l when l.isTied() -> { // its weight is the word embeddings' (HF ties after init); its bias is zeroed
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Linear l -> {
                Init.normal(l.weight, 0.0, std);
                if (l.bias != null) {
                    Init.zeros(l.bias);
                }
            }
            case Embedding e -> {
                Init.normal(e.weight, 0.0, std);
                if (e.paddingIdx() >= 0) {
                    Init.zeroRow(e.weight, e.paddingIdx());
                }
            }
            default -> { } // RMSNorm keeps its ones
        }
    }
}
