package io.t4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a dataset's Parquet files in the HF hub cache, as {@code huggingface_hub} lays it out:
 * {@code <hub>/datasets--org--name/refs/<revision>} holds a commit sha, and
 * {@code snapshots/<sha>/} the files. Two layouts are read:
 * <ul>
 *   <li>the repo's own files: {@code data/<split>-00000-of-00001.parquet} (or {@code <config>/<split>-*.parquet});</li>
 *   <li>the hub's conversion, revision {@code refs/convert/parquet}: {@code <config>/<split>/0000.parquet}.</li>
 * </ul>
 * A small resolver for now; the hub module (which also downloads) will replace it.
 *
 * @param hubDir the hub cache folder ({@code $HF_HUB_CACHE})
 */
public record HfCache(Path hubDir) {
    private static final Pattern SHARD = Pattern.compile("([A-Za-z0-9_]+?)(-\\d{5}-of-\\d{5})?\\.parquet");
    private static final Pattern SUFFIX = Pattern.compile(".*-([A-Za-z0-9_]+)\\.parquet");
    private static final List<String> SPLIT_ORDER = List.of("train", "validation", "test");

    /** {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub}, else ~/.cache/huggingface/hub. */
    public static HfCache fromEnvironment() {
        String hub = System.getenv("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) {
            return new HfCache(Path.of(hub));
        }
        String home = System.getenv("HF_HOME");
        if (home != null && !home.isBlank()) {
            return new HfCache(Path.of(home, "hub"));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new HfCache(cache.resolve("huggingface").resolve("hub"));
    }

    /** {@code <hub>/datasets--org--name}. */
    public Path datasetRepo(String repoId) {
        if (!repoId.matches("[\\w.-]+(/[\\w.-]+)?")) {
            throw new DataException("'" + repoId + "' is not a dataset repo id (expected org/name)");
        }
        return hubDir.resolve("datasets--" + repoId.replace("/", "--"));
    }

    /** The snapshot folder of {@code revision} (a ref such as {@code main} or {@code convert/parquet}, or a sha). */
    public Path snapshot(String repoId, String revision) {
        Path repo = datasetRepo(repoId);
        if (!Files.isDirectory(repo)) {
            throw new DataException("dataset '" + repoId + "' is not in the HF cache " + hubDir + " (no folder "
                    + repo.getFileName() + "); download it first");
        }
        String sha = revision.matches("[0-9a-f]{40}") ? revision : readRef(repo.resolve("refs").resolve(revision));
        Path snapshot = repo.resolve("snapshots").resolve(sha);
        if (!Files.isDirectory(snapshot)) {
            throw new DataException(repo + ": refs/" + revision + " points at " + sha + " but snapshots/" + sha + " is missing");
        }
        return snapshot;
    }

    /** Split name to its Parquet files, from refs/main's data files, else from refs/convert/parquet. */
    public Map<String, List<Path>> parquetSplits(String repoId, String config) {
        Path repo = datasetRepo(repoId);
        if (!Files.isDirectory(repo)) {
            throw new DataException("dataset '" + repoId + "' is not in the HF cache " + hubDir + " (no folder "
                    + repo.getFileName() + "); download it first");
        }
        if (Files.isRegularFile(repo.resolve("refs").resolve("main"))) {
            Path snap = snapshot(repoId, "main");
            for (Path dir : config.equals("default") ? List.of(snap.resolve("data"), snap.resolve(config)) : List.of(snap.resolve(config))) {
                Map<String, List<Path>> splits = flatSplits(dir);
                if (!splits.isEmpty()) {
                    return splits;
                }
            }
        }
        if (Files.isRegularFile(repo.resolve("refs").resolve("convert").resolve("parquet"))) {
            Path dir = snapshot(repoId, "convert/parquet").resolve(config);
            Map<String, List<Path>> splits = nestedSplits(dir);
            splits.putAll(flatSplits(dir));
            if (!splits.isEmpty()) {
                return ordered(splits);
            }
        }
        throw new DataException("dataset '" + repoId + "' (config '" + config + "') has no Parquet files in " + repo
                + " (looked for refs/main with data/<split>-*.parquet or " + config
                + "/<split>-*.parquet, and refs/convert/parquet with " + config + "/<split>/*.parquet)");
    }

    private static String readRef(Path ref) {
        try {
            return Files.readString(ref).trim();
        } catch (IOException e) {
            throw new DataException(ref + ": cannot read the ref (" + e.getMessage() + ")");
        }
    }

    /** Parquet files directly in {@code dir}, grouped by the split their name starts (or ends) with. */
    private static Map<String, List<Path>> flatSplits(Path dir) {
        Map<String, List<Path>> splits = new TreeMap<>();
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            Matcher shard = SHARD.matcher(name);
            Matcher suffix = SUFFIX.matcher(name);
            String split = shard.matches() ? shard.group(1) : suffix.matches() ? suffix.group(1) : null;
            if (split != null && Files.isRegularFile(file)) {
                splits.computeIfAbsent(split, k -> new ArrayList<>()).add(file);
            }
        }
        return ordered(splits);
    }

    /** {@code dir/<split>/*.parquet}. */
    private static Map<String, List<Path>> nestedSplits(Path dir) {
        Map<String, List<Path>> splits = new TreeMap<>();
        for (Path sub : list(dir)) {
            if (Files.isDirectory(sub)) {
                List<Path> files = list(sub).stream().filter(p -> p.toString().endsWith(".parquet")).toList();
                if (!files.isEmpty()) {
                    splits.put(sub.getFileName().toString(), files);
                }
            }
        }
        return splits;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Splits in HF's usual order: train, validation, test, then the rest by name. */
    static <V> Map<String, V> ordered(Map<String, V> splits) {
        Map<String, V> out = new LinkedHashMap<>();
        splits.keySet().stream()
                .sorted(Comparator.comparingInt((String s) -> SPLIT_ORDER.contains(s) ? SPLIT_ORDER.indexOf(s) : SPLIT_ORDER.size())
                        .thenComparing(Comparator.naturalOrder()))
                .forEach(s -> out.put(s, splits.get(s)));
        return out;
    }
}
