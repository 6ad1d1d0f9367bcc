package io.t4j.data;

import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** HF datasets' {@code DatasetDict}: named splits ({@code train}, {@code validation}, {@code test}). */
public final class DatasetDict {
    private final Map<String, Dataset> splits;

    public DatasetDict(Map<String, Dataset> splits) {
        this.splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    /** The split named {@code name}; an error lists the splits that exist. */
    public Dataset get(String name) {
        Dataset d = splits.get(name);
        if (d == null) {
            throw new DataException("no split '" + name + "' (splits: " + String.join(", ", splits.keySet()) + ")");
        }
        return d;
    }

    public Set<String> keys() {
        return splits.keySet();
    }

    public Map<String, Dataset> splits() {
        return splits;
    }

    /** Applies {@code operation} to every split (HF's DatasetDict methods do the same). */
    public DatasetDict apply(UnaryOperator<Dataset> operation) {
        Map<String, Dataset> out = new LinkedHashMap<>();
        splits.forEach((name, d) -> out.put(name, operation.apply(d)));
        return new DatasetDict(out);
    }

    /** {@link Dataset#tokenize} on every split. */
    public DatasetDict tokenize(PreTrainedTokenizer tokenizer, String textColumn, EncodeOptions options) {
        return apply(d -> d.tokenize(tokenizer, textColumn, options));
    }

    public DatasetDict renameColumn(String original, String newName) {
        return apply(d -> d.renameColumn(original, newName));
    }

    public DatasetDict removeColumns(String... names) {
        return apply(d -> d.removeColumns(names));
    }

    /** HF's {@code repr(dataset_dict)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("DatasetDict({\n");
        splits.forEach((name, d) -> s.append("    ").append(name).append(": ").append(d.repr("    ")).append('\n'));
        return s.append("})").toString();
    }
}
