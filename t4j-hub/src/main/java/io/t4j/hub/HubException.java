package io.t4j.hub;

/**
 * A hub request that failed. {@link #reason()} mirrors huggingface_hub's error classes
 * ({@code RepositoryNotFoundError}, {@code GatedRepoError}, {@code LocalEntryNotFoundError}, ...), so callers
 * (the CLI) can map each to an exit code. The message names the repo, the revision and the file.
 */
public class HubException extends RuntimeException {
    /** Why the request failed. */
    public enum Reason {
        /** A repo id, revision, file name or pattern that cannot be used as given ({@code HFValidationError}). */
        INVALID_NAME,
        /** The repo does not exist, or is private and the token has no access ({@code RepositoryNotFoundError}). */
        REPOSITORY_NOT_FOUND,
        /** The branch, tag or commit does not exist ({@code RevisionNotFoundError}). */
        REVISION_NOT_FOUND,
        /** The file does not exist at that revision ({@code EntryNotFoundError}). */
        ENTRY_NOT_FOUND,
        /** The repo is gated and the token is missing or has not been granted access ({@code GatedRepoError}). */
        GATED_REPO,
        /** HTTP 401 or 403 without a more specific hub error code. */
        UNAUTHORIZED,
        /** Not in the cache, and offline mode is on or the hub is unreachable ({@code LocalEntryNotFoundError}). */
        LOCAL_ENTRY_NOT_FOUND,
        /** A downloaded file does not have the size or sha256 the hub announced. */
        CONSISTENCY,
        /** The hub or its CDN could not be reached, or a download kept breaking (connection refused, DNS, timeout). */
        NETWORK,
        /** Any other HTTP status, or a response without the headers the hub always sends. */
        HTTP,
        /** A local disk error while writing the cache. */
        IO
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
