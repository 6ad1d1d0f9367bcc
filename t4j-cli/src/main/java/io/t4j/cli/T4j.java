package io.t4j.cli;

import io.t4j.cli.commands.DownloadCommand;
import io.t4j.cli.commands.ClassifyLlmCommand;
import io.t4j.cli.commands.DemoCommand;
import io.t4j.cli.commands.EvalLlmCommand;
import io.t4j.cli.commands.EmbedCommand;
import io.t4j.cli.commands.ImportOnnxCommand;
import io.t4j.cli.commands.EvalCommand;
import io.t4j.cli.commands.FillMaskCommand;
import io.t4j.cli.commands.GenerateCommand;
import io.t4j.cli.commands.InfoCommand;
import io.t4j.cli.commands.PredictCommand;
import io.t4j.engine.CheckpointException;
import io.t4j.hub.HubException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code t4j}: Hugging Face-style transformer text classification from the command line. */
@Command(name = "t4j", mixinStandardHelpOptions = true, version = "t4j 0.1.0",
        description = "Fine-tune, evaluate and run Hugging Face transformer text classifiers in Java.",
        subcommands = {DemoCommand.class, EvalCommand.class, PredictCommand.class, FillMaskCommand.class, GenerateCommand.class, ClassifyLlmCommand.class, EvalLlmCommand.class, EmbedCommand.class, ImportOnnxCommand.class, InfoCommand.class, DownloadCommand.class,
                CommandLine.HelpCommand.class})
public final class T4j implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line: exceptions become one-line messages and exit codes, never stack traces. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new T4j());
        cl.addSubcommand("train", io.t4j.cli.commands.TrainCommand.commandLine());
        cl.addSubcommand("pretrain", io.t4j.cli.commands.PretrainCommand.commandLine());
        cl.setExecutionExceptionHandler(T4j::handle);
        return cl;
    }

    /**
     * Exceptions of a command as one-line messages and the exit codes of {@link ExitCode}: for commands outside this
     * CLI that the launcher runs (e.g. {@code t4j example-loop}).
     */
    public static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String name = cl.getCommandName().startsWith("t4j ") ? cl.getCommandName() : "t4j " + cl.getCommandName();
        err.println(cl.getColorScheme().errorText(name + ": " + message(e)));
        if (Boolean.getBoolean("t4j.debug")) {
            e.printStackTrace(err);
        }
        return switch (e) {
            case HubException h when h.reason() == HubException.Reason.INVALID_NAME -> ExitCode.USAGE; // '../../etc'
            case HubException h -> ExitCode.UNAVAILABLE;
            case CheckpointException c -> ExitCode.DATA;
            case IllegalArgumentException i -> ExitCode.DATA;
            case java.io.IOException io -> ExitCode.DATA;
            case java.io.UncheckedIOException io -> ExitCode.DATA;
            case UserException u -> u.exitCode();
            case io.t4j.trainer.TrainingDivergedException d -> ExitCode.TRAINING_DIVERGED;
            case io.t4j.data.DataException d -> ExitCode.DATA;
            case io.t4j.tokenizers.TokenizerException t -> ExitCode.DATA;
            default -> ExitCode.SOFTWARE;
        };
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
