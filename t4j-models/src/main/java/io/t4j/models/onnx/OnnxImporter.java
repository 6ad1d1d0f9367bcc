package io.t4j.models.onnx;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.AutoConfig;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.onnx.BertGraphReader.BertCheckpoint;
import io.t4j.models.onnx.BertGraphReader.Source;
import io.t4j.models.onnx.TokenizerFiles.SpecialTokens;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an ONNX export of a BERT encoder into an HF checkpoint folder that {@code BertModel.fromPretrained} and
 * {@code BertForSequenceClassification.fromPretrained} load strictly and can train:
 * <ul>
 *   <li>{@code config.json}: model_type bert, architectures ["BertModel"], inferred from the graph (see
 *       {@link BertGraphReader} for the rules);</li>
 *   <li>{@code model.safetensors}: every parameter under its HF name, Linear weights transposed to [out, in]. An
 *       export without a pooler gives a checkpoint without one, and loading initialises it as a new head, as HF
 *       does;</li>
 *   <li>{@code tokenizer.json} (copied) and {@code tokenizer_config.json} (do_lower_case, model_max_length =
 *       max_position_embeddings, the [CLS]/[SEP]/[PAD]/[MASK]/[UNK] special tokens);</li>
 *   <li>{@value #IMPORT_INFO}: where each weight came from, and the graph constants left out.</li>
 * </ul>
 * Everything is written into a temporary sibling folder that is renamed into place at the end, so the output folder
 * either does not exist or is complete. The importer owns the native memory of its temporary tensors (one
 * {@link PointerScope} per import); nothing it returns holds tensors.
 */
public final class OnnxImporter {
    /** The provenance file written next to the weights. */
    public static final String IMPORT_INFO = "t4j_import.json";
    private static final Logger LOG = LoggerFactory.getLogger(OnnxImporter.class);

    private OnnxImporter() {}

    /**
     * Where an imported checkpoint came from ({@value #IMPORT_INFO}).
     *
     * @param origin         the ONNX file, or the artifact it was extracted from
     * @param sourceBytes    size of the ONNX file
     * @param producer       {@code producer_name producer_version} of the export
     * @param irVersion      the file's {@code ir_version}
     * @param opsetImport    operator set versions by domain
     * @param weights        HF name → ONNX initializer ("(transposed)" for Linear weights)
     * @param graphConstants initializers that are graph constants, not parameters
     */
    public record ImportInfo(String origin, long sourceBytes, String producer, long irVersion,
                             Map<String, Long> opsetImport, Map<String, String> weights, List<String> graphConstants) {}

    /** The result of an import: the checkpoint folder, its config and its provenance. */
    public record ImportedModel(Path folder, BertConfig config, ImportInfo info) {}

    /** Imports {@code onnxFile} (a BERT encoder) with its {@code tokenizerJson} into the new folder {@code outputDir}. */
    public static ImportedModel importBert(Path onnxFile, Path tokenizerJson, Path outputDir) {
        return importBert(onnxFile, tokenizerJson, outputDir, onnxFile.toAbsolutePath().toString());
    }

    /** As {@link #importBert(Path, Path, Path)}, recording {@code origin} (e.g. Maven coordinates) in t4j_import.json. */
    public static ImportedModel importBert(Path onnxFile, Path tokenizerJson, Path outputDir, String origin) {
        long start = System.nanoTime();
        Engine.init();
        Path target = outputDir.toAbsolutePath().normalize();
        checkTarget(target);
        SpecialTokens tokens = TokenizerFiles.read(tokenizerJson);
        try (OnnxModel model = OnnxModel.open(onnxFile)) {
            BertCheckpoint ckpt = new BertGraphReader(model).read(tokens.padTokenId());
            BertConfig config = ckpt.config();
            if (tokens.maxTokenId() >= config.vocabSize()) {
                throw new CheckpointException(tokenizerJson + ": token ids go up to " + tokens.maxTokenId() + " but "
                        + onnxFile + " has vocab_size " + config.vocabSize());
            }
            ImportInfo info = info(model, ckpt, origin);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".importing-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime());
            try {
                writeFolder(tmp, ckpt, tokenizerJson, tokens, info);
                moveIntoPlace(tmp, target);
            } catch (IOException e) {
                throw new CheckpointException(target + ": cannot write the imported checkpoint: " + e.getMessage(), e);
            } finally {
                deleteRecursively(tmp);
            }
            LOG.info("Imported {} ({} layers, hidden {}, {} tensors, {} transposed) into {} in {} ms", onnxFile,
                    config.numHiddenLayers(), config.hiddenSize(), ckpt.parameters().size(),
                    ckpt.parameters().stream().filter(Source::transposed).count(), target,
                    (System.nanoTime() - start) / 1_000_000);
            return new ImportedModel(target, config, info);
        }
    }

    private static void checkTarget(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new CheckpointException(target + ": exists and is not a directory");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new CheckpointException(target + ": already exists and is not empty (import into a new folder)");
            }
        } catch (IOException e) {
            throw new CheckpointException(target + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static ImportInfo info(OnnxModel model, BertCheckpoint ckpt, String origin) {
        Map<String, String> weights = new LinkedHashMap<>();
        for (Source s : ckpt.parameters()) {
            weights.put(s.hfName(), s.tensor().name() + (s.transposed() ? " (transposed)" : ""));
        }
        long bytes;
        try {
            bytes = Files.size(model.file());
        } catch (IOException e) {
            throw new CheckpointException(model.file() + ": cannot read size: " + e.getMessage(), e);
        }
        return new ImportInfo(origin, bytes, (model.producerName() + " " + model.producerVersion()).trim(),
                model.irVersion(), model.opsetImports(), weights, ckpt.constants());
    }

    private static void writeFolder(Path dir, BertCheckpoint ckpt, Path tokenizerJson, SpecialTokens tokens,
                                    ImportInfo info) throws IOException {
        Files.createDirectories(dir);
        writeWeights(dir, ckpt.parameters());
        AutoConfig.save(ckpt.config(), dir);
        TokenizerFiles.write(dir, tokenizerJson, tokens, ckpt.config().maxPositionEmbeddings());
        AutoConfig.JSON.writeValue(dir.resolve(IMPORT_INFO).toFile(), info);
    }

    /** model.safetensors with HF names, in BertModel's parameter order. */
    private static void writeWeights(Path dir, List<Source> parameters) {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Source s : parameters) {
                tensors.put(s.hfName(), toTorch(s.tensor(), s.transposed()));
            }
            Checkpoint.write(dir, tensors, Checkpoint.DEFAULT_MAX_SHARD_BYTES);
        }
    }

    /** An owned copy of {@code t} (ONNX data need not be aligned), transposed [in, out] → [out, in] when asked. */
    static Tensor toTorch(OnnxTensor t, boolean transpose) {
        if (t.dataType().dtype() == null) {
            throw new CheckpointException("tensor '" + t.name() + "' has type " + t.dataType() + ", which t4j cannot store");
        }
        Tensor out = torch.empty(t.dims(), new TensorOptions(t.dataType().dtype().scalarType()), null);
        MemorySegment.copy(t.data(), 0, Tensors.bytes(out), 0, t.data().byteSize());
        return transpose ? out.t().contiguous() : out; // [in, out] -> [out, in]
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new CheckpointException(target + ": appeared while importing (another import finished first?)", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary folder {}: {}", dir, e.getMessage());
        }
    }
}
