package io.t4j.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small tokenizers of the three kinds the token-classification pipeline must find words with, written here as
 * tokenizer.json files HF's Rust tokenizers load: BERT's WordPiece (cased, {@code ##} continuations), RoBERTa's
 * byte-level BPE ({@code Ġ} for a space, no continuation marker) and an XLM-R-style SentencePiece Unigram with
 * Metaspace ({@code ▁}), whose vocabulary makes it split words as the HF issues #27876 and #23322 show.
 */
final class NerTokenizers {
    private NerTokenizers() {}

    /** BERT WordPiece, cased; words outside the vocabulary become [UNK]. */
    static Path wordPiece(Path dir, int modelMaxLength) {
        List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        vocab.addAll(List.of("My", "name", "is", "Wolfgang", "and", "I", "live", "in", "Berlin", "New", "York", "Micro",
                "##soft", "works", "at", ".", ",", "-", "Jean", "Baptiste", "the", "U", "S", "of", "w", "##1", "##2", "##3",
                "##4", "##5", "##6", "##7", "##8", "##9"));
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < vocab.size(); i++) {
            v.append(i == 0 ? "" : ", ").append(json(vocab.get(i))).append(": ").append(i);
        }
        String tokenizer = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s],
                 "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                                "strip_accents": null, "lowercase": false},
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
                           "max_input_chars_per_word": 100, "vocab": {%s}}}
                """.formatted(added(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")), v);
        String config = """
                {"tokenizer_class": "BertTokenizer", "model_max_length": %d, "do_lower_case": false, "pad_token": "[PAD]",
                 "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
                """.formatted(modelMaxLength);
        return write(dir, tokenizer, config);
    }

    /** RoBERTa's byte-level BPE: every byte is a token, and these merges make whole words (Micro|soft stays split). */
    static Path byteLevelBpe(Path dir, int modelMaxLength) {
        List<String> targets = List.of("ĠMy", "Ġname", "Ġis", "ĠWolfgang", "Ġand", "ĠI", "Ġlive", "Ġin", "ĠBerlin",
                "ĠNew", "ĠYork", "ĠMicro", "soft", "Ġworks", "Ġat", "My", "New", "Ġthe", "ĠJean", "Baptiste");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : List.of("<s>", "<pad>", "</s>", "<unk>")) {
            vocab.put(s, vocab.size());
        }
        for (char c : byteChars()) {
            vocab.putIfAbsent(String.valueOf(c), vocab.size());
        }
        Set<String> merges = new LinkedHashSet<>();
        for (String t : targets) {
            for (int i = 2; i <= t.length(); i++) {
                merges.add(t.substring(0, i - 1) + " " + t.charAt(i - 1));
                vocab.putIfAbsent(t.substring(0, i), vocab.size());
            }
        }
        StringBuilder v = new StringBuilder();
        vocab.forEach((k, id) -> v.append(v.isEmpty() ? "" : ", ").append(json(k)).append(": ").append(id));
        StringBuilder m = new StringBuilder();
        merges.forEach(s -> m.append(m.isEmpty() ? "" : ", ").append(json(s)));
        String tokenizer = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
                 "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                                    "trim_offsets": true, "add_prefix_space": false},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                           "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false,
                           "vocab": {%s}, "merges": [%s]}}
                """.formatted(added(List.of("<s>", "<pad>", "</s>", "<unk>")), v, m);
        String config = """
                {"tokenizer_class": "RobertaTokenizer", "model_max_length": %d, "bos_token": "<s>", "eos_token": "</s>",
                 "unk_token": "<unk>", "sep_token": "</s>", "cls_token": "<s>", "pad_token": "<pad>"}
                """.formatted(modelMaxLength);
        return write(dir, tokenizer, config);
    }

    /**
     * An XLM-R-style SentencePiece Unigram with Metaspace ({@code split}: whether the pre-tokenizer splits at
     * spaces, as XLM-R's does, or keeps the text whole, as newer Llama-style ones do). Its pieces make
     * "Jean-Baptiste" {@code ▁ Jean - Baptiste} (a lone {@code ▁}, as camembert in #27876) and "5.975,74"
     * {@code ▁5. 97 5,7 4} (#23322).
     */
    static Path sentencePiece(Path dir, int modelMaxLength, boolean split) {
        List<String> special = List.of("<s>", "<pad>", "</s>", "<unk>");
        Map<String, Double> pieces = new LinkedHashMap<>();
        special.forEach(s -> pieces.put(s, 0.0));
        for (String p : List.of("▁", "Jean", "-", "Baptiste", "▁habite", "▁à", "▁Paris", ",", "▁5.", "97", "5,7", "4",
                "▁coûte", "▁euros", ".", "▁Je", "▁m", "'", "appelle", "▁Micro", "soft", "▁New", "▁York")) {
            pieces.put(p, -2.0);
        }
        for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàéûô0123456789.,'-".toCharArray()) {
            pieces.putIfAbsent(String.valueOf(c), -10.0);
        }
        StringBuilder v = new StringBuilder();
        pieces.forEach((p, score) -> v.append(v.isEmpty() ? "" : ", ").append("[").append(json(p)).append(", ").append(score).append("]"));
        String metaspace = """
                {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": %s}""".formatted(split);
        String tokenizer = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s],
                 "normalizer": null,
                 "pre_tokenizer": %s,
                 "post_processor": {"type": "TemplateProcessing",
                   "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                              {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                   "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                            {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                            {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                   "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                                      "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}},
                 "decoder": %s,
                 "model": {"type": "Unigram", "unk_id": 3, "byte_fallback": false, "vocab": [%s]}}
                """.formatted(added(special), metaspace, metaspace, v);
        String config = """
                {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": %d, "bos_token": "<s>", "eos_token": "</s>",
                 "unk_token": "<unk>", "sep_token": "</s>", "cls_token": "<s>", "pad_token": "<pad>"}
                """.formatted(modelMaxLength);
        return write(dir, tokenizer, config);
    }

    /** GPT-2's {@code bytes_to_unicode}: the printable character standing for each byte. */
    static char[] byteChars() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        char[] out = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = bs.contains(b) ? (char) b : (char) (256 + n++);
        }
        return out;
    }

    private static String added(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"content\": ").append(json(tokens.get(i)))
                    .append(", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
        }
        return sb.toString();
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Path write(Path dir, String tokenizer, String config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), tokenizer);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
