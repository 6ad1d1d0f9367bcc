package io.t4j.server;

import io.t4j.engine.CheckpointException;
import io.t4j.hub.HubException;
import io.t4j.hub.Pretrained;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code t4j serve}: loads one model and serves it over HTTP until stopped (SIGTERM or Ctrl-C drain it first).
 * Exit codes are the t4j command line's: 0 stopped after a drain that answered every admitted request, 1 failure,
 * 2 bad option (or the port is taken, or an invalid repo id), 3 bad model folder or value, 4 hub unavailable, and
 * 6 stopped after a drain that ran out of {@code --drain-timeout-s} (requests still queued were answered 503).
 */
@Command(name = "t4j serve", mixinStandardHelpOptions = true, version = "t4j 0.1.0", sortOptions = false,
        description = {"Serve a model over HTTP/JSON. Encoders: TEI's POST /predict, /rerank, /embed, /tokenize, "
                + "/decode, GET /info, OpenAI's POST /v1/embeddings, and /v1/classify, /v1/embed. Causal LMs: OpenAI's "
                + "POST /v1/chat/completions (streaming, guided_choice) and /v1/completions, and /v1/generate, "
                + "/v1/zero-shot. GET /health, /v1/models, /metrics."})
public final class ServerMain implements Callable<Integer> {
    static final int OK = 0;
    static final int SOFTWARE = 1;
    static final int USAGE = 2;
    static final int DATA = 3;
    static final int UNAVAILABLE = 4;
    /** Stopped, but the drain timed out: some admitted requests were answered 503 or cut. */
    static final int DRAIN_TIMEOUT = 6;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id (org/name), or 'default' (bge-small-en-v1.5 from Maven Central).")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--no-warm-up", description = "Start without the warm-up forwards an encoder runs before its first "
            + "request (one per token count up to T4J_SMALL_FORWARD_TOKENS, 64, on each intra-op thread arm): ready "
            + "sooner and smaller (bge-small bf16: 0.6 against 1.4 GB RSS at start), while the first requests of each "
            + "length pay for new oneDNN kernels.")
    boolean noWarmUp;

    @Option(names = "--dtype", defaultValue = "auto", description = "auto (bfloat16 where the CPU computes bf16 natively: "
            + "AVX512_BF16 or AMX; else float32), float32, bfloat16, or int8 (the encoder's Linear layers quantized per "
            + "channel, activations per call) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-batch-size", defaultValue = "32", description = "Texts per micro-batch; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--max-wait-ms", defaultValue = "0", description = "How long a micro-batch waits to fill; 0 merges what is "
            + "queued when the model is free, as TEI does (default: ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Option(names = "--max-concurrent-requests", defaultValue = "128", description = "Requests queued or running before 503 (default: ${DEFAULT-VALUE}).")
    int maxConcurrentRequests;

    @Option(names = "--max-client-batch-size", defaultValue = "32", description = "Inputs per request (default: ${DEFAULT-VALUE}).")
    int maxClientBatchSize;

    @Option(names = "--max-input-chars", defaultValue = "10000", description = "Characters per input text (default: ${DEFAULT-VALUE}).")
    int maxInputChars;

    @Option(names = "--payload-limit", defaultValue = "2000000", description = "Request body bytes (default: ${DEFAULT-VALUE}).")
    int payloadLimit;

    @Option(names = "--max-batch-tokens", defaultValue = "16384",
            description = "TEI's token budget: a micro-batch's padded tokens (longest text x texts) stay within this, so "
                    + "a long text does not pad many short ones; 0 bounds batches by --max-batch-size only "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--auto-truncate", description = "TEI's: truncate over-long inputs when a request does not say (TEI "
            + "requests default to refusing them with 413).")
    boolean autoTruncate;

    @Option(names = "--pooling", paramLabel = "cls|mean", description = "Pooling of /embed and /v1/embeddings "
            + "(default: the folder's 1_Pooling/config.json, else cls).")
    String pooling;

    @Option(names = "--default-prompt-name", paramLabel = "NAME", description = "A sentence-transformers prompt "
            + "(config_sentence_transformers.json) applied when an embedding request names none.")
    String defaultPromptName;

    @Option(names = "--served-model-name", paramLabel = "NAME", description = "The model id OpenAI clients send and "
            + "GET /v1/models lists (default: the --model argument).")
    String servedModelName;

    @Option(names = "--drain-timeout-s", defaultValue = "30", description = "On SIGTERM or Ctrl-C, seconds to answer the "
            + "requests already admitted (new ones get 503 at once); exit 0 when all were answered, 6 when time ran "
            + "out (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Override
    public Integer call() throws IOException {
        ServerConfig config = config();
        ApiOptions api = apiOptions();
        checkDtype();
        Path dir = resolve();
        ServedModel served = ServedModel.load(dir, model, PretrainedOptions.forInference(dtype, dir), !noWarmUp);
        T4jServer server;
        try {
            checkDefaultPrompt(served, api);
            server = T4jServer.start(served, config, api);
        } catch (IOException | RuntimeException e) {
            served.close();
            throw e;
        }
        Runnable drain = () -> {
            System.err.printf("t4j serve: draining %d requests%n", server.queueSize());
            server.close();
            System.err.println(server.drainedCleanly() ? "t4j serve: stopped"
                    : "t4j serve: stopped; the drain timed out (--drain-timeout-s " + drainSeconds + ")");
        };
        // SIGTERM and Ctrl-C drain and then return from here, so the exit code is ours (the JVM's own handling
        // would exit 143 or 130); the hook covers any other way the JVM shuts down
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal),
                    s -> Thread.ofPlatform().name("t4j-drain").start(drain));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "t4j-shutdown"));
        Api.ModelInfo info = served.info();
        System.err.printf("t4j serve: %s (%s, %s) on %s: %s%n", model, info.modelType(), info.dtype(), server.uri(),
                String.join(", ", info.tasks()));
        server.awaitClosed();
        return server.drainedCleanly() ? OK : DRAIN_TIMEOUT;
    }

    private ServerConfig config() {
        try {
            return new ServerConfig(host, port, maxBatchSize, Duration.ofMillis(maxWaitMs), maxConcurrentRequests,
                    maxClientBatchSize, maxInputChars, payloadLimit, Duration.ofSeconds(drainSeconds));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage().replace('_', '-'));
        }
    }

    /** TEI fails at start-up when --default-prompt-name is not one of the folder's prompts; so does t4j. */
    private static void checkDefaultPrompt(ServedModel served, ApiOptions api) {
        if (api.defaultPromptName() == null) {
            return;
        }
        var prompts = served.runner(EmbedRunner.class).map(e -> e.sentenceTransformers().prompts()).orElse(java.util.Map.of());
        if (!prompts.containsKey(api.defaultPromptName())) {
            throw new IllegalArgumentException("--default-prompt-name is '" + api.defaultPromptName() + "' but the model's "
                    + "sentence-transformers prompts (config_sentence_transformers.json) are " + prompts.keySet());
        }
    }

    private ApiOptions apiOptions() {
        try {
            return new ApiOptions(servedModelName, maxBatchTokens, autoTruncate,
                    pooling == null ? null : io.t4j.pipelines.Pooling.parse(pooling), defaultPromptName);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage().replace('_', '-'));
        }
    }

    /** A bad --dtype is a usage error before any model is resolved or downloaded. */
    private void checkDtype() {
        try {
            PretrainedOptions.forInference(dtype, Path.of(""));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code default}, a folder, or a hub id (downloaded into HF's cache), as the CLI's {@code --model}. */
    private Path resolve() {
        if (model.equals("default")) {
            return DefaultModels.bgeSmallEnV15();
        }
        return Pretrained.resolve(model, revision, p -> {
            if (p.totalBytes() > 0 && p.bytesDone() == p.totalBytes()) {
                System.err.printf("downloaded %s/%s (%,d bytes)%n", model, p.filename(), p.totalBytes());
            }
        });
    }

    /** The configured command line: failures become one-line messages and exit codes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ServerMain());
        cl.setExecutionExceptionHandler(ServerMain::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        err.println("t4j serve: " + (e instanceof BindException ? "cannot listen on the --host/--port given: " + m : m));
        if (Boolean.getBoolean("t4j.debug")) {
            e.printStackTrace(err);
        }
        return switch (e) {
            case BindException b -> USAGE;
            case HubException h when h.reason() == HubException.Reason.INVALID_NAME -> USAGE; // a repo id like '../../etc'
            case HubException h -> UNAVAILABLE;
            case CheckpointException c -> DATA;
            case TokenizerException t -> DATA;
            case IllegalArgumentException i -> DATA;
            case UncheckedIOException io -> DATA;
            case IOException io -> DATA;
            default -> SOFTWARE;
        };
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
