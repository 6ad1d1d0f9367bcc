package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.Components.Processors.Piece.seq;
import static io.t4j.tokenizers.convert.Components.Processors.Piece.special;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SentencePieceModel.Piece;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code XLMRobertaConverter}: sentencepiece.bpe.model with fairseq's ids. The first four ids are
 * {@code <s>} 0, {@code <pad>} 1, {@code </s>} 2, {@code <unk>} 3; the SentencePiece pieces from id 3 on follow,
 * each one id higher than in the .model file; {@code <mask>} is last. {@code <s> $A </s>} and
 * {@code <s> $A </s> </s> $B </s>}, all type id 0.
 */
final class XLMRobertaConverter extends SpmConverter {
    /**
     * XLMRobertaTokenizerFast's special tokens; a string mask_token becomes {@code AddedToken(mask, lstrip=True,
     * rstrip=False)}, left unnormalized once marked special (tokenizers defaults normalized to {@code not special}).
     */
    static final List<SpecialDefault> XLMR_SPECIALS = List.of(
            new SpecialDefault("bos_token", AddedToken.of("<s>", true)),
            new SpecialDefault("eos_token", AddedToken.of("</s>", true)),
            new SpecialDefault("unk_token", AddedToken.of("<unk>", true)),
            new SpecialDefault("sep_token", AddedToken.of("</s>", true)),
            new SpecialDefault("pad_token", AddedToken.of("<pad>", true)),
            new SpecialDefault("cls_token", AddedToken.of("<s>", true)),
            new SpecialDefault("mask_token", new AddedToken("<mask>", false, true, false, false, true)));

    static final String VOCAB_FILE = "sentencepiece.bpe.model";

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of(VOCAB_FILE), XLMR_SPECIALS);
    }

    XLMRobertaConverter(SlowTokenizer original) {
        super(original, VOCAB_FILE);
    }

    @Override
    List<Map.Entry<String, Double>> vocab() {
        List<Map.Entry<String, Double>> vocab = new ArrayList<>(List.of(
                entry("<s>", 0.0), entry("<pad>", 0.0), entry("</s>", 0.0), entry("<unk>", 0.0)));
        List<Piece> pieces = proto.pieces();
        for (Piece p : pieces.subList(Math.min(3, pieces.size()), pieces.size())) {
            vocab.add(entry(p.piece(), p.score()));
        }
        vocab.add(entry("<mask>", 0.0));
        return vocab;
    }

    @Override
    int unkId() {
        return 3;
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        int bos = requireId(tokenizer, "<s>", "cls_token");
        int eos = requireId(tokenizer, "</s>", "sep_token");
        return Processors.templateProcessing(
                List.of(special("<s>", 0), seq("A", 0), special("</s>", 0)),
                List.of(special("<s>", 0), seq("A", 0), special("</s>", 0), special("</s>", 0), seq("B", 0), special("</s>", 0)),
                Components.specials("<s>", bos, "</s>", eos));
    }
}
