package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options the TEI and OpenAI APIs add to {@code t4j serve}: bad values are usage errors, named. */
class ServeOptionsTest {
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
    void badApiOptionsAreUsageErrors() {
        Run tokens = run("--model", model.toString(), "--max-batch-tokens", "-1");
        assertThat(tokens.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(tokens.err()).contains("--max-batch-tokens must be >= 0 (0: no token budget), got -1");
        Run pooling = run("--model", model.toString(), "--pooling", "max");
        assertThat(pooling.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(pooling.err()).contains("--pooling must be cls, mean or pooler, got 'max'");
    }

    @Test
    void aDefaultPromptTheFolderDoesNotHaveIsABadInput() {
        Run r = run("--model", model.toString(), "--port", "0", "--default-prompt-name", "query");
        assertThat(r.exit()).isEqualTo(ServerMain.DATA);
        assertThat(r.err()).contains("--default-prompt-name is 'query' but the model's sentence-transformers prompts");
    }
}
