package io.t4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * The JSON mapper for command output (one object per line for JSONL). A non-finite number (NaN, ±Infinity) is
 * written as {@code null}: JSON has no NaN, and null is what JavaScript's {@code JSON.stringify}, pandas'
 * {@code to_json} and strict parsers agree on (Jackson's default, the string {@code "NaN"}, turns a number field
 * into a string; Python's bare {@code NaN} is not JSON at all). Commands warn on stderr when they write one.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
            .registerModule(new SimpleModule("t4j-non-finite-as-null")
                    .addSerializer(Double.class, new NonFinite<>())
                    .addSerializer(double.class, new NonFinite<>())
                    .addSerializer(Float.class, new NonFinite<>())
                    .addSerializer(float.class, new NonFinite<>())
                    .addSerializer(float[].class, new FloatArray()));

    private Json() {}

    /** Whether {@code v} would be written as null. */
    public static boolean nonFinite(double v) {
        return !Double.isFinite(v);
    }

    private static final class NonFinite<N extends Number> extends JsonSerializer<N> {
        @Override
        public void serialize(N value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            double v = value.doubleValue();
            if (!Double.isFinite(v)) {
                gen.writeNull();
            } else if (value instanceof Float f) {
                gen.writeNumber(f);
            } else {
                gen.writeNumber(v);
            }
        }
    }

    private static final class FloatArray extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] values, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartArray(values, values.length);
            for (float v : values) {
                if (Float.isFinite(v)) {
                    gen.writeNumber(v);
                } else {
                    gen.writeNull();
                }
            }
            gen.writeEndArray();
        }
    }
}
