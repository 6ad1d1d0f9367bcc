package io.t4j.hub;

import java.net.URI;

/**
 * What a {@code HEAD} on a file's resolve URL says about it ({@code HfFileMetadata} in huggingface_hub).
 *
 * @param commitHash the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag the normalised {@code X-Linked-Etag} or {@code ETag}: the git blob sha1, or the sha256 of an LFS file
 * @param location where to download from: the resolve URL, or the CDN URL it redirects to
 * @param size the file's size in bytes ({@code X-Linked-Size} or {@code Content-Length})
 */
public record HfFileMetadata(String commitHash, String etag, URI location, long size) {}
