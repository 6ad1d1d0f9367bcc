package io.t4j.engine.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;

/** {@code torch.nn.ModuleList}: children named {@code 0}, {@code 1}, ... as in {@code encoder.layer.3}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList(int n, IntFunction<M> factory) {
        for (int i = 0; i < n; i++) {
            items.add(register(Integer.toString(i), factory.apply(i)));
        }
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
