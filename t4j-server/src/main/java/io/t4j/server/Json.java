package io.t4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The server's JSON: snake_case records, strict about what clients send (unknown fields, values of the wrong type,
 * text after the body are errors, never silently dropped or coerced), and Jackson's errors turned into 400s that
 * name the field.
 */
public final class Json {
    static final ObjectMapper MAPPER = strictMapper();
    /** As strict about types, but fields it does not know are ignored (TEI's serde bodies, which ignore them too). */
    static final ObjectMapper IGNORING_UNKNOWN_FIELDS = strictMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    private static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.coercionConfigDefaults()                                   // "2" is no integer, 2 is no string
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert); // 1 is 1.0
        return m;
    }

    /** {@code body} as a {@code type}; any problem is a 400 naming the field and what was expected. */
    public static <T> T read(byte[] body, Class<T> type) {
        return read(body, type, MAPPER);
    }

    /** {@code body} as a {@code type} read with {@code mapper}, errors as {@link #read(byte[], Class)}'s. */
    static <T> T read(byte[] body, Class<T> type, ObjectMapper mapper) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; expected a JSON object", null);
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("the request body is null; expected a JSON object", null);
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + path(e) + "' (known: " + known(e.getKnownPropertyIds()) + ")",
                    path(e));
        } catch (MismatchedInputException e) {
            throw mismatch(e);
        } catch (StreamReadException e) {
            throw ApiException.badRequest("invalid JSON: " + e.getOriginalMessage() + location(e), null);
        } catch (JsonMappingException e) {
            throw ApiException.badRequest("invalid request: " + e.getOriginalMessage(), path(e).isEmpty() ? null : path(e));
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable request body: " + e.getMessage(), null);
        }
    }

    /** {@code value} as JSON bytes. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static ApiException mismatch(MismatchedInputException e) {
        String field = path(e);
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            return ApiException.badRequest("invalid JSON: more data after the request object" + location(e), null);
        }
        if (field.isEmpty()) {
            return ApiException.badRequest("the request body must be a JSON object", null);
        }
        boolean ownMessage = e.getTargetType() != null
                && e.getTargetType().isAnnotationPresent(com.fasterxml.jackson.databind.annotation.JsonDeserialize.class);
        String expected = ownMessage ? e.getOriginalMessage() : "expected " + describe(e.getTargetType());
        return ApiException.badRequest(field + ": " + expected, field);
    }

    /** The JSON path of the error: {@code top_k}, {@code inputs[2]}, {@code messages[0].role}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    private static String known(Collection<Object> ids) {
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add(String.valueOf(id)));
        return String.join(", ", names);
    }

    static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            default -> token.toString();
        };
    }
}
