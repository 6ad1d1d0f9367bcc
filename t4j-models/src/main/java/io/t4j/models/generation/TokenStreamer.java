package io.t4j.models.generation;

/**
 * HF's {@code BaseStreamer} (generation/streamers.py): receives each new token of each row as it is chosen, then
 * {@link #end()} once generation is over. Finished rows receive nothing more. Called on the generating thread.
 */
public interface TokenStreamer {
    void put(int row, long tokenId);

    default void end() {}
}
