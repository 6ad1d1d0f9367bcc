package io.t4j.server;

import java.time.Duration;

/**
 * How a {@link T4jServer} listens, batches and limits requests. Limits carry TEI's names where TEI has them.
 *
 * @param host                  the address to bind (127.0.0.1: this machine only)
 * @param port                  the port (0: any free port)
 * @param maxBatchSize          texts per micro-batch (1: every request runs alone)
 * @param maxWait               how long a batch waits to fill (0: merge only what is already queued)
 * @param maxConcurrentRequests requests queued or running before new ones get 503
 * @param maxClientBatchSize    inputs (texts) per request; more is a 413
 * @param maxInputChars         characters per text; more is a 413
 * @param payloadLimit          request body bytes; more is a 413
 * @param drainTimeout          on shutdown, how long to wait for in-flight requests
 */
public record ServerConfig(String host, int port, int maxBatchSize, Duration maxWait, int maxConcurrentRequests,
                           int maxClientBatchSize, int maxInputChars, int payloadLimit, Duration drainTimeout) {
    public ServerConfig {
        positive(maxBatchSize, "max_batch_size");
        positive(maxConcurrentRequests, "max_concurrent_requests");
        positive(maxClientBatchSize, "max_client_batch_size");
        positive(maxInputChars, "max_input_chars");
        positive(payloadLimit, "payload_limit");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxWait.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("max_wait and drain_timeout must not be negative");
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /**
     * 127.0.0.1:8080; batches of up to 32 texts, merged from what is queued when the model is free, without waiting
     * (waiting 5 ms, the default until 2026-12-08, doubled a lone request's latency; t4j-server/README.md);
     * 128 concurrent requests; TEI's 32 inputs per request and 2 MB payload; 10,000 characters per text; 30 s drain.
     */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, 32, Duration.ZERO, 128, 32, 10_000, 2_000_000,
                Duration.ofSeconds(30));
    }

    public ServerConfig withAddress(String h, int p) {
        return new ServerConfig(h, p, maxBatchSize, maxWait, maxConcurrentRequests, maxClientBatchSize, maxInputChars,
                payloadLimit, drainTimeout);
    }

    public ServerConfig withBatching(int size, Duration wait) {
        return new ServerConfig(host, port, size, wait, maxConcurrentRequests, maxClientBatchSize, maxInputChars,
                payloadLimit, drainTimeout);
    }

    public ServerConfig withMaxConcurrentRequests(int n) {
        return new ServerConfig(host, port, maxBatchSize, maxWait, n, maxClientBatchSize, maxInputChars, payloadLimit,
                drainTimeout);
    }

    public ServerConfig withInputLimits(int clientBatchSize, int inputChars, int payloadBytes) {
        return new ServerConfig(host, port, maxBatchSize, maxWait, maxConcurrentRequests, clientBatchSize, inputChars,
                payloadBytes, drainTimeout);
    }

    public ServerConfig withDrainTimeout(Duration d) {
        return new ServerConfig(host, port, maxBatchSize, maxWait, maxConcurrentRequests, maxClientBatchSize,
                maxInputChars, payloadLimit, d);
    }

    /** The limits as {@code GET /v1/models} reports them. */
    public Api.Limits limits() {
        return new Api.Limits(maxClientBatchSize, maxInputChars, payloadLimit, maxConcurrentRequests, maxBatchSize,
                maxWait.toMillis());
    }
}
