package io.t4j.server;

/**
 * A request the server refuses, answered with {@code status} and the JSON body {@code {"error": ..., "field": ...}}.
 * {@code field} names the request field at fault (e.g. {@code top_k}, {@code inputs[2]}), or is null.
 */
public final class ApiException extends RuntimeException {
    /** {@link #type()} of a pipeline's or tokenizer's rejection of a value (TEI calls these tokenizer errors). */
    public static final String TOKENIZER_OR_VALUE = "tokenizer_or_value";

    private final int status;
    private final String field;
    private final Integer retryAfterSeconds;
    private final String type;

    public ApiException(int status, String message, String field) {
        this(status, message, field, null, null);
    }

    private ApiException(int status, String message, String field, Integer retryAfterSeconds, String type) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.type = type;
    }

    /**
     * This error with an API-specific kind: TEI's {@code error_type} ({@code Empty}, {@code Validation}, ...) or
     * OpenAI's {@code code} ({@code model_not_found}, ...), for the route's error style to use.
     */
    public ApiException withType(String kind) {
        ApiException e = new ApiException(status, getMessage(), field, retryAfterSeconds, kind);
        e.initCause(getCause());
        return e;
    }

    /** The API-specific kind, or null. */
    public String type() {
        return type;
    }

    /** 400: the body is no valid JSON, or has an unknown field or a value of the wrong type. */
    public static ApiException badRequest(String message, String field) {
        return new ApiException(400, message, field);
    }

    /** 413: the body, the number of inputs or a text is over a server limit. */
    public static ApiException tooLarge(String message, String field) {
        return new ApiException(413, message, field);
    }

    /** 422: well-formed JSON whose values cannot be served (a missing field, a value out of range). */
    public static ApiException invalid(String message, String field) {
        return new ApiException(422, message, field);
    }

    /** 503 with Retry-After: the queue is full or the server is shutting down. */
    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, message, null, retryAfterSeconds, null);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** Seconds for the Retry-After header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
