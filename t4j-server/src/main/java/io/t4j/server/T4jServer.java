package io.t4j.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST server: the JDK's {@code com.sun.net.httpserver} with one virtual thread per request, in front of one
 * {@link MicroBatcher} (one inference thread) over the served model.
 *
 * <p>Endpoints: {@code GET /health}, {@code GET /v1/models}, {@code GET /metrics}; for an encoder
 * {@code POST /v1/classify} (or {@code POST /v1/question-answering} for a question-answering head) and
 * {@code POST /v1/embed}; for a causal LM {@code POST /v1/generate} and
 * {@code POST /v1/zero-shot}. The server owns the model: {@link #close()} drains (stops accepting, answers every
 * admitted request, batching without waiting), then frees it.
 */
public final class T4jServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(T4jServer.class);

    private final HttpServer http;
    private final ExecutorService requests;
    private final ServedModel model;
    private final ServerConfig config;
    private final MicroBatcher<?> queue;
    private final Metrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private T4jServer(HttpServer http, ExecutorService requests, ServedModel model, ServerConfig config,
                      MicroBatcher<?> queue, Metrics metrics) {
        this.http = http;
        this.requests = requests;
        this.model = model;
        this.config = config;
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Binds {@code config}'s address and starts serving {@code model}, which the server now owns. */
    public static T4jServer start(ServedModel model, ServerConfig config) throws IOException {
        Metrics metrics = new Metrics();
        MicroBatcher<BatchJob<?>> queue = model.generative()
                ? new MicroBatcher<>("decoder", 1, java.time.Duration.ZERO, config.maxConcurrentRequests(),
                        T4jServer::runBatch, metrics)
                : new MicroBatcher<>("encoder", config.maxBatchSize(), config.maxWait(), config.maxConcurrentRequests(),
                        T4jServer::runBatch, metrics);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        } catch (IOException e) {
            queue.close();
            throw e;
        }
        Endpoints endpoints = new Endpoints(model, config, queue);
        Router router = new Router(config.payloadLimit(), metrics)
                .route("GET", "/health", endpoints::health)
                .route("GET", "/v1/models", endpoints::models)
                .route("GET", "/metrics", r -> new Router.Reply(200, metrics.render(), java.util.Map.of()))
                .route("POST", "/v1/classify", endpoints::classify)
                .route("POST", "/v1/question-answering", endpoints::questionAnswering)
                .route("POST", "/v1/embed", endpoints::embed)
                .route("POST", "/v1/generate", endpoints::generate)
                .route("POST", "/v1/zero-shot", endpoints::zeroShot);
        http.createContext("/", router);
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(requests);
        http.start();
        return new T4jServer(http, requests, model, config, queue, metrics);
    }

    /** A batch of jobs with equal keys, run by the first job's task runner. */
    private static void runBatch(List<BatchJob<?>> batch) {
        batch.getFirst().runBatch(batch);
    }

    /** The bound address (with the real port when the config asked for port 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** {@code http://host:port}. */
    public URI uri() {
        return URI.create("http://" + config.host() + ":" + address().getPort());
    }

    /** Requests queued or running. */
    public int queueSize() {
        return queue.size();
    }

    public ServedModel model() {
        return model;
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * Graceful shutdown: batches stop waiting to fill, the listener closes, in-flight requests are answered (waiting
     * up to the drain timeout for their exchanges), every admitted job runs, then the model is freed. Idempotent;
     * a second caller waits for the first to finish.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        LOG.info("draining: {} requests queued or running", queue.size());
        queue.drain();
        http.stop((int) Math.max(1, config.drainTimeout().toSeconds()));
        queue.close();
        requests.close();
        model.close();
        closed.countDown();
        LOG.info("stopped");
    }

    /** Blocks until {@link #close()} has finished (from another thread, e.g. a shutdown hook). */
    public void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
