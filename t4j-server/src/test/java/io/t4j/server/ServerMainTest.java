package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code t4j serve} as a user runs it: exit codes for bad options and models, and a real process stopped by SIGTERM. */
class ServerMainTest {
    @TempDir static Path tmp;
    static Path model;

    @BeforeAll
    static void modelFolder() {
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
    }

    record Run(int exit, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ServerMain.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void badOptionsAreUsageErrors() {
        Run unknown = run("--model", model.toString(), "--frobnicate");
        assertThat(unknown.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");

        Run dtype = run("--model", model.toString(), "--dtype", "int4");
        assertThat(dtype.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(dtype.err()).contains("--dtype must be auto, float32, bfloat16 or int8, got 'int4'");

        Run batch = run("--model", model.toString(), "--max-batch-size", "0");
        assertThat(batch.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(batch.err()).contains("--max-batch-size must be at least 1, got 0");

        assertThat(run().exit()).isEqualTo(ServerMain.USAGE);
    }

    @Test
    void aMissingModelFolderIsABadInput() {
        Run r = run("--model", tmp.resolve("no/such/model").toString(), "--port", "0");
        assertThat(r.exit()).isEqualTo(ServerMain.DATA);
        assertThat(r.err()).contains("no such model folder");
    }

    /** A {@code t4j serve} child process on a free port; its log in {@code log}. */
    static Process serve(Path log, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--model", model.toString(), "--port", "0"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static URI awaitReady(Process p, Path log) throws Exception {
        String dtype = io.t4j.engine.Cpu.current().nativeBf16() ? "bfloat16" : "float32"; // what --dtype auto picks here
        Pattern ready = Pattern.compile("t4j serve: .* \\(bert, " + dtype + "\\) on (http://127\\.0\\.0\\.1:\\d+): classify, embed");
        for (int i = 0; i < 1200 && p.isAlive(); i++) { // at most 60 s
            Matcher m = ready.matcher(Files.readString(log));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not start:\n" + Files.readString(log));
    }

    @Test
    void aRealProcessServesThenDrainsOnSigterm() throws Exception {
        Path log = tmp.resolve("serve.log");
        Process p = serve(log);
        try {
            URI base = awaitReady(p, log);
            Http.Response r = Http.post(base, "/v1/classify", "{\"inputs\": \"w7 w9 w11\"}");
            assertThat(r.status()).isEqualTo(200);
            p.destroy(); // SIGTERM: drains and frees the model
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit code after a clean drain").isEqualTo(ServerMain.OK);
            assertThat(Files.readString(log)).contains("t4j serve: draining 0 requests", "t4j serve: stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * SIGTERM with keep-alive clients: a request admitted before it (its body still arriving) is answered with
     * {@code Connection: close}; a new request on a kept-alive connection gets 503 with {@code Connection: close}
     * and the connection ends; a new connection is refused or gets 503; the process exits 0. Before, requests on
     * open connections kept being admitted after SIGTERM and the process exited 143.
     */
    @Test
    void sigtermStopsAdmittingAndAnswersWhatWasAdmitted() throws Exception {
        Path log = tmp.resolve("drain.log");
        Process p = serve(log, "--drain-timeout-s", "20");
        String json = "{\"inputs\": \"w7 w9 w11\"}";
        try {
            URI base = awaitReady(p, log);
            RawHttp keptAlive = new RawHttp(base);
            RawHttp slow = new RawHttp(base);
            try (RawHttp asksToClose = new RawHttp(base)) {
                asksToClose.post("/v1/classify", json, "Connection: close");
                RawHttp.Response r = asksToClose.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.closes()).as("Connection: close echoed when the client asks").isTrue();
                assertThat(asksToClose.closedByServer()).isTrue();
            }
            for (int i = 0; i < 3; i++) { // a kept-alive connection, used several times
                keptAlive.post("/v1/classify", json);
                RawHttp.Response r = keptAlive.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.closes()).isFalse();
            }
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            slow.write(RawHttp.head("/v1/classify", body.length) + json.substring(0, 5)); // admitted, body pending
            Thread.sleep(500);

            p.destroy(); // SIGTERM
            Thread.sleep(1000); // the server is draining now, held open by the slow request

            keptAlive.post("/v1/classify", json);
            RawHttp.Response refused = keptAlive.read();
            assertThat(refused).as("a response, not a dropped connection").isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("shutting down");
            assertThat(refused.closes()).isTrue();
            assertThat(keptAlive.closedByServer()).isTrue();

            try (RawHttp fresh = new RawHttp(base)) {
                fresh.post("/v1/classify", json);
                RawHttp.Response late = fresh.read();
                assertThat(late == null || late.status() == 503).as("a new connection is never admitted").isTrue();
            } catch (java.net.ConnectException listenerClosed) {
                // the listener closes at SIGTERM: refused is the expected answer
            }

            slow.write(json.substring(5));
            RawHttp.Response answered = slow.read();
            assertThat(answered).as("the admitted request is answered").isNotNull();
            assertThat(answered.status()).isEqualTo(200);
            assertThat(answered.body()).contains("\"label\"");
            assertThat(answered.closes()).isTrue();
            assertThat(slow.closedByServer()).isTrue();

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(ServerMain.OK);
            assertThat(Files.readString(log)).contains("t4j serve: stopped").doesNotContain("timed out");
            keptAlive.close();
            slow.close();
        } finally {
            p.destroyForcibly();
        }
    }
}
