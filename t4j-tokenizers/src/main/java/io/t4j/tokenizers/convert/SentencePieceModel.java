package io.t4j.tokenizers.convert;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.t4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece model file ({@code ModelProto} of google/sentencepiece's
 * {@code src/sentencepiece_model.proto}) that HF's {@code convert_slow_tokenizer} reads: the pieces with their scores
 * and types, the {@code trainer_spec} and the {@code normalizer_spec}. Fields keep the proto's names and its
 * proto2 defaults; fields the converters never read (training options, {@code denormalizer_spec},
 * {@code self_test_data}) are skipped.
 *
 * <p>The wire format is decoded by protobuf-java's {@link CodedInputStream} (varints, zig-zag-free negative int32s
 * such as {@code pad_id: -1}, little-endian floats, length-delimited strings, skipping unknown fields); the schema
 * is the field numbers below, so no generated code is needed.
 */
public record SentencePieceModel(List<Piece> pieces, TrainerSpec trainerSpec, NormalizerSpec normalizerSpec) {

    /** {@code ModelProto.SentencePiece.Type}. */
    public enum Type {
        NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

        final int number;

        Type(int number) {
            this.number = number;
        }

        static Type of(int number, String where) {
            for (Type t : values()) {
                if (t.number == number) {
                    return t;
                }
            }
            throw new TokenizerException(where + ": unknown SentencePiece.Type value " + number);
        }
    }

    /** {@code TrainerSpec.ModelType}. */
    public enum ModelType {
        UNIGRAM(1), BPE(2), WORD(3), CHAR(4);

        final int number;

        ModelType(int number) {
            this.number = number;
        }

        static ModelType of(int number, String where) {
            for (ModelType t : values()) {
                if (t.number == number) {
                    return t;
                }
            }
            throw new TokenizerException(where + ": unknown TrainerSpec.ModelType value " + number);
        }
    }

    /** {@code ModelProto.SentencePiece}: {@code piece} (1), {@code score} (2, default 0), {@code type} (3, default NORMAL). */
    public record Piece(String piece, float score, Type type) {}

    /**
     * {@code TrainerSpec}: {@code model_type} (3, default UNIGRAM), {@code vocab_size} (4), {@code byte_fallback} (35),
     * {@code treat_whitespace_as_suffix} (24), {@code unk_id}..{@code pad_id} (40-43, defaults 0, 1, 2, -1) and the
     * pieces' names (45-48, defaults {@code <unk>}, {@code <s>}, {@code </s>}, {@code <pad>}).
     */
    public record TrainerSpec(ModelType modelType, int vocabSize, boolean byteFallback, boolean treatWhitespaceAsSuffix,
                              int unkId, int bosId, int eosId, int padId,
                              String unkPiece, String bosPiece, String eosPiece, String padPiece) {
        static final TrainerSpec DEFAULT =
                new TrainerSpec(ModelType.UNIGRAM, 8000, false, false, 0, 1, 2, -1, "<unk>", "<s>", "</s>", "<pad>");
    }

    /**
     * {@code NormalizerSpec}: {@code name} (1), {@code precompiled_charsmap} (2, the compiled normalization rules that
     * HF's {@code normalizers.Precompiled} runs), {@code add_dummy_prefix} (3), {@code remove_extra_whitespaces} (4)
     * and {@code escape_whitespaces} (5), each defaulting to true.
     */
    public record NormalizerSpec(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                                 boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
        static final NormalizerSpec DEFAULT = new NormalizerSpec("", new byte[0], true, true, true);
    }

    // ModelProto field numbers.
    private static final int MODEL_PIECES = 1;
    private static final int MODEL_TRAINER_SPEC = 2;
    private static final int MODEL_NORMALIZER_SPEC = 3;

    /** Reads a {@code .model} file; a malformed file fails naming it and the message being read. */
    public static SentencePieceModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses the bytes of a {@code .model} file; {@code name} names it in errors. */
    public static SentencePieceModel parse(byte[] bytes, String name) {
        String where = name + ": ModelProto";
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            List<Piece> pieces = new ArrayList<>();
            TrainerSpec trainer = TrainerSpec.DEFAULT;
            NormalizerSpec normalizer = NormalizerSpec.DEFAULT;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case MODEL_PIECES -> pieces.add(readPiece(embedded(in, tag, where + ".pieces[" + pieces.size() + "]"),
                            where + ".pieces[" + pieces.size() + "]"));
                    case MODEL_TRAINER_SPEC -> trainer = readTrainerSpec(embedded(in, tag, where + ".trainer_spec"),
                            where + ".trainer_spec");
                    case MODEL_NORMALIZER_SPEC -> normalizer = readNormalizerSpec(
                            embedded(in, tag, where + ".normalizer_spec"), where + ".normalizer_spec");
                    default -> in.skipField(tag);
                }
            }
            if (pieces.isEmpty()) {
                throw new TokenizerException(where + ": no pieces (not a SentencePiece model?)");
            }
            return new SentencePieceModel(List.copyOf(pieces), trainer, normalizer);
        } catch (InvalidProtocolBufferException e) {
            throw new TokenizerException(where + ": not a valid SentencePiece model (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + name, e);
        }
    }

    private static CodedInputStream embedded(CodedInputStream in, int tag, String where) throws IOException {
        return CodedInputStream.newInstance(bytesField(in, tag, where).readByteArray());
    }

    /** {@code in}, after checking that the field has the wire type its declared type is encoded with. */
    private static CodedInputStream wireType(CodedInputStream in, int tag, int expected, String where) {
        if (WireFormat.getTagWireType(tag) != expected) {
            throw new TokenizerException(where + ": field " + WireFormat.getTagFieldNumber(tag) + " has wire type "
                    + WireFormat.getTagWireType(tag) + ", expected " + expected);
        }
        return in;
    }

    private static CodedInputStream varint(CodedInputStream in, int tag, String where) {
        return wireType(in, tag, WireFormat.WIRETYPE_VARINT, where);
    }

    private static CodedInputStream fixed32(CodedInputStream in, int tag, String where) {
        return wireType(in, tag, WireFormat.WIRETYPE_FIXED32, where);
    }

    private static CodedInputStream bytesField(CodedInputStream in, int tag, String where) {
        return wireType(in, tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, where);
    }

    private static Piece readPiece(CodedInputStream in, String where) throws IOException {
        String piece = null;
        float score = 0f;
        Type type = Type.NORMAL;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> piece = bytesField(in, tag, where + ".piece").readStringRequireUtf8();
                case 2 -> score = fixed32(in, tag, where + ".score").readFloat();
                case 3 -> type = Type.of(varint(in, tag, where + ".type").readEnum(), where + ".type");
                default -> in.skipField(tag);
            }
        }
        if (piece == null) {
            throw new TokenizerException(where + ": the piece has no string (field 1)");
        }
        return new Piece(piece, score, type);
    }

    private static TrainerSpec readTrainerSpec(CodedInputStream in, String where) throws IOException {
        TrainerSpec d = TrainerSpec.DEFAULT;
        ModelType modelType = d.modelType();
        int vocabSize = d.vocabSize();
        boolean byteFallback = d.byteFallback();
        boolean suffix = d.treatWhitespaceAsSuffix();
        int unkId = d.unkId();
        int bosId = d.bosId();
        int eosId = d.eosId();
        int padId = d.padId();
        String unk = d.unkPiece();
        String bos = d.bosPiece();
        String eos = d.eosPiece();
        String pad = d.padPiece();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 3 -> modelType = ModelType.of(varint(in, tag, where + ".model_type").readEnum(), where + ".model_type");
                case 4 -> vocabSize = varint(in, tag, where + ".vocab_size").readInt32();
                case 24 -> suffix = varint(in, tag, where + ".treat_whitespace_as_suffix").readBool();
                case 35 -> byteFallback = varint(in, tag, where + ".byte_fallback").readBool();
                case 40 -> unkId = varint(in, tag, where + ".unk_id").readInt32();
                case 41 -> bosId = varint(in, tag, where + ".bos_id").readInt32();
                case 42 -> eosId = varint(in, tag, where + ".eos_id").readInt32();
                case 43 -> padId = varint(in, tag, where + ".pad_id").readInt32();
                case 45 -> unk = bytesField(in, tag, where + ".unk_piece").readStringRequireUtf8();
                case 46 -> bos = bytesField(in, tag, where + ".bos_piece").readStringRequireUtf8();
                case 47 -> eos = bytesField(in, tag, where + ".eos_piece").readStringRequireUtf8();
                case 48 -> pad = bytesField(in, tag, where + ".pad_piece").readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return new TrainerSpec(modelType, vocabSize, byteFallback, suffix, unkId, bosId, eosId, padId, unk, bos, eos, pad);
    }

    private static NormalizerSpec readNormalizerSpec(CodedInputStream in, String where) throws IOException {
        NormalizerSpec d = NormalizerSpec.DEFAULT;
        String name = d.name();
        byte[] charsmap = d.precompiledCharsmap();
        boolean dummyPrefix = d.addDummyPrefix();
        boolean removeExtra = d.removeExtraWhitespaces();
        boolean escape = d.escapeWhitespaces();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = bytesField(in, tag, where + ".name").readStringRequireUtf8();
                case 2 -> charsmap = bytesField(in, tag, where + ".precompiled_charsmap").readByteArray();
                case 3 -> dummyPrefix = varint(in, tag, where + ".add_dummy_prefix").readBool();
                case 4 -> removeExtra = varint(in, tag, where + ".remove_extra_whitespaces").readBool();
                case 5 -> escape = varint(in, tag, where + ".escape_whitespaces").readBool();
                default -> in.skipField(tag);
            }
        }
        return new NormalizerSpec(name, charsmap, dummyPrefix, removeExtra, escape);
    }
}
