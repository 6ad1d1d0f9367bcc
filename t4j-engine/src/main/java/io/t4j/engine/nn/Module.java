package io.t4j.engine.nn;

import io.t4j.engine.Tensors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A node of the module tree, as {@code torch.nn.Module}. Children and parameters are registered under the
 * checkpoint's key segments ({@code attention}, {@code self}, {@code query}, {@code LayerNorm}), so the tree's
 * dotted paths are exactly the checkpoint keys: {@code encoder.layer.0.attention.self.query.weight}.
 *
 * <p>Forwards are plain methods on subclasses with typed arguments; the base class only knows structure, the
 * train/eval flag, and parameter bookkeeping.
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers {@code child} under {@code name} and returns it, for {@code query = register("query", new Linear(...))}. */
    protected final <M extends Module> M register(String name, M child) {
        if (name.contains(".") || name.isEmpty()) {
            throw new IllegalArgumentException("module name must be one non-empty key segment, got '" + name + "'");
        }
        if (children.putIfAbsent(name, child) != null || parameters.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
        child.train(training);
        return child;
    }

    /** Registers {@code parameter} under {@code name} and returns it. Registering one Parameter twice ties it. */
    protected final Parameter register(String name, Parameter parameter) {
        if (name.contains(".") || name.isEmpty()) {
            throw new IllegalArgumentException("parameter name must be one non-empty key segment, got '" + name + "'");
        }
        if (parameters.putIfAbsent(name, parameter) != null || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
        return parameter;
    }

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module and every descendant, keyed by dotted path ("" for this module), depth-first in registration order. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        visitModules("", out);
        return out;
    }

    private void visitModules(String path, Map<String, Module> out) {
        out.put(path, this);
        children.forEach((name, child) -> child.visitModules(path.isEmpty() ? name : path + "." + name, out));
    }

    /** Calls {@code fn} on every descendant and then on this module (post-order), as {@code nn.Module.apply}. */
    public final void apply(java.util.function.Consumer<Module> fn) {
        children.values().forEach(c -> c.apply(fn));
        fn.accept(this);
    }

    /** The module at a dotted path ({@code "encoder.layer.0"}), or null. */
    public final Module module(String path) {
        if (path.isEmpty()) {
            return this;
        }
        Module m = this;
        for (String part : path.split("\\.")) {
            m = m.children.get(part);
            if (m == null) {
                return null;
            }
        }
        return m;
    }

    /**
     * Every parameter once, under its first dotted name in registration order, as {@code named_parameters()}:
     * a tied parameter appears only under the name it was first registered with.
     */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        visitParameters("", (name, p) -> {
            if (seen.put(p, Boolean.TRUE) == null) {
                out.put(name, p);
            }
        });
        return out;
    }

    /** Every parameter once, in {@link #namedParameters()} order, as {@code parameters()}: what an optimizer takes. */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every name of every parameter, tied aliases included ({@code lm_head.weight} as well as the embeddings). */
    public final Map<String, Parameter> allParameterNames() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        visitParameters("", out::put);
        return out;
    }

    private void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        parameters.forEach((name, p) -> visitor.accept(prefix + name, p));
        children.forEach((name, child) -> child.visitParameters(prefix + name + ".", visitor));
    }

    /** The parameters as a libtorch vector (for {@code clip_grad_norm_} and friends). */
    public final TensorVector parameterVector() {
        List<Tensor> list = new ArrayList<>();
        namedParameters().values().forEach(p -> list.add(p.data()));
        return new TensorVector(list.toArray(new Tensor[0]));
    }

    /** The number of scalars in all (unique) parameters. */
    public final long numParameters() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /** Sets requires_grad on every parameter of this subtree: {@code false} freezes it. */
    public final void requiresGrad(boolean requiresGrad) {
        namedParameters().values().forEach(p -> p.requiresGrad(requiresGrad));
    }

    /** Training mode (dropout on) for this module and all children; returns this. */
    public Module train(boolean mode) {
        training = mode;
        children.values().forEach(c -> c.train(mode));
        return this;
    }

    public final Module train() {
        return train(true);
    }

    /** Evaluation mode (dropout off); returns this. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Casts every floating-point parameter to {@code dtype} in place of the old tensors (requires_grad kept). */
    public void to(ScalarType dtype) {
        for (Parameter p : namedParameters().values()) {
            Tensor t = p.data();
            if (t.is_floating_point() && Tensors.scalarType(t) != dtype) {
                boolean grad = t.requires_grad();
                Tensor cast = t.detach().to(dtype);
                cast.requires_grad_(grad);
                p.set(cast);
            }
        }
    }

    /** Sets every parameter's gradient to none, as {@code zero_grad(set_to_none=True)}. */
    public final void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            Tensor g = p.grad();
            if (g != null && !g.isNull() && g.defined()) {
                p.data().grad().reset();
            }
        }
    }
}
