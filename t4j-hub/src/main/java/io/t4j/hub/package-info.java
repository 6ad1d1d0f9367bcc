/**
 * The Hugging Face hub client: a Java port of {@code huggingface_hub}'s {@code hf_hub_download} and
 * {@code snapshot_download} (huggingface_hub/file_download.py, _snapshot_download.py, constants.py).
 *
 * <p>Files land in HF's own cache layout, so Python and t4j share one cache:
 * <pre>
 * $HF_HUB_CACHE/models--org--name/
 *     blobs/&lt;etag&gt;                       the bytes (git sha1, or sha256 for LFS files)
 *     snapshots/&lt;commit&gt;/&lt;path&gt;          relative symlinks to ../../blobs/&lt;etag&gt;
 *     refs/&lt;revision&gt;                    the commit a branch or tag pointed to when last resolved
 * $HF_HUB_CACHE/.locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 * Datasets use {@code datasets--org--name}. Start at {@link io.t4j.hub.HfHub}; {@link io.t4j.hub.HubCache} looks
 * things up without the network.
 */
package io.t4j.hub;
