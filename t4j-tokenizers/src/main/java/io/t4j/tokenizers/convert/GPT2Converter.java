package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.Components.Processors.Piece.seq;
import static io.t4j.tokenizers.convert.Components.Processors.Piece.special;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.convert.Components.Decoders;
import io.t4j.tokenizers.convert.Components.Models;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code GPT2Converter}: vocab.json + merges.txt to a byte-level BPE with no special tokens around the text
 * (a {@code ByteLevel} post-processor that keeps offsets untrimmed), or {@code bos $A} when tokenizer_config.json
 * sets {@code add_bos_token}.
 */
final class GPT2Converter extends Converter {
    static final List<SpecialDefault> GPT2_SPECIALS = List.of(
            new SpecialDefault("bos_token", AddedToken.of("<|endoftext|>", true)),
            new SpecialDefault("eos_token", AddedToken.of("<|endoftext|>", true)),
            new SpecialDefault("unk_token", AddedToken.of("<|endoftext|>", true)));

    static final List<String> CLASSES = List.of("GPT2Tokenizer");

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of("vocab.json", "merges.txt"), GPT2_SPECIALS);
    }

    GPT2Converter(SlowTokenizer original) {
        super(original);
    }

    @Override
    TokenizerJson converted() {
        Map<String, Integer> vocab = RobertaConverter.readVocabJson(original.vocabFile("vocab.json"));
        List<String[]> merges = RobertaConverter.readMerges(original.vocabFile("merges.txt"));
        TokenizerJson tokenizer = new TokenizerJson(Models.bpe(vocab, merges, null, "", "", false, false), vocab, vocab.size());
        tokenizer.preTokenizer = PreTokenizers.byteLevel(original.bool("add_prefix_space", false));
        tokenizer.decoder = Decoders.byteLevel();
        return tokenizer;
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        if (!original.bool("add_bos_token", false)) {
            return Processors.byteLevel(false);
        }
        String bos = requireSpecial("bos_token");
        return Processors.templateProcessing(List.of(special(bos, 0), seq("A", 0)),
                List.of(special(bos, 0), seq("A", 0), seq("B", 1)),
                Components.specials(bos, requireId(tokenizer, bos, "bos_token")));
    }
}
