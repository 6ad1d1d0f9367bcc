package io.t4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over typed values: HF datasets' {@code _fingerprint} idea (each dataset carries a hash of its data and
 * of the operations that made it; the tokenization cache is keyed by it). Values are length-prefixed, so
 * {@code ("ab","c")} and {@code ("a","bc")} differ. Values are gathered in a 64 KB buffer and digested in bulk.
 */
public final class Fingerprint {
    private final MessageDigest digest;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    public Fingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    public Fingerprint add(String value) {
        return add(value.getBytes(StandardCharsets.UTF_8));
    }

    public Fingerprint add(long value) {
        room(8);
        buffer.putLong(value);
        return this;
    }

    public Fingerprint add(byte[] bytes) {
        add(bytes.length);
        if (bytes.length > buffer.capacity() / 2) {
            flush();
            digest.update(bytes);
        } else {
            room(bytes.length);
            buffer.put(bytes);
        }
        return this;
    }

    /** The hex digest (64 characters). The fingerprint cannot be extended afterwards. */
    public String hex() {
        flush();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first 16 hex characters, as HF's fingerprints are short. */
    public String shortHex() {
        return hex().substring(0, 16);
    }

    private void room(int bytes) {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void flush() {
        digest.update(buffer.array(), 0, buffer.position());
        buffer.clear();
    }
}
