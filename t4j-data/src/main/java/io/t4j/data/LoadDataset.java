package io.t4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * HF datasets' {@code load_dataset}: local CSV, TSV, JSON Lines and Parquet files by path or glob, one or more
 * per split, or a dataset in the HF hub cache by repo id. Everything the options require is checked here, at
 * load, with the file, line (or row) and column in the message: nothing bad reaches training.
 */
public final class LoadDataset {
    private LoadDataset() {}

    /** One split from a path or glob ({@code data/train-*.csv}). */
    public static Dataset fromFiles(String pathOrGlob, LoadOptions options) {
        return fromFiles(Map.of("train", pathOrGlob), options).get("train");
    }

    /**
     * HF's {@code load_dataset(format, data_files={"train": ..., "validation": ...})}: split name to path or glob.
     * Splits come out as train, validation, test, then the others by name.
     */
    public static DatasetDict fromFiles(Map<String, String> dataFiles, LoadOptions options) {
        Map<String, List<Path>> files = new LinkedHashMap<>();
        HfCache.ordered(dataFiles).forEach((split, pattern) -> files.put(split, expand(pattern)));
        return fromSplitFiles(files, options);
    }

    /** Splits given as explicit file lists. */
    public static DatasetDict fromSplitFiles(Map<String, List<Path>> files, LoadOptions options) {
        Map<String, List<RawTable>> raw = new LinkedHashMap<>();
        files.forEach((split, paths) -> raw.put(split, paths.stream().map(p -> read(p, options)).toList()));
        return TableConverter.convert(raw, options);
    }

    /**
     * HF's {@code load_dataset("text", data_files=pathOrGlob)}: one row per line in column {@code text}, read as
     * strict UTF-8 (LF, CRLF or CR endings). Unlike HF, blank lines are dropped (HF's run_mlm drops them too);
     * a file without a single non-blank line is an error naming it.
     */
    public static Dataset fromTextFiles(String pathOrGlob) {
        List<String> lines = new ArrayList<>();
        for (Path file : expand(pathOrGlob)) {
            int before = lines.size();
            for (String line : TextFiles.readUtf8(file).split("\r\n|\r|\n")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            if (lines.size() == before) {
                throw new DataException(file + ": no text lines (only blank lines)");
            }
        }
        return Dataset.fromColumns(Map.of("text", new StringColumn(lines.toArray(String[]::new))), Map.of());
    }

    /** {@code load_dataset(repoId)} from the HF hub cache (config {@code default}), as the hub client caches it. */
    public static DatasetDict fromHub(String repoId, LoadOptions options) {
        return fromHub(repoId, "default", options, HfCache.fromEnvironment());
    }

    /** {@code load_dataset(repoId, config)} from a given hub cache. */
    public static DatasetDict fromHub(String repoId, String config, LoadOptions options, HfCache cache) {
        return fromSplitFiles(cache.parquetSplits(repoId, config), options.withFormat(LoadOptions.Format.PARQUET));
    }

    private static RawTable read(Path file, LoadOptions options) {
        LoadOptions.Format format = options.format() == LoadOptions.Format.AUTO ? LoadOptions.Format.of(file) : options.format();
        RawTable table = switch (format) {
            case CSV -> DelimitedReader.read(file, ',', true);
            case TSV -> DelimitedReader.read(file, '\t', false);
            case JSON -> JsonLinesReader.read(file);
            case PARQUET -> ParquetTableReader.read(file);
            case AUTO -> throw new IllegalStateException("AUTO was resolved above");
        };
        return table.renamed(options.renames());
    }

    /** A path, or a glob ({@code *}, {@code ?}, {@code **}, {@code [..]}, {@code {a,b}}) expanded in sorted order. */
    static List<Path> expand(String pattern) {
        if (!pattern.matches(".*[*?\\[{].*")) {
            Path p = Path.of(pattern);
            if (!Files.isRegularFile(p)) {
                throw new DataException(p + ": no such file");
            }
            return List.of(p);
        }
        int firstGlob = pattern.replaceAll("[*?\\[{].*", "").length();
        int cut = pattern.lastIndexOf('/', firstGlob);
        Path base = cut < 0 ? Path.of(".") : Path.of(pattern.substring(0, Math.max(cut, 1)));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + (cut < 0 ? pattern : pattern.substring(cut + 1)));
        List<Path> matches = new ArrayList<>();
        if (Files.isDirectory(base)) {
            try (Stream<Path> walk = Files.walk(base)) {
                walk.filter(Files::isRegularFile).filter(p -> matcher.matches(base.relativize(p))).sorted().forEach(matches::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + base, e);
            }
        }
        if (matches.isEmpty()) {
            throw new DataException(pattern + ": no files match");
        }
        return matches;
    }
}
