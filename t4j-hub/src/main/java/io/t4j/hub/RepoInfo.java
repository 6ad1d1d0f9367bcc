package io.t4j.hub;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The part of the hub's repo info ({@code GET /api/models/{repo_id}/revision/{revision}}, huggingface_hub's
 * {@code ModelInfo}/{@code DatasetInfo}) the downloader needs: the commit the revision resolves to and the files.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RepoInfo(String id, String sha, List<RepoSibling> siblings) {
    public RepoInfo {
        siblings = siblings == null ? List.of() : List.copyOf(siblings);
    }

    /** One file of the repo ({@code RepoSibling} in huggingface_hub). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RepoSibling(String rfilename) {}

    /** The repo's file names. */
    public List<String> filenames() {
        return siblings.stream().map(RepoSibling::rfilename).toList();
    }
}
