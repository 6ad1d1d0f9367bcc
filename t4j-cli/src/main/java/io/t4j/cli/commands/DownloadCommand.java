package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.hub.DownloadListener;
import io.t4j.hub.HfHub;
import io.t4j.hub.HubSettings;
import io.t4j.hub.Pretrained;
import io.t4j.hub.RepoType;
import io.t4j.hub.Snapshot;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code t4j download}: fetch a model or dataset repo into HF's cache (shared with Python). */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a hub repo into HF's cache ($HF_HUB_CACHE), honouring HF_TOKEN, HF_HUB_OFFLINE and HF_ENDPOINT; prints the snapshot folder.")
public final class DownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO_ID", description = "e.g. BAAI/bge-small-en-v1.5")
    String repoId;

    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--repo-type", defaultValue = "model", description = "model or dataset (default: ${DEFAULT-VALUE}).")
    String repoType;

    @Option(names = "--include", split = ",", paramLabel = "GLOB",
            description = "Only files matching these patterns (default for models: the files t4j reads; datasets: all).")
    List<String> include;

    @Override
    public Integer call() {
        RepoType type = RepoType.valueOf(repoType.toUpperCase(Locale.ROOT));
        List<String> patterns = include != null ? include : type == RepoType.MODEL ? Pretrained.MODEL_FILES : List.of();
        DownloadListener progress = p -> {
            if (p.totalBytes() > 0 && p.bytesDone() == p.totalBytes()) {
                System.err.printf("  %s (%,d bytes)%n", p.filename(), p.totalBytes());
            }
        };
        try (HfHub hub = new HfHub(HubSettings.fromEnvironment(), progress)) {
            Snapshot s = hub.snapshotDownload(repoId, revision, type, patterns);
            System.err.printf("%s@%s: %d files%n", repoId, s.commit(), s.files().size());
            System.out.println(s.folder());
        }
        return ExitCode.OK;
    }
}
