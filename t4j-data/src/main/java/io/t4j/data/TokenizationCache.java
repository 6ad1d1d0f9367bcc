package io.t4j.data;

import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF datasets' map cache for tokenization: {@code <T4jCache>/datasets/tokenized/<key>.t4jtok}, where the key hashes
 * the dataset's fingerprint, the tokenizer's files (tokenizer.json, tokenizer_config.json, special_tokens_map.json),
 * the text columns and the options. Files are written to a temp file and moved into place; a damaged file is
 * ignored and rewritten.
 *
 * <p>Format: a big-endian header (magic, rows, column count), then per column its UTF name, a kind byte
 * (0 ints, 1 all ones), {@code rows+1} offsets and (kind 0) the flat values, as little-endian int32 arrays.
 */
final class TokenizationCache {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizationCache.class);
    private static final long MAGIC = 0x31305F4B4F544A34L; // "4JTOK_01", any fixed value works
    private static final int VERSION = 1;

    private TokenizationCache() {}

    static String key(Dataset dataset, PreTrainedTokenizer tokenizer, String text, String pair, EncodeOptions options) {
        Fingerprint fp = new Fingerprint().add("tokenize").add(VERSION).add(dataset.fingerprint())
                .add(text).add(pair == null ? "" : pair).add(options.toString());
        for (String file : new String[] {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "config.json"}) {
            Path p = tokenizer.source().resolve(file);
            try {
                fp.add(file).add(Files.exists(p) ? Files.readAllBytes(p) : new byte[0]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
        return fp.hex();
    }

    static Path file(String key) {
        return T4jCache.dir().resolve("datasets").resolve("tokenized").resolve(key + ".t4jtok");
    }

    /** The cached columns, or null when there is no (readable) cache entry. */
    static Map<String, Column> load(String key, int rows) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readLong() != MAGIC || in.readInt() != rows) {
                LOG.warn("ignoring tokenization cache {}: not written by this version for {} rows", file, rows);
                return null;
            }
            int count = in.readInt();
            Map<String, Column> columns = new LinkedHashMap<>();
            for (int c = 0; c < count; c++) {
                String name = in.readUTF();
                byte kind = in.readByte();
                int[] offsets = readInts(in, rows + 1);
                columns.put(name, new TokenColumn(kind == 1 ? null : readInts(in, offsets[rows]), offsets));
            }
            return columns;
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring damaged tokenization cache {}: {}", file, e.toString());
            return null;
        }
    }

    static void save(String key, Map<String, Column> columns) {
        Path file = file(key);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), key, ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                int rows = columns.values().iterator().next().size();
                out.writeLong(MAGIC);
                out.writeInt(rows);
                out.writeInt(columns.size());
                for (var e : columns.entrySet()) {
                    TokenColumn t = (TokenColumn) e.getValue();
                    out.writeUTF(e.getKey());
                    out.writeByte(t.isAllOnes() ? 1 : 0);
                    writeInts(out, t.offsets());
                    if (!t.isAllOnes()) {
                        writeInts(out, t.flat());
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not write the tokenization cache {}: {}", file, e.toString());
        }
    }

    private static void writeInts(OutputStream out, int[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        out.write(buf.array());
    }

    private static int[] readInts(InputStream in, int count) throws IOException {
        byte[] bytes = in.readNBytes(count * 4);
        if (bytes.length != count * 4) {
            throw new IOException("truncated: expected " + count + " ints");
        }
        int[] values = new int[count];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
        return values;
    }
}
