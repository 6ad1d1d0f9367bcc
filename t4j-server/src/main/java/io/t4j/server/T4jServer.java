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
 * {@code POST /v1/classify} (or {@code POST /v1/token-classification} for a token classifier, or
 * {@code POST /v1/question-answering} for a question-answering head) and {@code POST /v1/embed}; for a causal LM
 * {@code POST /v1/generate} and {@code POST /v1/zero-shot}. The server owns the model: {@link #close()} drains (stops
 * admitting, answers every admitted request, batching without waiting), then frees it.
 */
public final class T4jServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(T4jServer.class);

    private final HttpServer http;
    private final ExecutorService requests;
    private final ServedModel model;
    private final ServerConfig config;
    private final MicroBatcher<?> queue;
    private final Metrics metrics;
    /** Seconds past the drain timeout the listener's stop waits for requests failed at the timeout to be written. */
    private static final int GRACE_SECONDS = 5;

    private final Router router;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean cutShort;

    private T4jServer(HttpServer http, Router router, ExecutorService requests, ServedModel model, ServerConfig config,
                      MicroBatcher<?> queue, Metrics metrics) {
        this.http = http;
        this.router = router;
        this.requests = requests;
        this.model = model;
        this.config = config;
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Binds {@code config}'s address and starts serving {@code model}, which the server now owns. */
    public static T4jServer start(ServedModel model, ServerConfig config) throws IOException {
        return start(model, config, ApiOptions.defaults());
    }

    /** As {@link #start(ServedModel, ServerConfig)}, with the TEI/OpenAI options (token budget, model name, ...). */
    public static T4jServer start(ServedModel model, ServerConfig config, ApiOptions options) throws IOException {
        Metrics metrics = new Metrics();
        MicroBatcher<BatchJob<?>> queue = model.generative()
                ? new MicroBatcher<>("decoder", 1, java.time.Duration.ZERO, config.maxConcurrentRequests(),
                        T4jServer::runBatch, metrics)
                : new MicroBatcher<>("encoder", config.maxBatchSize(), options.maxBatchTokens(), config.maxWait(),
                        config.maxConcurrentRequests(), T4jServer::runBatch, metrics);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        } catch (IOException e) {
            queue.close();
            throw e;
        }
        Endpoints endpoints = new Endpoints(model, config, queue, options.maxBatchTokens() > 0);
        TeiEndpoints tei = new TeiEndpoints(model, config, options, queue);
        OpenAiEndpoints openAi = new OpenAiEndpoints(model, config, options, queue, tei);
        Router router = new Router(config.payloadLimit(), metrics)
                .route("GET", "/health", endpoints::health)
                .route("GET", "/v1/models", openAi::models, OpenAiEndpoints.STYLE)
                .route("POST", "/v1/chat/completions", openAi::chat, OpenAiEndpoints.STYLE)
                .route("POST", "/v1/completions", openAi::completions, OpenAiEndpoints.STYLE)
                .route("POST", "/v1/embeddings", openAi::embeddings, OpenAiEndpoints.STYLE)
                .route("GET", "/info", tei::info, TeiEndpoints.STYLE)
                .route("POST", "/predict", tei::predict, TeiEndpoints.STYLE)
                .route("POST", "/rerank", tei::rerank, TeiEndpoints.STYLE)
                .route("POST", "/embed", tei::embed, TeiEndpoints.STYLE)
                .route("POST", "/tokenize", tei::tokenize, TeiEndpoints.STYLE)
                .route("POST", "/decode", tei::decode, TeiEndpoints.STYLE)
                .route("GET", "/metrics", r -> new Router.Reply(200, metrics.render(), java.util.Map.of()))
                .route("POST", "/v1/classify", endpoints::classify)
                .route("POST", "/v1/token-classification", endpoints::tokenClassification)
                .route("POST", "/v1/question-answering", endpoints::questionAnswering)
                .route("POST", "/v1/embed", endpoints::embed)
                .route("POST", "/v1/generate", endpoints::generate)
                .route("POST", "/v1/zero-shot", endpoints::zeroShot);
        http.createContext("/", router);
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(requests);
        http.start();
        return new T4jServer(http, router, requests, model, config, queue, metrics);
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
     * Graceful shutdown (the drain): from now on every new request, also on a kept-alive connection, gets 503 with
     * {@code Connection: close}, the listener closes, batches stop waiting to fill, and every request already
     * admitted is answered (with {@code Connection: close}) within the drain timeout; any still queued then are
     * answered 503, and connections still open after a grace period are closed. Then the model is freed.
     * Idempotent; a second caller waits for the first to finish. {@link #drainedCleanly()} tells whether every
     * admitted request got its answer.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        LOG.info("draining: {} requests admitted, {} queued or running", router.admittedInFlight(), queue.size());
        router.startDraining();
        queue.drain();
        long timeout = Math.max(1, config.drainTimeout().toSeconds());
        // stop() closes the listener at once, then returns when no exchange is left (each one now closes its
        // connection) or after the delay, when it closes every connection still open
        Thread stopper = Thread.ofPlatform().name("t4j-http-stop").start(() -> http.stop((int) (timeout + GRACE_SECONDS)));
        try {
            if (!router.awaitAdmitted(config.drainTimeout())) {
                int refused = queue.failQueued(ApiException.unavailable("the server is shutting down: "
                        + "--drain-timeout-s " + timeout + " ran out before this request reached the model", 1));
                LOG.warn("drain timeout ({} s): {} queued requests answered 503, {} still running", timeout, refused,
                        Math.max(0, router.admittedInFlight() - refused));
                cutShort = true;
            }
            stopper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int unanswered = router.admittedInFlight();
        if (unanswered > 0) {
            LOG.warn("{} admitted requests were still running when their connections closed", unanswered);
            cutShort = true;
        }
        queue.close();
        requests.close();
        model.close();
        closed.countDown();
        LOG.info("stopped");
    }

    /** After {@link #close()}: whether every admitted request was answered with its result within the drain timeout. */
    public boolean drainedCleanly() {
        return closed.getCount() == 0 && !cutShort;
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
