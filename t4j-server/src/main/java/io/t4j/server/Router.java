package io.t4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.t4j.tokenizers.ChatTemplateException;
import io.t4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one {@link HttpHandler}: exact-path routing (404 for an unknown path, 405 with {@code Allow} for a
 * known path with another method), the body read under the payload limit, and every failure turned into a JSON
 * {@link Api.ApiError} with its status: {@link ApiException}s as they say, the pipelines' rejections of a value
 * (IllegalArgumentException, tokenizer and chat-template errors) as 422, anything else as 500 (logged).
 *
 * <p>It also admits requests for the drain: it counts requests admitted and not yet answered, and once draining
 * refuses new ones with 503 and {@code Connection: close}. A response carries {@code Connection: close} when the
 * client asked for it or the server is draining.
 */
final class Router implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /**
     * What a route answers: a status, a JSON body (a record or list), plain text or a {@link Stream} of server-sent
     * events, and extra headers.
     */
    record Reply(int status, Object body, Map<String, String> headers) {
        static Reply json(Object body) {
            return new Reply(200, body, Map.of());
        }

        static Reply error(ApiException e) {
            Map<String, String> headers = e.retryAfterSeconds() == null ? Map.of()
                    : Map.of("Retry-After", Integer.toString(e.retryAfterSeconds()));
            return new Reply(e.status(), new Api.ApiError(e.getMessage(), e.field()), headers);
        }
    }

    /**
     * A body written as it is produced ({@code text/event-stream}, chunked): the status and headers are sent first,
     * so every check that can refuse the request must be done before the route returns it.
     */
    @FunctionalInterface
    interface Stream {
        void write(OutputStream out) throws IOException;
    }

    /** How a route's API shapes its errors (t4j's {@link Api.ApiError}, TEI's, OpenAI's). */
    @FunctionalInterface
    interface ErrorStyle {
        ErrorStyle T4J = Reply::error;

        Reply render(ApiException e);
    }

    /** One request: its exchange and the body limit it is read under. */
    record Request(HttpExchange exchange, int payloadLimit) {
        /** The body, at most {@code payloadLimit} bytes (413 beyond, without reading the rest). */
        byte[] body() {
            long declared = contentLength();
            if (declared > payloadLimit) {
                throw tooLarge(declared + " bytes");
            }
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readNBytes(payloadLimit + 1);
                if (body.length > payloadLimit) {
                    throw tooLarge("more than " + payloadLimit + " bytes");
                }
                return body;
            } catch (IOException e) {
                throw ApiException.badRequest("could not read the request body: " + e.getMessage(), null);
            }
        }

        /** The body as a {@code type} record (400 naming the problem). */
        <T> T json(Class<T> type) {
            return Json.read(body(), type);
        }

        private long contentLength() {
            String value = exchange.getRequestHeaders().getFirst("Content-Length");
            try {
                return value == null ? -1 : Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid Content-Length header '" + value + "'", null);
            }
        }

        private ApiException tooLarge(String size) {
            return ApiException.tooLarge("the request body has " + size + ", more than the limit of " + payloadLimit
                    + " bytes (--payload-limit)", null);
        }
    }

    private final Map<String, Map<String, Function<Request, Reply>>> routes = new LinkedHashMap<>();
    private final Map<String, ErrorStyle> styles = new LinkedHashMap<>();
    private final int payloadLimit;
    private final Metrics metrics;
    private final AtomicInteger admitted = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean draining;

    Router(int payloadLimit, Metrics metrics) {
        this.payloadLimit = payloadLimit;
        this.metrics = metrics;
    }

    Router route(String method, String path, Function<Request, Reply> handler) {
        return route(method, path, handler, ErrorStyle.T4J);
    }

    /** A route whose errors (its own, and the router's 405 and 413) take {@code style}'s shape. */
    Router route(String method, String path, Function<Request, Reply> handler, ErrorStyle style) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
        styles.put(path, style);
        return this;
    }

    /**
     * From now on no request is admitted: each new one (on a new or a kept-alive connection) gets 503 with
     * {@code Connection: close}, and the responses of those already admitted carry {@code Connection: close} too,
     * so keep-alive clients cannot slip more requests in while the server drains.
     */
    void startDraining() {
        draining = true;
    }

    /** Requests admitted (not refused for draining) and not yet answered. */
    int admittedInFlight() {
        return admitted.get();
    }

    /** Waits until every admitted request has been answered, at most {@code timeout}; whether they all were. */
    boolean awaitAdmitted(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (admitted.get() > 0) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        admitted.incrementAndGet(); // before reading the flag: a request counted here is seen by awaitAdmitted
        String path = exchange.getRequestURI().getPath();
        ErrorStyle style = styles.getOrDefault(path, ErrorStyle.T4J);
        if (draining) {
            release();
            metrics.request("draining", 503);
            send(exchange, style.render(ApiException.unavailable("the server is shutting down", 1)), true);
            return;
        }
        try {
            Reply reply;
            try {
                reply = dispatch(exchange, path);
            } catch (ApiException e) {
                reply = style.render(e);
            } catch (IllegalArgumentException | TokenizerException | ChatTemplateException e) {
                reply = style.render(ApiException.invalid(e.getMessage(), null).withType(ApiException.TOKENIZER_OR_VALUE));
            } catch (RuntimeException | Error e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), path, e);
                reply = style.render(new ApiException(500, "internal error: " + e, null));
            }
            metrics.request(routes.containsKey(path) ? path : "unmatched", reply.status());
            send(exchange, reply, draining || clientAsksToClose(exchange));
        } finally {
            release();
        }
    }

    private void release() {
        if (admitted.decrementAndGet() == 0) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Whether the request's {@code Connection} header lists {@code close} (HTTP/1.1's way to end a connection). */
    private static boolean clientAsksToClose(HttpExchange exchange) {
        List<String> values = exchange.getRequestHeaders().get("Connection");
        return values != null && values.stream().flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .anyMatch(t -> t.strip().equalsIgnoreCase("close"));
    }

    private Reply dispatch(HttpExchange exchange, String path) {
        Map<String, Function<Request, Reply>> byMethod = routes.get(path);
        String method = exchange.getRequestMethod();
        if (byMethod == null) {
            throw new ApiException(404, "no endpoint " + method + " " + path + " (endpoints: " + endpoints() + ")", null);
        }
        Function<Request, Reply> handler = byMethod.get(method);
        if (handler == null) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
            throw new ApiException(405, path + " does not accept " + method + "; use " + String.join(" or ", byMethod.keySet()),
                    null);
        }
        return handler.apply(new Request(exchange, payloadLimit));
    }

    private String endpoints() {
        List<String> all = new ArrayList<>();
        routes.forEach((path, methods) -> methods.keySet().forEach(m -> all.add(m + " " + path)));
        return String.join(", ", all);
    }

    /** Writes {@code reply}; with {@code close} (or a 413) the connection closes after it ({@code Connection: close}). */
    private static void send(HttpExchange exchange, Reply reply, boolean close) {
        if (reply.body() instanceof Stream stream) {
            sendStream(exchange, reply, stream, close);
            return;
        }
        byte[] bytes = reply.body() instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : Json.write(reply.body());
        exchange.getResponseHeaders().set("Content-Type", reply.body() instanceof String
                ? "text/plain; version=0.0.4; charset=utf-8" : "application/json");
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (close || reply.status() == 413) { // 413: the rest of the body is not read
            exchange.getResponseHeaders().set("Connection", "close"); // the JDK server closes the connection after it
        }
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }

    /** Server-sent events: headers now, then the body chunk by chunk as the stream writes and flushes it. */
    private static void sendStream(HttpExchange exchange, Reply reply, Stream stream, boolean close) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (close) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        try {
            exchange.sendResponseHeaders(reply.status(), 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                stream.write(out);
            }
        } catch (IOException e) {
            LOG.debug("stream {} {} ended early: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }
}
