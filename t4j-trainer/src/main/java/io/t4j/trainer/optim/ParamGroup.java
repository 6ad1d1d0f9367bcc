package io.t4j.trainer.optim;

import io.t4j.engine.nn.LayerNorm;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of torch's optimizer {@code param_groups}: parameters with their own learning rate and weight decay. The
 * scheduler sets {@link #lr(double)}; {@link #initialLr()} is torch's {@code initial_lr}, the base of every schedule.
 * Names are optional (torch's {@code param_names}); they make checkpoint errors readable.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private final List<String> names;
    private final double weightDecay;
    private final double initialLr;
    private double lr;

    public ParamGroup(List<Parameter> params, double lr, double weightDecay) {
        this(params, null, lr, weightDecay);
    }

    /** {@code names} is null or holds one name per parameter. */
    public ParamGroup(List<Parameter> params, List<String> names, double lr, double weightDecay) {
        if (lr < 0) {
            throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        }
        if (names != null && names.size() != params.size()) {
            throw new IllegalArgumentException("param_names has " + names.size() + " names for " + params.size() + " params");
        }
        this.params = List.copyOf(params);
        this.names = names == null ? null : List.copyOf(names);
        this.lr = lr;
        this.initialLr = lr;
        this.weightDecay = weightDecay;
    }

    /**
     * HF's two groups (trainer.py {@code create_optimizer}): trainable parameters that get weight decay, and those
     * that do not: biases (any name containing "bias") and every parameter of a LayerNorm module, as
     * {@code get_decay_parameter_names}. Frozen parameters are left out. Empty groups are dropped.
     */
    public static List<ParamGroup> withDecayExclusions(Module model, double lr, double weightDecay) {
        List<String> decayNames = decayParameterNames(model);
        List<Parameter> decay = new ArrayList<>();
        List<String> decayN = new ArrayList<>();
        List<Parameter> noDecay = new ArrayList<>();
        List<String> noDecayN = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> {
            if (!p.requiresGrad()) {
                return;
            }
            boolean d = decayNames.contains(name);
            (d ? decay : noDecay).add(p);
            (d ? decayN : noDecayN).add(name);
        });
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) {
            groups.add(new ParamGroup(decay, decayN, lr, weightDecay));
        }
        if (!noDecay.isEmpty()) {
            groups.add(new ParamGroup(noDecay, noDecayN, lr, 0.0));
        }
        return groups;
    }

    /**
     * HF's {@code get_decay_parameter_names}: parameter names outside LayerNorm modules
     * ({@code get_parameter_names(model, ALL_LAYERNORM_LAYERS)}) and without "bias" in the name.
     */
    public static List<String> decayParameterNames(Module model) {
        Map<Parameter, Boolean> inLayerNorm = new IdentityHashMap<>();
        model.namedModules().values().forEach(m -> {
            if (m instanceof LayerNorm) {
                m.namedParameters().values().forEach(p -> inLayerNorm.put(p, true));
            }
        });
        List<String> out = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> {
            if (!inLayerNorm.containsKey(p) && !name.contains("bias")) {
                out.add(name);
            }
        });
        return out;
    }

    public List<Parameter> params() {
        return params;
    }

    /** The parameters' names, or null when the group was built from bare parameters. */
    public List<String> names() {
        return names;
    }

    /** The name of parameter {@code i} for messages: its name, or its index. */
    public String nameOf(int i) {
        return names == null ? "#" + i : names.get(i);
    }

    public double lr() {
        return lr;
    }

    public void lr(double lr) {
        this.lr = lr;
    }

    /** torch's {@code initial_lr}: the lr the group was created with, which schedules multiply. */
    public double initialLr() {
        return initialLr;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
