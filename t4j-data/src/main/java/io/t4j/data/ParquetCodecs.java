package io.t4j.data;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet page decompression without Hadoop's codec classes: SNAPPY, ZSTD and LZ4_RAW through aircompressor (pure
 * Java), GZIP through {@code java.util.zip}. parquet-java's own factory instantiates Hadoop codecs, which would
 * pull in hadoop-client-runtime (30 MB) and the snappy/zstd native jars. Reading only: t4j writes no Parquet.
 */
final class ParquetCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new ArrayDecompressor(null);
            case SNAPPY -> new ArrayDecompressor(new SnappyDecompressor());
            case ZSTD -> new ArrayDecompressor(new ZstdDecompressor());
            case LZ4_RAW -> new ArrayDecompressor(new Lz4Decompressor());
            case GZIP -> new GzipDecompressor();
            default -> throw new DataException("Parquet codec " + codec + " is not supported (t4j reads UNCOMPRESSED, "
                    + "SNAPPY, GZIP, ZSTD and LZ4_RAW); rewrite the file with one of those");
        };
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("t4j only reads Parquet files");
    }

    @Override
    public void release() {
        // decompressors hold no native resources
    }

    /** Decompresses whole pages from byte arrays. */
    private abstract static class PageDecompressor implements BytesInputDecompressor {
        abstract byte[] decompress(byte[] input, int uncompressedSize) throws IOException;

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            return BytesInput.from(decompress(bytes.toInputStream().readAllBytes(), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(in, uncompressedSize));
        }

        @Override
        public void release() {
            // nothing to free
        }
    }

    private static final class ArrayDecompressor extends PageDecompressor {
        private final Decompressor codec;

        ArrayDecompressor(Decompressor codec) {
            this.codec = codec;
        }

        @Override
        byte[] decompress(byte[] input, int uncompressedSize) {
            if (codec == null) {
                return input;
            }
            byte[] out = new byte[uncompressedSize];
            int n = codec.decompress(input, 0, input.length, out, 0, out.length);
            if (n != uncompressedSize) {
                throw new DataException("Parquet page decompressed to " + n + " bytes, expected " + uncompressedSize);
            }
            return out;
        }
    }

    private static final class GzipDecompressor extends PageDecompressor {
        @Override
        byte[] decompress(byte[] input, int uncompressedSize) throws IOException {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(input))) {
                return in.readNBytes(uncompressedSize);
            }
        }
    }
}
