package io.t4j.engine.nn;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * A trainable tensor slot in a {@link Module}. The slot, not the tensor, is what modules share: two modules holding
 * the same Parameter are tied (an LM head and the word embeddings), and replacing the tensor (when loading a
 * checkpoint) updates both.
 *
 * <p>The Parameter owns one reference to its tensor ({@code retainReference}), so a model built inside a
 * {@code PointerScope} keeps its weights when the scope closes.
 */
public final class Parameter {
    private Tensor data;

    private Parameter(Tensor data) {
        set(data);
    }

    /** A parameter over {@code data}, which becomes trainable ({@code requires_grad=true}) if floating point. */
    public static Parameter of(Tensor data) {
        Engine.init();
        if (data.is_floating_point()) {
            data.requires_grad_(true);
        }
        return new Parameter(data);
    }

    /**
     * A new uninitialised parameter of {@code shape}: on the meta device (no memory) while {@link Init#skip()} is
     * active, else a float32 CPU tensor that the owning module initialises.
     */
    public static Parameter empty(long... shape) {
        return of(Init.emptyTensor(shape));
    }

    public Tensor data() {
        return data;
    }

    /** Replaces the tensor (keeps whatever requires_grad the new tensor has). Releases the previous one. */
    public void set(Tensor tensor) {
        tensor.retainReference();
        Tensor old = data;
        data = tensor;
        if (old != null && old != tensor) {
            old.releaseReference();
        }
    }

    public long[] shape() {
        return Tensors.shape(data);
    }

    public long numel() {
        return data.numel();
    }

    public boolean requiresGrad() {
        return data.requires_grad();
    }

    public void requiresGrad(boolean requiresGrad) {
        data.requires_grad_(requiresGrad);
    }

    /** The accumulated gradient, or an undefined tensor before the first backward. */
    public Tensor grad() {
        return data.grad();
    }

    public boolean isMeta() {
        return data.is_meta();
    }

    @Override
    public String toString() {
        return "Parameter" + Tensors.shapeString(data) + " " + Tensors.scalarType(data);
    }
}
