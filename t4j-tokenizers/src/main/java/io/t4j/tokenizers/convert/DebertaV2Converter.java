package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.Components.Processors.Piece.seq;
import static io.t4j.tokenizers.convert.Components.Processors.Piece.special;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.convert.Components.Normalizers;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.util.ArrayList;
import java.util.List;

/**
 * HF's {@code DebertaV2Converter} (DeBERTa-v2 and v3, whose hub folders ship only spm.model): the SentencePiece
 * vocabulary as it is, lowercased when {@code do_lower_case}, stripped, the compiled normalizer, runs of spaces to
 * one; split on punctuation when {@code split_by_punct}; {@code [CLS] $A [SEP]} and {@code [CLS] $A [SEP] $B:1
 * [SEP]:1}. {@code [MASK]}, which v3's model lacks, is added after the vocabulary.
 */
final class DebertaV2Converter extends SpmConverter {
    static final List<SpecialDefault> DEBERTA_V2_SPECIALS = List.of(
            new SpecialDefault("bos_token", AddedToken.of("[CLS]", true)),
            new SpecialDefault("eos_token", AddedToken.of("[SEP]", true)),
            new SpecialDefault("unk_token", AddedToken.of("[UNK]", true)),
            new SpecialDefault("sep_token", AddedToken.of("[SEP]", true)),
            new SpecialDefault("pad_token", AddedToken.of("[PAD]", true)),
            new SpecialDefault("cls_token", AddedToken.of("[CLS]", true)),
            new SpecialDefault("mask_token", AddedToken.of("[MASK]", true)));

    static final String VOCAB_FILE = "spm.model";

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of(VOCAB_FILE), DEBERTA_V2_SPECIALS);
    }

    DebertaV2Converter(SlowTokenizer original) {
        super(original, VOCAB_FILE);
    }

    @Override
    ObjectNode normalizer() {
        List<ObjectNode> normalizers = new ArrayList<>();
        if (original.bool("do_lower_case", false)) {
            normalizers.add(Normalizers.lowercase());
        }
        normalizers.add(Normalizers.strip(true, true));
        if (proto.normalizerSpec().precompiledCharsmap().length > 0) {
            normalizers.add(Normalizers.precompiled(proto.normalizerSpec().precompiledCharsmap()));
        } else {
            requireNoNormalizationRules();
        }
        normalizers.add(Normalizers.replaceRegex(" {2,}", " "));
        return Normalizers.sequence(normalizers);
    }

    @Override
    ObjectNode preTokenizer(boolean addPrefixSpace) {
        List<ObjectNode> preTokenizers = new ArrayList<>();
        if (original.bool("split_by_punct", false)) {
            preTokenizers.add(PreTokenizers.punctuationIsolated());
        }
        preTokenizers.add(PreTokenizers.metaspace(REPLACEMENT, prependScheme(addPrefixSpace), true));
        return PreTokenizers.sequence(preTokenizers);
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        int cls = requireId(tokenizer, "[CLS]", "cls_token");
        int sep = requireId(tokenizer, "[SEP]", "sep_token");
        return Processors.templateProcessing(
                List.of(special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)),
                List.of(special("[CLS]", 0), seq("A", 0), special("[SEP]", 0), seq("B", 1), special("[SEP]", 1)),
                Components.specials("[CLS]", cls, "[SEP]", sep));
    }
}
