package io.t4j.spark;

import io.t4j.hub.Pretrained;
import io.t4j.models.onnx.DefaultModels;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Where a model folder comes from, resolved on each executor: a local folder (the same path on every machine), a hub
 * repo id (HF's cache, as {@code from_pretrained} reads it; downloaded there if the cache lacks it and the hub is
 * reachable), or any Hadoop filesystem URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code gs://},
 * {@code file:/}, ...) whose files are copied once per executor machine into {@code -Dt4j.spark.modelCache}
 * or {@code $T4J_HOME/spark-models} ({@code ~/.cache/t4j/spark-models}), under {@code <hash>-<name>/}, and reused
 * ({@code file:} URIs are read in place). The hash covers the URI and every file's name, length and
 * modification time, so a replaced model is fetched again; the copy is written to a temporary folder and moved into
 * place, so executors sharing a disk never see half a model. Serializable: it carries the driver's Hadoop
 * configuration to the executors.
 */
final class ModelSource implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The executors' local copy of remote models (a system property, e.g. in spark.executor.extraJavaOptions). */
    static final String CACHE_PROPERTY = "t4j.spark.modelCache";
    private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();

    private final String model;
    private final SerializableConfiguration hadoopConf;

    ModelSource(String model, Configuration hadoopConf) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is not set: setModel(a model folder, a hub repo id or a Hadoop URI)");
        }
        this.model = model;
        this.hadoopConf = new SerializableConfiguration(hadoopConf);
    }

    String model() {
        return model;
    }

    /** The local folder of this model on this machine (copied on first use in this JVM when remote). */
    Path resolve() {
        return RESOLVED.computeIfAbsent(model, m -> resolve(m, hadoopConf.value(), cacheRoot()));
    }

    /** {@code -Dt4j.spark.modelCache=DIR}, else {@code $T4J_HOME/spark-models} (default {@code ~/.cache/t4j/spark-models}). */
    static Path cacheRoot() {
        String dir = System.getProperty(CACHE_PROPERTY);
        return dir != null ? Path.of(dir) : DefaultModels.cacheHome().resolve("spark-models");
    }

    /** Whether {@code model} names a Hadoop filesystem URI rather than a local folder or a hub repo id. */
    static boolean isHadoopUri(String model) {
        // a scheme of 2+ characters, then ":/" (hdfs://nn/x, file:/x, s3a://b/x; a Windows drive "C:\\" is not one)
        return model.matches("[A-Za-z][A-Za-z0-9+.-]+:/.*");
    }

    static Path resolve(String model, Configuration conf, Path cacheRoot) {
        if (!isHadoopUri(model)) {
            return Pretrained.resolve(model);
        }
        if (model.startsWith("file:")) {
            Path local = Path.of(URI.create(model));
            if (!Files.isDirectory(local)) {
                throw new IllegalArgumentException(model + ": no such model folder on this machine");
            }
            return local;
        }
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(model);
            FileSystem fs = remote.getFileSystem(conf);
            if (!fs.getFileStatus(remote).isDirectory()) {
                throw new IllegalArgumentException(model + ": not a folder (a model folder holds config.json, the weights "
                        + "and the tokenizer files)");
            }
            FileStatus[] files = fs.listStatus(remote);
            if (files.length == 0) {
                throw new IllegalArgumentException(model + ": an empty folder, not a model (no config.json)");
            }
            List<String> names = new ArrayList<>();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(model.getBytes(StandardCharsets.UTF_8));
            java.util.Arrays.sort(files, java.util.Comparator.comparing(f -> f.getPath().getName()));
            for (FileStatus f : files) {
                names.add(f.getPath().getName());
                sha.update(('\n' + f.getPath().getName() + '\t' + f.getLen() + '\t' + f.getModificationTime())
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (!names.contains("config.json")) {
                throw new IllegalArgumentException(model + ": no config.json there (files: " + names + ")");
            }
            String name = remote.getName().replaceAll("[^A-Za-z0-9._-]", "_");
            Path target = cacheRoot.resolve(HexFormat.of().formatHex(sha.digest(), 0, 8) + "-" + name);
            if (Files.isRegularFile(target.resolve("config.json"))) {
                return target;
            }
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, ".download-" + name + "-");
            try {
                for (FileStatus f : files) {
                    FileUtil.copy(fs, f.getPath(), tmp.resolve(f.getPath().getName()).toFile(), false, conf);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException another) {
                    // another executor on this machine finished first: its copy is the same files
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
            } finally {
                if (Files.exists(tmp)) {
                    deleteTree(tmp);
                }
            }
            return target;
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(model + ": no such model folder (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": cannot copy the model folder to " + cacheRoot + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
