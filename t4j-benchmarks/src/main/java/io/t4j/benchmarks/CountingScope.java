package io.t4j.benchmarks;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A {@link PointerScope} that counts the native objects attached to it: every libtorch call made from Java that
 * returns a tensor attaches a new {@link Tensor} handle to the innermost scope, so {@link #tensors()} counts the
 * Java-to-native tensor operations made while it is the innermost scope (calls inside libtorch, such as autograd's
 * backward ops, and calls under a nested scope are not seen).
 */
public final class CountingScope extends PointerScope {
    private long tensors;
    private long others;

    @Override
    public PointerScope attach(Pointer p) {
        if (p instanceof Tensor) {
            tensors++;
        } else {
            others++;
        }
        return super.attach(p);
    }

    /** Tensor handles attached so far. */
    public long tensors() {
        return tensors;
    }

    /** Other native objects (scalars, optionals, vectors) attached so far. */
    public long others() {
        return others;
    }
}
