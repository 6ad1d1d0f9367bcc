package io.t4j.models.decoder;

import io.t4j.engine.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The key/value cache of a generation, one {@link LayerCache} per decoder layer: HF's {@code DynamicCache}
 * (cache_utils.py), which grows as tokens arrive.
 *
 * <p>Ownership: each layer keeps its keys and values in a buffer [B,Hkv,capacity,D] that it owns
 * ({@code retainReference}), so the buffers outlive the caller's per-step {@code PointerScope}; every tensor a call
 * returns (the views over the filled part) belongs to that scope. {@link #close()} frees the buffers. Instead of
 * HF's {@code torch.cat} per step, new tokens are copied into the buffer, which doubles when full (give
 * {@code capacity} up front to never regrow).
 */
public final class DynamicCache implements AutoCloseable {
    private final List<LayerCache> layers = new ArrayList<>();
    private final long capacityHint;

    /** A cache for {@code numLayers} layers; {@code capacity} is the expected final length (0 if unknown). */
    public DynamicCache(int numLayers, long capacity) {
        for (int i = 0; i < numLayers; i++) {
            layers.add(new LayerCache());
        }
        this.capacityHint = capacity;
    }

    public LayerCache layer(int i) {
        return layers.get(i);
    }

    public int numLayers() {
        return layers.size();
    }

    /** HF's {@code get_seq_length()}: the number of cached positions (layer 0). */
    public long seqLength() {
        return layers.get(0).length;
    }

    /** Drops every cached token (HF's Phi-3 generation does this when it switches to the long RoPE factors). */
    public void reset() {
        layers.forEach(LayerCache::free);
    }

    /**
     * Repeats every batch row {@code n} times ([B,...] → [B*n,...], row-major like {@code repeat_interleave}), e.g.
     * to score several continuations of one prompt in one batched forward. Returns a new cache; this one is unchanged.
     */
    public DynamicCache repeatInterleave(long n, long extraCapacity) {
        DynamicCache out = new DynamicCache(layers.size(), seqLength() + extraCapacity);
        for (int i = 0; i < layers.size(); i++) {
            LayerCache src = layers.get(i);
            if (src.length == 0) {
                continue;
            }
            Tensor k = src.keys().repeat_interleave(n, new LongOptional(0), new LongOptional());   // [B*n,Hkv,S,D]
            Tensor v = src.values().repeat_interleave(n, new LongOptional(0), new LongOptional()); // [B*n,Hkv,S,D]
            out.layers.get(i).update(k, v);
        }
        return out;
    }

    @Override
    public void close() {
        reset();
    }

    /** The cached keys and values of one layer, [B,Hkv,S,D]. */
    public record KeyValue(Tensor keys, Tensor values) {}

    /** One layer's keys and values (HF: {@code key_cache[layer_idx]}, {@code value_cache[layer_idx]}). */
    public final class LayerCache {
        private Tensor keyBuffer;   // [B,Hkv,capacity,D], owned
        private Tensor valueBuffer; // [B,Hkv,capacity,D], owned
        private long length;

        /** The number of cached positions. */
        public long length() {
            return length;
        }

        /** HF's {@code update}: appends k, v [B,Hkv,T,D] and returns all cached keys/values [B,Hkv,S,D]. */
        public KeyValue update(Tensor k, Tensor v) {
            if (k.requires_grad() || v.requires_grad()) {
                throw new IllegalStateException("the KV cache is for inference: run cached forwards under "
                        + "NoGradGuard or InferenceMode (the cache would otherwise keep every step's autograd graph)");
            }
            long t = k.size(2);
            if (keyBuffer == null || length + t > keyBuffer.size(2)) {
                grow(k, Math.max(Math.max(capacityHint, length + t), keyBuffer == null ? 0 : 2 * keyBuffer.size(2)));
            }
            keyBuffer.narrow(2, length, t).copy_(k);
            valueBuffer.narrow(2, length, t).copy_(v);
            length += t;
            return new KeyValue(keys(), values());
        }

        /** The cached keys [B,Hkv,S,D] (a view; valid until the next update). */
        public Tensor keys() {
            return keyBuffer.narrow(2, 0, length);
        }

        /** The cached values [B,Hkv,S,D] (a view; valid until the next update). */
        public Tensor values() {
            return valueBuffer.narrow(2, 0, length);
        }

        private void grow(Tensor like, long capacity) {
            long[] shape = Tensors.shape(like);
            if (keyBuffer != null && keyBuffer.size(0) != shape[0]) {
                throw new IllegalArgumentException("KV cache holds a batch of " + keyBuffer.size(0)
                        + " rows but the new keys have " + shape[0]);
            }
            shape[2] = capacity;
            TensorOptions options = new TensorOptions(Tensors.scalarType(like));
            Tensor newKeys = torch.empty(shape, options, null);
            Tensor newValues = torch.empty(shape, options, null);
            if (keyBuffer != null && length > 0) {
                newKeys.narrow(2, 0, length).copy_(keys());
                newValues.narrow(2, 0, length).copy_(values());
            }
            newKeys.retainReference();
            newValues.retainReference();
            long kept = length;
            free();
            length = kept;
            keyBuffer = newKeys;
            valueBuffer = newValues;
        }

        private void free() {
            if (keyBuffer != null) {
                keyBuffer.releaseReference();
                valueBuffer.releaseReference();
                keyBuffer = null;
                valueBuffer = null;
            }
            length = 0;
        }
    }
}
