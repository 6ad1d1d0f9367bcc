package io.t4j.engine.gemm;

import io.t4j.engine.Cpu;
import io.t4j.engine.Engine;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.QEngine;

/**
 * The libtorch kernels behind t4j's GEMM paths that the presets bind no Java method for, called through the boxed
 * dispatcher (as {@code torch.ops.mkldnn...} and {@code torch.ops.quantized...} are from Python):
 * <ul>
 *   <li>{@code mkldnn::_reorder_linear_weight(Tensor self, int? batch_size)}: a [out, in] fp32 or bf16 weight
 *       reordered once into oneDNN's blocked layout (an opaque mkldnn tensor);</li>
 *   <li>{@code mkldnn::_linear_pointwise(Tensor X, Tensor W, Tensor? B, str attr, Scalar?[] scalars, str?
 *       algorithm)}: x W^T + b on a dense input with such a packed weight, dense output, optionally with a fused
 *       post-op ({@code attr} "none", "gelu", "relu", ...). What PyTorch's inductor calls for frozen CPU linears. It has no
 *       autograd formula: inference only;</li>
 *   <li>{@code quantized::linear_prepack(Tensor W, Tensor? B)} and {@code quantized::linear_dynamic(Tensor X,
 *       LinearPackedParamsBase W_prepack, bool reduce_range)}: int8 weights packed for the current quantized engine,
 *       fp32 activations quantized per call (per tensor, asymmetric uint8), int32 accumulation, fp32 output, as
 *       {@code torch.ao.nn.quantized.dynamic.Linear}.</li>
 * </ul>
 * Operator handles are looked up once and live for the JVM.
 */
public final class NativeOps {
    private static volatile NativeOps instance;

    private final OperatorHandle reorderLinearWeight;
    private final OperatorHandle linearPointwise;
    private final OperatorHandle linearPrepack;
    private final OperatorHandle linearDynamic;
    private final Type.TypePtr optionalScalar;

    private NativeOps() {
        Engine.init();
        reorderLinearWeight = handle("mkldnn::_reorder_linear_weight");
        linearPointwise = handle("mkldnn::_linear_pointwise");
        linearPrepack = handle("quantized::linear_prepack");
        linearDynamic = handle("quantized::linear_dynamic");
        // the element type of `Scalar?[] scalars`, taken from the schema (a typed list must carry it)
        optionalScalar = linearPointwise.schema().arguments().getPointer(4).type().get().containedType(0);
        optionalScalar.retainReference();
        selectQuantizedEngine();
    }

    static NativeOps get() {
        if (instance == null) {
            synchronized (NativeOps.class) {
                if (instance == null) {
                    instance = new NativeOps();
                }
            }
        }
        return instance;
    }

    private static OperatorHandle handle(String name) {
        OperatorHandle h = Dispatcher.singleton().findSchemaOrThrow(name, "");
        h.retainReference(); // lives for the JVM, whatever PointerScope the first call ran in
        return h;
    }

    /**
     * The quantized engine packs and runs int8 linears; it is global and must be chosen before packing. {@code X86}
     * (libtorch's default where built: fbgemm kernels, VNNI where present) unless {@code T4J_QENGINE} names another
     * supported one (fbgemm, onednn, x86, qnnpack).
     */
    private static void selectQuantizedEngine() {
        String wanted = System.getenv("T4J_QENGINE");
        if (wanted == null) {
            wanted = System.getProperty("t4j.qengine");
        }
        var ctx = torch.globalContext();
        if (wanted == null) {
            return; // libtorch's default (X86 in this build)
        }
        var supported = ctx.supportedQEngines();
        StringBuilder names = new StringBuilder();
        for (long i = 0; i < supported.size(); i++) {
            QEngine e = supported.get(i);
            names.append(i == 0 ? "" : ", ").append(e.toString().toLowerCase(java.util.Locale.ROOT));
            if (e.toString().equalsIgnoreCase(wanted)) {
                ctx.setQEngine(e);
                return;
            }
        }
        throw new IllegalArgumentException("T4J_QENGINE=" + wanted + " is not a quantized engine of this libtorch "
                + "(supported: " + names + ")");
    }

    /** The quantized engine int8 linears run on, e.g. {@code X86}. */
    public static String quantizedEngine() {
        get();
        return torch.globalContext().qEngine().toString();
    }

    /** A [out, in] fp32 or bf16 weight in oneDNN's packed layout (a new mkldnn tensor; the source is only read). */
    public static Tensor packLinearWeight(Tensor weight) {
        IValueVector stack = new IValueVector(new IValue(weight), new IValue());
        get().reorderLinearWeight.callBoxed(stack);
        return result(stack);
    }

    /** x [..., in] (dense, the packed weight's dtype) → x W^T + b [..., out]. */
    public static Tensor linearPacked(Tensor x, Tensor packedWeight, Tensor biasOrNull) {
        return linearPacked(x, packedWeight, biasOrNull, "none", "");
    }

    /**
     * x [..., in] (dense, the packed weight's dtype) → postOp(x W^T + b) [..., out], the post-op applied by oneDNN
     * inside the GEMM: {@code postOp} "none", "gelu" (then {@code algorithm} "none" for the erf form, "tanh" for the
     * approximation) or "relu" (algorithm "").
     */
    public static Tensor linearPacked(Tensor x, Tensor packedWeight, Tensor biasOrNull, String postOp, String algorithm) {
        NativeOps ops = get();
        IValueVector stack = new IValueVector(new IValue(x), new IValue(packedWeight),
                biasOrNull == null ? new IValue() : new IValue(biasOrNull), new IValue(postOp),
                new IValue(new GenericList(ops.optionalScalar)), new IValue(algorithm));
        ops.linearPointwise.callBoxed(stack);
        return result(stack);
    }

    /** A per-channel quantized qint8 weight and its fp32 bias packed for {@code linear_dynamic} (a custom-class IValue). */
    public static IValue int8Prepack(Tensor quantizedWeight, Tensor biasOrNull) {
        IValueVector stack = new IValueVector(new IValue(quantizedWeight), biasOrNull == null ? new IValue() : new IValue(biasOrNull));
        get().linearPrepack.callBoxed(stack);
        return new IValue(stack.get(0));
    }

    /** x [..., in] fp32 → [..., out] fp32 through the packed int8 weight. */
    public static Tensor int8LinearDynamic(Tensor x, IValue packed) {
        IValueVector stack = new IValueVector(new IValue(x), packed, new IValue(!Cpu.current().nativeInt8()));
        get().linearDynamic.callBoxed(stack);
        return result(stack);
    }

    /**
     * The tensor a call left on the stack, as a tensor of its own: {@code toTensor()} views the tensor held inside the
     * stack's IValue, which dies with the stack (the caller's PointerScope), so it is copied into a new handle.
     */
    private static Tensor result(IValueVector stack) {
        return new Tensor(stack.get(0).toTensor());
    }
}
