package io.t4j.models.onnx;

import java.util.List;
import java.util.Optional;

/**
 * An ONNX {@code NodeProto}: one operator application.
 *
 * @param name       the node's name (exporters use the module path, e.g. {@code /encoder/layer.0/attention/self/query/MatMul})
 * @param opType     the operator, e.g. {@code MatMul}
 * @param domain     the operator set domain ({@code ""} for the default ai.onnx set)
 * @param inputs     input value names (an empty name is an omitted optional input)
 * @param outputs    output value names
 * @param attributes the node's attributes
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<OnnxAttribute> attributes) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    public Optional<OnnxAttribute> attribute(String attributeName) {
        return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst();
    }

    public String input(int index) {
        return index < inputs.size() ? inputs.get(index) : "";
    }

    public String output() {
        return outputs.isEmpty() ? "" : outputs.get(0);
    }

    /** How errors name the node: its name, else its op and first output. */
    public String describe() {
        return opType + " node '" + (name.isEmpty() ? output() : name) + "'";
    }
}
