package io.t4j.tokenizers.convert;

import com.google.protobuf.CodedOutputStream;
import io.t4j.tokenizers.convert.SentencePieceModel.Type;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes tiny SentencePiece {@code .model} files for tests, with the field numbers of google/sentencepiece's
 * sentencepiece_model.proto ({@code ModelProto}: pieces 1, trainer_spec 2, normalizer_spec 3).
 */
final class SpmModelWriter {
    private record PieceSpec(String piece, float score, Type type) {}

    private final List<PieceSpec> pieces = new ArrayList<>();
    private int modelType = 1;
    private boolean byteFallback;
    private boolean suffix;
    private int unkId;
    private String normalizerName = "identity";
    private byte[] charsmap = new byte[0];
    private boolean addDummyPrefix = true;
    private final List<Consumer<CodedOutputStream>> extraModelFields = new ArrayList<>();

    SpmModelWriter piece(String piece, float score, Type type) {
        pieces.add(new PieceSpec(piece, score, type));
        return this;
    }

    SpmModelWriter piece(String piece, float score) {
        return piece(piece, score, Type.NORMAL);
    }

    /** {@code <0x00>} .. {@code <0xFF>} byte pieces, score 0, as byte-fallback models have them. */
    SpmModelWriter bytePieces() {
        for (int b = 0; b < 256; b++) {
            piece(String.format("<0x%02X>", b), 0f, Type.BYTE);
        }
        return this;
    }

    SpmModelWriter unigram() {
        modelType = 1;
        return this;
    }

    SpmModelWriter bpe() {
        modelType = 2;
        return this;
    }

    SpmModelWriter modelType(int number) {
        modelType = number;
        return this;
    }

    SpmModelWriter byteFallback() {
        byteFallback = true;
        return this;
    }

    SpmModelWriter treatWhitespaceAsSuffix() {
        suffix = true;
        return this;
    }

    SpmModelWriter unkId(int id) {
        unkId = id;
        return this;
    }

    SpmModelWriter normalizer(String name, byte[] precompiledCharsmap) {
        normalizerName = name;
        charsmap = precompiledCharsmap;
        return this;
    }

    SpmModelWriter addDummyPrefix(boolean value) {
        addDummyPrefix = value;
        return this;
    }

    /** A field the reader does not know, which it must skip. */
    SpmModelWriter unknownField(int number, String value) {
        extraModelFields.add(out -> {
            try {
                out.writeString(number, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return this;
    }

    byte[] bytes() {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buffer);
            for (PieceSpec p : pieces) {
                byte[] piece = message(o -> {
                    o.writeString(1, p.piece());
                    o.writeFloat(2, p.score());
                    if (p.type() != Type.NORMAL) {
                        o.writeEnum(3, p.type().number);
                    }
                });
                out.writeByteArray(1, piece);
            }
            out.writeByteArray(2, message(o -> {
                o.writeEnum(3, modelType);
                o.writeInt32(4, pieces.size());
                o.writeString(5, "en"); // accept_language: a field the reader skips
                if (suffix) {
                    o.writeBool(24, true);
                }
                if (byteFallback) {
                    o.writeBool(35, true);
                }
                o.writeInt32(40, unkId);
                o.writeInt32(43, -1); // pad_id -1: a negative int32 is a 10-byte varint
            }));
            out.writeByteArray(3, message(o -> {
                o.writeString(1, normalizerName);
                if (charsmap.length > 0) {
                    o.writeByteArray(2, charsmap);
                }
                o.writeBool(3, addDummyPrefix);
            }));
            for (Consumer<CodedOutputStream> extra : extraModelFields) {
                extra.accept(out);
            }
            out.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        body.write(out);
        out.flush();
        return buffer.toByteArray();
    }
}
