package io.t4j.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over typed values: HF datasets' {@code _fingerprint} idea (each dataset carries a hash of its data and
 * of the operations that made it; the tokenization cache is keyed by it). Values are length-prefixed, so
 * {@code ("ab","c")} and {@code ("a","bc")} differ.
 */
public final class Fingerprint {
    private final MessageDigest digest;
    private final byte[] buffer = new byte[8];

    public Fingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    public Fingerprint add(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        add(bytes.length);
        digest.update(bytes);
        return this;
    }

    public Fingerprint add(long value) {
        for (int i = 0; i < 8; i++) {
            buffer[i] = (byte) (value >>> (8 * i));
        }
        digest.update(buffer, 0, 8);
        return this;
    }

    public Fingerprint add(byte[] bytes) {
        add(bytes.length);
        digest.update(bytes);
        return this;
    }

    /** The hex digest (64 characters). The fingerprint cannot be extended afterwards. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first 16 hex characters, as HF's fingerprints are short. */
    public String shortHex() {
        return hex().substring(0, 16);
    }
}
