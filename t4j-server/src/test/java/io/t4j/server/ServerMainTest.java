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

    @Test
    void aRealProcessServesThenDrainsOnSigterm() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--model", model.toString(), "--port", "0"));
        Path log = tmp.resolve("serve.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Pattern ready = Pattern.compile("t4j serve: .* \\(bert, float32\\) on (http://127\\.0\\.0\\.1:\\d+): classify, embed");
            URI base = null;
            while (base == null && p.isAlive()) {
                Matcher m = ready.matcher(Files.readString(log));
                if (m.find()) {
                    base = URI.create(m.group(1));
                }
                Thread.sleep(50);
            }
            assertThat(base).as(Files.readString(log)).isNotNull();
            Http.Response r = Http.post(base, "/v1/classify", "{\"inputs\": \"w7 w9 w11\"}");
            assertThat(r.status()).isEqualTo(200);
            p.destroy(); // SIGTERM: the shutdown hook drains and frees the model
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("t4j serve: draining 0 requests", "t4j serve: stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
