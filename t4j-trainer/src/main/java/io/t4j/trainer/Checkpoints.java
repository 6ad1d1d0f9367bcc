package io.t4j.trainer;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.trainer.optim.LrScheduler;
import io.t4j.trainer.optim.OptimizerCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint folders as HF's Trainer lays them out ({@code output_dir/checkpoint-<step>}), written atomically:
 * everything goes into {@code tmp-checkpoint-<step>} first, which is renamed into place only when complete, so a
 * crash never leaves a folder that looks like a checkpoint. Rotation and ordering follow HF's
 * {@code _sorted_checkpoints} / {@code _rotate_checkpoints} (by step number; the best checkpoint is kept).
 */
public final class Checkpoints {
    public static final String PREFIX = "checkpoint-";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final List<String> REQUIRED = List.of(TrainerState.FILE_NAME, OptimizerCheckpoint.TENSORS_NAME,
            OptimizerCheckpoint.JSON_NAME, LrScheduler.FILE_NAME, RngState.FILE_NAME);

    private Checkpoints() {}

    /**
     * Checks that {@code outputDir} can take files, by creating it (with its parents) and writing and removing a
     * probe file, so that a folder training cannot write to fails before training rather than at the first save
     * (or, with {@code save_strategy no}, after the whole run). Folders created for the check are removed again.
     *
     * @throws CheckpointException naming the folder and the reason
     */
    public static synchronized void requireWritable(Path outputDir) { // ranks that are threads of one JVM check one at a time
        try { // one stat: another rank may remove the folder it made for its check between two
            if (!Files.readAttributes(outputDir, BasicFileAttributes.class).isDirectory()) {
                throw new CheckpointException("output_dir '" + outputDir + "' exists and is not a directory");
            }
        } catch (NoSuchFileException e) {
            // made below
        } catch (IOException | SecurityException e) {
            throw notWritable(outputDir, e);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                probe(outputDir);
                return;
            } catch (NoSuchFileException e) {
                if (attempt == 3) { // another process removed the folders it made for its own check, three times
                    throw notWritable(outputDir, e);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 3 || !racedWithAnotherCheck(outputDir)) {
                    throw notWritable(outputDir, e);
                }
            } catch (IOException | SecurityException e) {
                throw notWritable(outputDir, e);
            }
        }
    }

    /**
     * Whether a FileAlreadyExistsException from creating {@code outputDir} was a race with another process's check
     * (ranks of {@code t4j train --nproc-per-node}): createDirectories found the folder the other rank had just made,
     * and when it then checked that the path is a folder, the other rank had removed it again. A race when nothing,
     * or a folder, stands there now; a file there is a real error.
     */
    static boolean racedWithAnotherCheck(Path outputDir) {
        return !Files.exists(outputDir, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(outputDir);
    }

    /** Writes and deletes a probe file in {@code outputDir}, then removes the folders it had to create. */
    private static void probe(Path outputDir) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path p = outputDir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(p); // deepest first
        }
        try {
            Files.createDirectories(outputDir);
            Path probe = Files.createTempFile(outputDir, ".t4j-write-probe-", ""); // a name no other rank uses
            Files.writeString(probe, "t4j checks that output_dir is writable\n");
            Files.delete(probe);
        } finally {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    break; // not empty (another process wrote there) or gone: leave it
                }
            }
        }
    }

    private static CheckpointException notWritable(Path outputDir, Exception e) {
        return new CheckpointException("output_dir '" + outputDir + "' is not writable (" + reason(e)
                + "); checkpoints and the final model go there", e);
    }

    private static String reason(Exception e) {
        return switch (e) {
            case java.nio.file.FileAlreadyExistsException f -> f.getFile() + " exists and is not a directory";
            case java.nio.file.AccessDeniedException f -> "permission denied: " + f.getFile();
            case java.nio.file.FileSystemException f -> (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName())
                    + ": " + f.getFile();
            default -> e.getMessage() != null ? e.getMessage() : e.toString();
        };
    }

    /** Runs {@code writer} on a temporary folder, then renames it to {@code checkpoint-<step>} (replacing one there). */
    static Path write(Path outputDir, int step, Consumer<Path> writer) {
        Path target = outputDir.resolve(PREFIX + step);
        Path tmp = outputDir.resolve("tmp-" + PREFIX + step);
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            writer.accept(tmp);
            Path old = outputDir.resolve("old-" + PREFIX + step);
            if (Files.exists(target)) {
                deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
            return target;
        } catch (IOException e) {
            throw new CheckpointException(target + ": cannot write checkpoint: " + e.getMessage(), e);
        }
    }

    /** HF's {@code _sorted_checkpoints}: oldest first by step, the best one moved to just before the newest. */
    static List<Path> sorted(Path outputDir, String bestModelCheckpoint) {
        List<Path> all = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return all;
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            s.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()).forEach(all::add);
        } catch (IOException e) {
            throw new CheckpointException(outputDir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
        all.sort(Comparator.comparingLong(Checkpoints::stepOf));
        if (bestModelCheckpoint != null) {
            int best = all.indexOf(Path.of(bestModelCheckpoint));
            for (int i = best; best >= 0 && i < all.size() - 2; i++) {
                Path t = all.get(i);
                all.set(i, all.get(i + 1));
                all.set(i + 1, t);
            }
        }
        return all;
    }

    /** HF's {@code _rotate_checkpoints}: deletes the oldest beyond {@code limit}, never the best (limit 1 keeps 2). */
    static void rotate(Path outputDir, Integer limit, String bestModelCheckpoint) {
        if (limit == null || limit <= 0) {
            return;
        }
        List<Path> sorted = sorted(outputDir, bestModelCheckpoint);
        int keep = limit;
        if (bestModelCheckpoint != null && limit == 1 && !sorted.isEmpty()
                && !sorted.getLast().equals(Path.of(bestModelCheckpoint))) {
            keep = 2;
        }
        for (Path p : sorted.subList(0, Math.max(0, sorted.size() - keep))) {
            LOG.info("Deleting older checkpoint [{}] due to args.save_total_limit", p);
            deleteTree(p);
        }
    }

    /** HF's {@code get_last_checkpoint}: the checkpoint with the highest step, or null. */
    public static Path last(Path outputDir) {
        List<Path> all = sorted(outputDir, null);
        return all.isEmpty() ? null : all.getLast();
    }

    /** Fails with the missing file's name unless {@code dir} holds a complete Trainer checkpoint. */
    static void requireComplete(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("resume_from_checkpoint '" + dir + "': no such checkpoint folder");
        }
        if (!Checkpoint.exists(dir)) {
            throw new CheckpointException(dir + ": not a complete checkpoint: no " + Checkpoint.WEIGHTS_NAME);
        }
        for (String f : REQUIRED) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new CheckpointException(dir + ": not a complete checkpoint: no " + f);
            }
        }
    }

    static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot delete: " + e.getMessage(), e);
        }
    }
}
