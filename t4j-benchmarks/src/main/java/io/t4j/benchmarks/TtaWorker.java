package io.t4j.benchmarks;

import io.t4j.cli.T4j;
import io.t4j.cli.commands.TrainCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the {@code tta} section, in its own JVM: {@code t4j train} with the section's {@link TtaSection.Watch};
 * writes the run as JSON. Arguments: the parent's launch time (epoch ms), the metric key, the target, the limit in
 * seconds, the seed, the JSON path, then the {@code t4j train} arguments. Exits with the command's exit code.
 */
public final class TtaWorker {
    private TtaWorker() {}

    public static void main(String[] args) throws IOException {
        long launched = Long.parseLong(args[0]);
        var watch = new TtaSection.Watch(args[1], Double.parseDouble(args[2]), Double.parseDouble(args[3]), launched);
        int seed = Integer.parseInt(args[4]);
        Path json = Path.of(args[5]);
        List<String> trainArgs = Arrays.asList(args).subList(6, args.length);
        CommandLine cl = TrainCommand.commandLine(List.of(watch));
        cl.setExecutionExceptionHandler(T4j::handle);
        int exit = cl.execute(trainArgs.toArray(String[]::new));
        Bench.JSON.writeValue(json.toFile(), watch.run(seed, exit));
        System.exit(exit);
    }
}
