package io.t4j.models.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * A reader for the protocol-buffers wire format (https://protobuf.dev/programming-guides/encoding/) over a memory
 * segment: a message is a sequence of (key varint = field number &lt;&lt; 3 | wire type, value) pairs, where the
 * value is a varint (type 0), 8 bytes (1), a varint length then that many bytes (2), or 4 bytes (5). Groups (3, 4)
 * are deprecated and never used by ONNX, so they are errors here.
 *
 * <p>Length-delimited values are returned as slices of the segment: nothing is copied. Every read is
 * bounds-checked against the enclosing message, and failures throw {@link ProtoException} with the byte offset in
 * the file and the path of the message being read (e.g. {@code ModelProto.graph.initializer[3]}).
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A malformed or truncated message; {@code truncated} when a value runs past the end of the whole file. */
    static final class ProtoException extends RuntimeException {
        final boolean truncated;

        ProtoException(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }
    }

    private final MemorySegment file;
    private final String path;
    private final long end;
    private long pos;
    private long fieldStart;
    private int field;
    private int wireType;

    /** Reads the message in {@code file[start, end)}; {@code path} names it in errors. */
    ProtoReader(MemorySegment file, long start, long end, String path) {
        this.file = file;
        this.pos = start;
        this.end = end;
        this.path = path;
    }

    String path() {
        return path;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long key = readVarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field <= 0 || (key >>> 3) > 536_870_911L) {
            throw malformed("invalid field number " + (key >>> 3));
        }
        if (wireType != VARINT && wireType != I64 && wireType != LEN && wireType != I32) {
            throw malformed("field " + field + " has wire type " + wireType + " (only 0, 1, 2 and 5 are valid here)");
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        expect(VARINT);
        return readVarint();
    }

    float fixed32Float() {
        expect(I32);
        require(4);
        float v = file.get(FLOAT_LE, pos);
        pos += 4;
        return v;
    }

    /** The bytes of a length-delimited field, as a slice of the file. */
    MemorySegment bytes() {
        expect(LEN);
        long length = readVarint();
        require(length);
        MemorySegment slice = file.asSlice(pos, length);
        pos += length;
        return slice;
    }

    String string() {
        return new String(bytes().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The embedded message in this length-delimited field; {@code name} extends the error path. */
    ProtoReader message(String name) {
        expect(LEN);
        long length = readVarint();
        require(length);
        ProtoReader child = new ProtoReader(file, pos, pos + length, path + "." + name);
        pos += length;
        return child;
    }

    /** A repeated varint field, packed (one length-delimited run) or not (one value per key). */
    void varints(LongConsumer out) {
        if (wireType == VARINT) {
            out.accept(readVarint());
            return;
        }
        ProtoReader packed = message("packed");
        while (packed.pos < packed.end) {
            out.accept(packed.readVarint());
        }
    }

    /** A repeated fixed-width field, packed or not, as the raw little-endian bytes. */
    MemorySegment fixedRun(int width) {
        if (wireType == LEN) {
            MemorySegment run = bytes();
            if (run.byteSize() % width != 0) {
                throw malformed("packed field " + field + " has " + run.byteSize() + " bytes, not a multiple of " + width);
            }
            return run;
        }
        expect(width == 4 ? I32 : I64);
        require(width);
        MemorySegment one = file.asSlice(pos, width);
        pos += width;
        return one;
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> readVarint();
            case I64 -> { require(8); pos += 8; }
            case I32 -> { require(4); pos += 4; }
            default -> bytes();
        }
    }

    static long longAt(MemorySegment s, long index) {
        return s.getAtIndex(LONG_LE, index);
    }

    static float floatAt(MemorySegment s, long index) {
        return s.getAtIndex(FLOAT_LE, index);
    }

    ProtoException malformed(String what) {
        return new ProtoException(path + " at byte " + fieldStart + ": " + what, false);
    }

    private void expect(int type) {
        if (wireType != type) {
            throw malformed("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    private void require(long length) {
        if (length < 0 || length > end - pos) {
            boolean pastFile = length < 0 || pos + length > file.byteSize();
            throw new ProtoException(path + " at byte " + fieldStart + ": field " + field + " needs " + length
                    + " bytes but only " + (end - pos) + " remain", pastFile);
        }
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new ProtoException(path + " at byte " + fieldStart + ": varint runs past the end of the message",
                        end == file.byteSize());
            }
            byte b = file.get(ValueLayout.JAVA_BYTE, pos++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }
}
