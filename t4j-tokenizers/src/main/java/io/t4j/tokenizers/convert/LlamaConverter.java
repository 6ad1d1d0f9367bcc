package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.Components.Processors.Piece.seq;
import static io.t4j.tokenizers.convert.Components.Processors.Piece.special;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.convert.Components.Decoders;
import io.t4j.tokenizers.convert.Components.Normalizers;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SentencePieceModel.Piece;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code LlamaConverter} (Llama-1/2, Mistral-v0.1 style tokenizer.model: a byte-fallback BPE). Legacy mode
 * (the default) prepends {@code ▁} and turns spaces into {@code ▁} in the normalizer; {@code legacy: false} uses a
 * non-splitting {@code Metaspace} that prepends only at the start. The post-processor is the one
 * {@code LlamaTokenizerFast.update_post_processor} builds from {@code add_bos_token} (default true) and
 * {@code add_eos_token} (default false).
 */
final class LlamaConverter extends SpmConverter {
    static final List<SpecialDefault> LLAMA_SPECIALS = List.of(
            new SpecialDefault("bos_token", AddedToken.of("<s>", true)),
            new SpecialDefault("eos_token", AddedToken.of("</s>", true)),
            new SpecialDefault("unk_token", AddedToken.of("<unk>", true)));

    static final String VOCAB_FILE = "tokenizer.model";

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of(VOCAB_FILE), LLAMA_SPECIALS);
    }

    LlamaConverter(SlowTokenizer original) {
        super(original, VOCAB_FILE);
    }

    @Override
    boolean handleByteFallback() {
        return true;
    }

    @Override
    List<Map.Entry<String, Double>> vocab() {
        List<Piece> pieces = proto.pieces();
        List<Map.Entry<String, Double>> vocab = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            // the first three pieces (unk, bos, eos) score 0, as convert_ids_to_tokens(0..2) with 0.0
            vocab.add(entry(pieces.get(i).piece(), i < 3 ? 0.0 : pieces.get(i).score()));
        }
        return vocab;
    }

    @Override
    int unkId() {
        return 0;
    }

    @Override
    boolean legacy() {
        return original.bool("legacy", true);
    }

    @Override
    boolean addPrefixSpace() {
        return original.bool("add_prefix_space", true);
    }

    @Override
    ObjectNode normalizer() {
        if (!legacy()) {
            return null;
        }
        List<ObjectNode> normalizers = new ArrayList<>();
        if (original.bool("add_prefix_space", true)) {
            normalizers.add(Normalizers.prepend(REPLACEMENT));
        }
        normalizers.add(Normalizers.replace(" ", REPLACEMENT));
        return Normalizers.sequence(normalizers);
    }

    @Override
    ObjectNode preTokenizer(boolean addPrefixSpace) {
        if (legacy()) {
            return null;
        }
        return PreTokenizers.metaspace(REPLACEMENT, prependScheme(addPrefixSpace), false);
    }

    @Override
    ObjectNode decoder(boolean addPrefixSpace) {
        List<ObjectNode> decoders = new ArrayList<>(List.of(Decoders.replace(REPLACEMENT, " "), Decoders.byteFallback(),
                Decoders.fuse()));
        if (addPrefixSpace) {
            decoders.add(Decoders.strip(" ", 1, 0));
        }
        return Decoders.sequence(decoders);
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        boolean addBos = original.bool("add_bos_token", true);
        boolean addEos = original.bool("add_eos_token", false);
        String bos = addBos ? requireSpecial("bos_token") : null;
        String eos = addEos ? requireSpecial("eos_token") : null;
        List<Processors.Piece> single = new ArrayList<>();
        List<Processors.Piece> pair = new ArrayList<>();
        Map<String, Integer> specials = new LinkedHashMap<>();
        if (addBos) {
            single.add(special(bos, 0));
            specials.put(bos, requireId(tokenizer, bos, "bos_token"));
        }
        single.add(seq("A", 0));
        if (addEos) {
            single.add(special(eos, 0));
            specials.put(eos, requireId(tokenizer, eos, "eos_token"));
        }
        pair.addAll(single);
        if (addBos) {
            pair.add(special(bos, 1));
        }
        pair.add(seq("B", 1));
        if (addEos) {
            pair.add(special(eos, 1));
        }
        return Processors.templateProcessing(single, pair, specials);
    }
}
