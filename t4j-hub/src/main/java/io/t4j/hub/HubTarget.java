package io.t4j.hub;

/** What one hub request is about, for URLs and messages. {@code filename} is null for whole-repo requests. */
record HubTarget(String repoId, RepoType type, String revision, String filename) {
    /** The whole repo at {@code revision}, after checking the names. */
    static HubTarget repo(String repoId, RepoType type, String revision) {
        return new HubTarget(HubNames.checkRepoId(repoId), type, HubNames.checkRevision(revision), null);
    }

    /** One file of the repo at {@code revision}, after checking the names. */
    static HubTarget file(String repoId, RepoType type, String revision, String filename) {
        return new HubTarget(HubNames.checkRepoId(repoId), type, HubNames.checkRevision(revision),
                HubNames.checkFilename(filename));
    }

    @Override
    public String toString() {
        String repo = type.label() + " '" + repoId + "' at revision '" + revision + "'";
        return filename == null ? repo : "file '" + filename + "' of " + repo;
    }
}
