package io.t4j.tokenizers.convert;

import static io.t4j.tokenizers.convert.Components.Processors.Piece.seq;
import static io.t4j.tokenizers.convert.Components.Processors.Piece.special;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.convert.Components.Decoders;
import io.t4j.tokenizers.convert.Components.Models;
import io.t4j.tokenizers.convert.Components.Normalizers;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code BertConverter}: vocab.txt to a WordPiece tokenizer with BERT's normalizer ({@code do_lower_case},
 * {@code tokenize_chinese_chars} and {@code strip_accents} from tokenizer_config.json, as {@code BertTokenizerFast}
 * applies them), {@code BertPreTokenizer}, {@code [CLS] $A [SEP]} / {@code [CLS] $A [SEP] $B:1 [SEP]:1} and the
 * {@code ##} WordPiece decoder. HF uses it for BERT, DistilBERT, ELECTRA and the other WordPiece classes below.
 */
final class BertConverter extends Converter {
    /** The special tokens of {@code BertTokenizer} and the classes that copy it (tokenization_bert.py). */
    static final List<SpecialDefault> BERT_SPECIALS = List.of(
            new SpecialDefault("unk_token", AddedToken.of("[UNK]", true)),
            new SpecialDefault("sep_token", AddedToken.of("[SEP]", true)),
            new SpecialDefault("pad_token", AddedToken.of("[PAD]", true)),
            new SpecialDefault("cls_token", AddedToken.of("[CLS]", true)),
            new SpecialDefault("mask_token", AddedToken.of("[MASK]", true)));

    /** The slow classes HF's {@code SLOW_TO_FAST_CONVERTERS} maps to {@code BertConverter}. */
    static final List<String> CLASSES = List.of("BertTokenizer", "DistilBertTokenizer", "ElectraTokenizer",
            "ConvBertTokenizer", "LayoutLMTokenizer", "MobileBertTokenizer", "SqueezeBertTokenizer",
            "DPRReaderTokenizer", "DPRQuestionEncoderTokenizer", "DPRContextEncoderTokenizer", "LxmertTokenizer");

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of("vocab.txt"), BERT_SPECIALS);
    }

    BertConverter(SlowTokenizer original) {
        super(original);
    }

    @Override
    TokenizerJson converted() {
        Map<String, Integer> vocab = loadVocab(original.vocabFile("vocab.txt"));
        TokenizerJson tokenizer = new TokenizerJson(Models.wordPiece(vocab, requireSpecial("unk_token")), vocab, vocab.size());
        tokenizer.normalizer = Normalizers.bertNormalizer(true, original.bool("tokenize_chinese_chars", true),
                original.nullableBool("strip_accents"), original.bool("do_lower_case", true));
        tokenizer.preTokenizer = PreTokenizers.bertPreTokenizer();
        tokenizer.decoder = Decoders.wordPiece("##");
        return tokenizer;
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        String cls = requireSpecial("cls_token");
        String sep = requireSpecial("sep_token");
        return Processors.templateProcessing(
                List.of(special(cls, 0), seq("A", 0), special(sep, 0)),
                List.of(special(cls, 0), seq("A", 0), special(sep, 0), seq("B", 1), special(sep, 1)),
                Components.specials(cls, requireId(tokenizer, cls, "cls_token"), sep, requireId(tokenizer, sep, "sep_token")));
    }

    /**
     * HF's {@code load_vocab}: one token per line, its id the line's index; Python's text mode reads
     * {@code \r\n} and {@code \r} as line ends, and a token listed twice keeps its last line's id.
     */
    static Map<String, Integer> loadVocab(Path file) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int index = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                vocab.put(line, index++);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (vocab.isEmpty()) {
            throw new io.t4j.tokenizers.TokenizerException(file + ": the vocabulary is empty");
        }
        return vocab;
    }
}
