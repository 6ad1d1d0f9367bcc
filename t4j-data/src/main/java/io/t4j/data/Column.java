package io.t4j.data;

import java.util.List;

/**
 * One column of a {@link Dataset}, stored as primitive arrays (HF datasets keeps Arrow arrays): never boxed.
 * Columns are immutable; {@link #select} gathers rows into a new column.
 */
public sealed interface Column permits StringColumn, LongColumn, DoubleColumn, TokenColumn, StringListColumn,
        FloatListColumn {
    int size();

    /** A new column with the rows at {@code indices}, in that order. */
    Column select(int[] indices);

    /** The HF feature this column has when nothing more specific is known. */
    Feature defaultFeature();

    /** Feeds the column's contents to a fingerprint. */
    void hashInto(Fingerprint fingerprint);

    /** Concatenates columns of one kind (the parts of a split read from several files, or map's chunks). */
    static Column concat(List<Column> parts) {
        Column first = parts.getFirst();
        for (Column part : parts) {
            if (part.getClass() != first.getClass()) {
                throw new DataException("cannot concatenate a " + first.getClass().getSimpleName() + " with a "
                        + part.getClass().getSimpleName());
            }
        }
        return switch (first) {
            case StringColumn s -> StringColumn.concat(parts);
            case LongColumn l -> LongColumn.concat(parts);
            case DoubleColumn d -> DoubleColumn.concat(parts);
            case TokenColumn t -> TokenColumn.concat(parts);
            case StringListColumn s -> StringListColumn.concat(parts);
            case FloatListColumn f -> FloatListColumn.concat(parts);
        };
    }
}
