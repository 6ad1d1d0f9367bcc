package io.t4j.tokenizers.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.TokenizerException;
import io.t4j.tokenizers.convert.SentencePieceModel.ModelType;
import io.t4j.tokenizers.convert.SentencePieceModel.Piece;
import io.t4j.tokenizers.convert.SentencePieceModel.Type;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reading the ModelProto fields the converters use, with proto2 defaults and unknown fields skipped. */
class SentencePieceModelTest {

    @Test
    void readsPiecesTrainerSpecAndNormalizerSpec() {
        byte[] charsmap = {1, 2, 3, (byte) 0xff};
        byte[] bytes = new SpmModelWriter().bpe().byteFallback().unkId(0).normalizer("nmt_nfkc", charsmap)
                .addDummyPrefix(false)
                .piece("<unk>", 0f, Type.UNKNOWN).piece("<s>", 0f, Type.CONTROL).piece("▁the", -1.25f)
                .piece("<0x41>", 0f, Type.BYTE).piece("<sep>", 0f, Type.USER_DEFINED)
                .unknownField(99, "a field of a newer sentencepiece").bytes();
        SentencePieceModel m = SentencePieceModel.parse(bytes, "test.model");
        assertThat(m.pieces()).containsExactly(new Piece("<unk>", 0f, Type.UNKNOWN), new Piece("<s>", 0f, Type.CONTROL),
                new Piece("▁the", -1.25f, Type.NORMAL), new Piece("<0x41>", 0f, Type.BYTE),
                new Piece("<sep>", 0f, Type.USER_DEFINED));
        assertThat(m.trainerSpec().modelType()).isEqualTo(ModelType.BPE);
        assertThat(m.trainerSpec().byteFallback()).isTrue();
        assertThat(m.trainerSpec().vocabSize()).isEqualTo(5);
        assertThat(m.trainerSpec().padId()).isEqualTo(-1);
        assertThat(m.trainerSpec().unkPiece()).isEqualTo("<unk>"); // not written: the proto default
        assertThat(m.normalizerSpec().name()).isEqualTo("nmt_nfkc");
        assertThat(m.normalizerSpec().precompiledCharsmap()).containsExactly(charsmap);
        assertThat(m.normalizerSpec().addDummyPrefix()).isFalse();
        assertThat(m.normalizerSpec().removeExtraWhitespaces()).isTrue(); // default
    }

    @Test
    void malformedFilesFailNamingTheFile() {
        byte[] bytes = new SpmModelWriter().unigram().piece("<unk>", 0f, Type.UNKNOWN).piece("▁a", -1f).bytes();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> SentencePieceModel.parse(truncated, "cut.model")).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("cut.model").hasMessageContaining("not a valid SentencePiece model");
        assertThatThrownBy(() -> SentencePieceModel.parse(new byte[0], "empty.model"))
                .hasMessageContaining("empty.model").hasMessageContaining("no pieces");
        // field 1 (pieces) as a varint instead of an embedded message
        assertThatThrownBy(() -> SentencePieceModel.parse(new byte[] {0x08, 0x01}, "bad.model"))
                .hasMessageContaining("bad.model: ModelProto.pieces[0]").hasMessageContaining("wire type 0");
        assertThatThrownBy(() -> SentencePieceModel.Type.of(7, "m.model: ModelProto.pieces[0].type"))
                .hasMessageContaining("pieces[0].type").hasMessageContaining("7");
    }
}
