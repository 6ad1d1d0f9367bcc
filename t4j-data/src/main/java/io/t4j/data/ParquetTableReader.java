package io.t4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the flat (non-nested) columns of a Parquet file with parquet-java's column readers, and the features HF
 * datasets stores in the file's {@code "huggingface"} key-value metadata (so SST-2's {@code label} comes back as
 * {@code ClassLabel(names=['negative', 'positive'])}). Nested columns (lists, structs) and raw binary columns
 * (images, audio) are skipped.
 */
final class ParquetTableReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParquetTableReader() {}

    static RawTable read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            FileMetaData meta = reader.getFooter().getFileMetaData();
            MessageType schema = meta.getSchema();
            List<ColumnDescriptor> flat = flatColumns(schema);
            List<Builder> builders = flat.stream().map(d -> new Builder(d.getPrimitiveType())).toList();
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                var store = new ColumnReadStoreImpl(rowGroup, new GroupRecordConverter(schema).getRootConverter(),
                        schema, meta.getCreatedBy());
                for (int c = 0; c < flat.size(); c++) {
                    builders.get(c).readAll(store.getColumnReader(flat.get(c)), rowGroup.getRowCount(), flat.get(c).getMaxDefinitionLevel());
                }
            }
            List<String> names = flat.stream().map(d -> d.getPath()[0]).toList();
            return new RawTable(file, names, builders.stream().map(Builder::build).toList(), null,
                    declaredFeatures(meta.getKeyValueMetaData().get("huggingface"), file));
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException(file + ": not a readable Parquet file: " + e.getMessage(), e);
        }
    }

    private static List<ColumnDescriptor> flatColumns(MessageType schema) {
        List<ColumnDescriptor> out = new ArrayList<>();
        for (ColumnDescriptor d : schema.getColumns()) {
            Type top = schema.getType(d.getPath()[0]);
            if (d.getPath().length == 1 && top.isPrimitive() && top.getRepetition() != Type.Repetition.REPEATED
                    && (!isBinary(d.getPrimitiveType()) || isString(d.getPrimitiveType()))) {
                out.add(d);
            }
        }
        return out;
    }

    private static boolean isBinary(PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> true;
            default -> false;
        };
    }

    /** Text columns: BYTE_ARRAY annotated as STRING (pyarrow's string and large_string), ENUM or JSON. */
    private static boolean isString(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    /** ClassLabel names from HF's metadata {@code {"info": {"features": {"label": {"_type": "ClassLabel", "names": [...]}}}}}. */
    private static Map<String, Feature> declaredFeatures(String huggingface, Path file) {
        Map<String, Feature> out = new LinkedHashMap<>();
        if (huggingface == null) {
            return out;
        }
        try {
            JsonNode features = JSON.readTree(huggingface).path("info").path("features");
            features.properties().forEach(e -> {
                if ("ClassLabel".equals(e.getValue().path("_type").asText())) {
                    List<String> names = new ArrayList<>();
                    e.getValue().path("names").forEach(n -> names.add(n.asText()));
                    out.put(e.getKey(), new Feature.ClassLabel(names));
                }
            });
        } catch (IOException e) {
            throw new DataException(file + ": the 'huggingface' metadata is not valid JSON: " + e.getMessage(), e);
        }
        return out;
    }

    /** Collects one column's values across row groups. */
    private static final class Builder {
        private final PrimitiveType type;
        private final List<String> strings = new ArrayList<>();
        private long[] longs = new long[1024];
        private double[] doubles = new double[1024];
        private final BitSet nulls = new BitSet();
        private int size;

        Builder(PrimitiveType type) {
            this.type = type;
        }

        void readAll(ColumnReader reader, long rows, int maxDefinition) {
            for (long r = 0; r < rows; r++) {
                boolean isNull = reader.getCurrentDefinitionLevel() < maxDefinition;
                if (isNull) {
                    nulls.set(size);
                }
                add(reader, isNull);
                reader.consume();
            }
        }

        private void add(ColumnReader reader, boolean isNull) {
            ensureCapacity();
            switch (type.getPrimitiveTypeName()) {
                case BINARY, FIXED_LEN_BYTE_ARRAY -> strings.add(isNull ? null : reader.getBinary().toStringUsingUTF8());
                case INT32 -> longs[size] = isNull ? 0 : reader.getInteger();
                case INT64 -> longs[size] = isNull ? 0 : reader.getLong();
                case BOOLEAN -> longs[size] = isNull ? 0 : reader.getBoolean() ? 1 : 0;
                case FLOAT -> doubles[size] = isNull ? Double.NaN : reader.getFloat();
                case DOUBLE -> doubles[size] = isNull ? Double.NaN : reader.getDouble();
                case INT96 -> strings.add(isNull ? null : reader.getBinary().toString());
            }
            size++;
        }

        private void ensureCapacity() {
            if (size == longs.length) {
                longs = java.util.Arrays.copyOf(longs, size * 2);
                doubles = java.util.Arrays.copyOf(doubles, size * 2);
            }
        }

        RawTable.RawColumn build() {
            return switch (type.getPrimitiveTypeName()) {
                case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> new RawTable.RawStrings(strings.toArray(String[]::new));
                case INT32, INT64, BOOLEAN -> new RawTable.RawLongs(java.util.Arrays.copyOf(longs, size), nulls, typeName());
                case FLOAT, DOUBLE -> new RawTable.RawDoubles(java.util.Arrays.copyOf(doubles, size), nulls, typeName());
            };
        }

        private String typeName() {
            return switch (type.getPrimitiveTypeName()) {
                case INT32 -> "int32";
                case INT64 -> "int64";
                case BOOLEAN -> "bool";
                case FLOAT -> "float32";
                case DOUBLE -> "float64";
                default -> type.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }
}
