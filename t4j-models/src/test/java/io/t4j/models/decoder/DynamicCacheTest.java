package io.t4j.models.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The KV cache keeps what it is given across step scopes, grows, repeats rows, and resets. */
class DynamicCacheTest {
    @Test
    void keepsKeysAcrossStepScopesAndGrowsBeyondItsCapacity() {
        Engine.init();
        torch.manual_seed(3);
        TensorOptions f32 = new TensorOptions(ScalarType.Float);
        try (DynamicCache cache = new DynamicCache(2, 2); NoGradGuard g = new NoGradGuard()) {
            Tensor all = torch.randn(new long[] {2, 3, 9, 4}, f32); // what the steps will append, [B,Hkv,S,D]
            all.retainReference();
            int[] steps = {3, 1, 1, 4};                              // capacity 2: grows to 3, 6, 12
            int done = 0;
            for (int t : steps) {
                try (PointerScope step = new PointerScope()) {     // a generation step's scope
                    Tensor k = all.narrow(2, done, t).clone();
                    DynamicCache.KeyValue kv = cache.layer(1).update(k, k.mul(new org.bytedeco.pytorch.Scalar(2.0)));
                    cache.layer(0).update(k, k);
                    done += t;
                    assertThat(Tensors.maxAbsDiff(kv.keys(), all.narrow(2, 0, done))).isZero();
                    assertThat(Tensors.maxAbsDiff(kv.values(), all.narrow(2, 0, done).mul(new org.bytedeco.pytorch.Scalar(2.0)))).isZero();
                }
            }
            assertThat(cache.seqLength()).isEqualTo(9);
            try (PointerScope s = new PointerScope(); DynamicCache rows = cache.repeatInterleave(2, 0)) {
                Tensor expected = torch.cat(new TensorVector(all.narrow(0, 0, 1), all.narrow(0, 0, 1),
                        all.narrow(0, 1, 1), all.narrow(0, 1, 1)), 0);   // rows 0,0,1,1
                assertThat(Tensors.maxAbsDiff(rows.layer(0).keys(), expected)).isZero();
                assertThat(rows.seqLength()).isEqualTo(9);
            }
            cache.reset();
            assertThat(cache.seqLength()).isZero();
            all.releaseReference();
        }
    }

    @Test
    void refusesTensorsThatWouldKeepAnAutogradGraph() {
        try (PointerScope s = new PointerScope(); DynamicCache cache = new DynamicCache(1, 0)) {
            Tensor k = torch.randn(new long[] {1, 1, 1, 2}, new TensorOptions(ScalarType.Float)).requires_grad_(true);
            assertThatThrownBy(() -> cache.layer(0).update(k, k)).hasMessageContaining("the KV cache is for inference");
        }
    }
}
