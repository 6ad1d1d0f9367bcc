package io.t4j.hub;

/** A hub repository type, as {@code repo_type} in huggingface_hub ({@code "model"} or {@code "dataset"}). */
public enum RepoType {
    MODEL("models", ""),
    DATASET("datasets", "datasets/");

    private final String plural;
    private final String urlPrefix;

    RepoType(String plural, String urlPrefix) {
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** {@code models} or {@code datasets}: the API path segment and the cache folder prefix. */
    public String plural() {
        return plural;
    }

    /** What precedes the repo id in file URLs: nothing for models, {@code datasets/} for datasets. */
    String urlPrefix() {
        return urlPrefix;
    }

    /** {@code model} or {@code dataset}, for messages. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
