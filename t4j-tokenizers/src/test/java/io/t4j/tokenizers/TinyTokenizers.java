package io.t4j.tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tokenizer folders written by tests: a BERT-style WordPiece tokenizer with sub-words (so word ids and offsets have
 * something to show) and a RoBERTa-style byte-level BPE. Token ids follow the order of the vocabulary lists below.
 */
final class TinyTokenizers {
    private TinyTokenizers() {}

    /** [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then these, so "john" is 5 and "##son" 6. */
    static final List<String> WORDPIECE_VOCAB = List.of("john", "##son", "is", "play", "##ing", "in", "new", "york",
            ".", "who", "lives", "un", "##believ", "##able", "the", "cat", "sat", "on", "mat", "a", "dog", "hello",
            "world", ",", "big", "city");

    /** The id of a WordPiece test token. */
    static int wordPieceId(String token) {
        int i = WORDPIECE_VOCAB.indexOf(token);
        if (i < 0) {
            throw new IllegalArgumentException(token);
        }
        return i + 5;
    }

    /** BertNormalizer (lower case), BertPreTokenizer, WordPiece, [CLS] A [SEP] / [CLS] A [SEP] B [SEP]. */
    static Path writeWordPiece(Path dir, int modelMaxLength, String extraConfig) {
        StringBuilder vocab = new StringBuilder("\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"[MASK]\": 4");
        for (int i = 0; i < WORDPIECE_VOCAB.size(); i++) {
            vocab.append(", \"").append(WORDPIECE_VOCAB.get(i)).append("\": ").append(i + 5);
        }
        StringBuilder added = new StringBuilder();
        String[] special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        for (int i = 0; i < special.length; i++) {
            added.append(i == 0 ? "" : ", ").append(addedToken(i, special[i]));
        }
        String json = """
                {
                  "version": "1.0", "truncation": null, "padding": null,
                  "added_tokens": [%s],
                  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                                 "strip_accents": null, "lowercase": true},
                  "pre_tokenizer": {"type": "BertPreTokenizer"},
                  "post_processor": {"type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                               {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                             {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                             {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                    "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                       "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
                  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                            "max_input_chars_per_word": 100, "vocab": {%s}}
                }
                """.formatted(added, vocab);
        String config = """
                {"tokenizer_class": "BertTokenizer", "model_max_length": %d, "do_lower_case": true, %s
                 "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
                """.formatted(modelMaxLength, extraConfig.isEmpty() ? "" : extraConfig + ",");
        return write(dir, json, config);
    }

    /** Byte-level BPE ids: {@code <s>}=0, {@code <pad>}=1, {@code </s>}=2, {@code <unk>}=3, then these. */
    static final List<String> BPE_VOCAB = List.of("Ġ", "h", "e", "l", "o", "w", "r", "d", "he", "ll", "hell", "hello",
            "Ġw", "or", "Ġwor", "ld", "Ġworld", "Ġhello");

    static int bpeId(String token) {
        int i = BPE_VOCAB.indexOf(token);
        if (i < 0) {
            throw new IllegalArgumentException(token);
        }
        return i + 4;
    }

    /**
     * GPT-2/RoBERTa style: ByteLevel pre-tokenizer ({@code add_prefix_space: false}, as roberta-base's
     * tokenizer.json), BPE merges that build "hello", "Ġworld" and "Ġhello", RobertaProcessing.
     */
    static Path writeByteLevelBpe(Path dir, String extraConfig) {
        StringBuilder vocab = new StringBuilder("\"<s>\": 0, \"<pad>\": 1, \"</s>\": 2, \"<unk>\": 3");
        for (int i = 0; i < BPE_VOCAB.size(); i++) {
            vocab.append(", \"").append(BPE_VOCAB.get(i)).append("\": ").append(i + 4);
        }
        String json = """
                {
                  "version": "1.0", "truncation": null, "padding": null,
                  "added_tokens": [%s, %s, %s, %s],
                  "normalizer": null,
                  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
                  "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                                     "trim_offsets": true, "add_prefix_space": false},
                  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
                  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                            "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "vocab": {%s},
                            "merges": ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld", "Ġ hello"]}
                }
                """.formatted(addedToken(0, "<s>"), addedToken(1, "<pad>"), addedToken(2, "</s>"), addedToken(3, "<unk>"), vocab);
        String config = """
                {"tokenizer_class": "RobertaTokenizer", "model_max_length": 512, %s
                 "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
                 "pad_token": "<pad>"}
                """.formatted(extraConfig.isEmpty() ? "" : extraConfig + ",");
        return write(dir, json, config);
    }

    private static String addedToken(int id, String content) {
        return "{\"id\": " + id + ", \"content\": \"" + content + "\", \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}";
    }

    private static Path write(Path dir, String json, String config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
