package io.t4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code t4j example-loop}'s command line: help, and bad values as usage errors with a message, never a stack trace. */
class SentimentAnalysisLoopCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SentimentAnalysisLoop.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpDescribesTheOptions() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: t4j example-loop", "--freeze", "--epochs=N", "TRAIN_FILE", "VALIDATION_FILE");
    }

    @Test
    void badValuesAreUsageErrorsWithAMessage() {
        Run notANumber = run("--epochs", "x");
        assertThat(notANumber.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(notANumber.err()).contains("Invalid value for option '--epochs': 'x' is not an int")
                .doesNotContain("Exception");

        Run missing = run("--epochs");
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("Missing required parameter for option '--epochs'").doesNotContain("Exception");

        Run zero = run("--epochs", "0");
        assertThat(zero.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(zero.err()).contains("t4j example-loop: --epochs must be at least 1, got 0");

        Run unknown = run("--frobnicate");
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");

        Run extra = run("a.tsv", "b.tsv", "c.tsv");
        assertThat(extra.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(extra.err()).contains("Unmatched argument");
    }

    @Test
    void aMissingDataFileIsABadInputNamingIt() {
        Run r = run("--epochs", "1", "no/such/train.tsv");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("t4j example-loop: no/such/train.tsv: no such file").doesNotContain("Exception");
    }
}
