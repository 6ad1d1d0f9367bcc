package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline components of HF's {@code tokenizers} library ({@code normalizers}, {@code pre_tokenizers},
 * {@code processors}, {@code decoders}), each built as the JSON object that {@code Tokenizer.to_str()} writes for
 * it, with the same field names and the same defaults as the Python constructors that
 * {@code convert_slow_tokenizer.py} calls.
 */
final class Components {
    static final ObjectMapper JSON = new ObjectMapper();

    private Components() {}

    private static ObjectNode typed(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** A regex or string pattern, as {@code Replace} and {@code Split} store it. */
    private static ObjectNode pattern(String kind, String value) {
        return JSON.createObjectNode().put(kind, value);
    }

    /** {@code tokenizers.normalizers}. */
    static final class Normalizers {
        private Normalizers() {}

        /** {@code BertNormalizer(clean_text, handle_chinese_chars, strip_accents, lowercase)}; a null strip_accents follows lowercase. */
        static ObjectNode bertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {
            ObjectNode n = typed("BertNormalizer").put("clean_text", cleanText).put("handle_chinese_chars", handleChineseChars);
            if (stripAccents == null) {
                n.putNull("strip_accents");
            } else {
                n.put("strip_accents", stripAccents);
            }
            return n.put("lowercase", lowercase);
        }

        /** {@code Precompiled(precompiled_charsmap)}: SentencePiece's compiled normalization rules, base64 in JSON. */
        static ObjectNode precompiled(byte[] charsmap) {
            return typed("Precompiled").put("precompiled_charsmap", Base64.getEncoder().encodeToString(charsmap));
        }

        static ObjectNode strip(boolean left, boolean right) {
            return typed("Strip").put("strip_left", left).put("strip_right", right);
        }

        /** {@code Replace(Regex(pattern), content)}. */
        static ObjectNode replaceRegex(String regex, String content) {
            ObjectNode n = typed("Replace");
            n.set("pattern", pattern("Regex", regex));
            return n.put("content", content);
        }

        /** {@code Replace(pattern, content)} with a plain string pattern. */
        static ObjectNode replace(String string, String content) {
            ObjectNode n = typed("Replace");
            n.set("pattern", pattern("String", string));
            return n.put("content", content);
        }

        static ObjectNode prepend(String prepend) {
            return typed("Prepend").put("prepend", prepend);
        }

        static ObjectNode lowercase() {
            return typed("Lowercase");
        }

        static ObjectNode sequence(List<ObjectNode> normalizers) {
            ObjectNode n = typed("Sequence");
            normalizers.forEach(n.putArray("normalizers")::add);
            return n;
        }
    }

    /** {@code tokenizers.pre_tokenizers}. */
    static final class PreTokenizers {
        private PreTokenizers() {}

        static ObjectNode bertPreTokenizer() {
            return typed("BertPreTokenizer");
        }

        /** {@code ByteLevel(add_prefix_space, trim_offsets=True, use_regex=True)}. */
        static ObjectNode byteLevel(boolean addPrefixSpace) {
            return typed("ByteLevel").put("add_prefix_space", addPrefixSpace).put("trim_offsets", true).put("use_regex", true);
        }

        /** {@code Metaspace(replacement, prepend_scheme, split)}; prepend_scheme is "always", "first" or "never". */
        static ObjectNode metaspace(String replacement, String prependScheme, boolean split) {
            return typed("Metaspace").put("replacement", replacement).put("prepend_scheme", prependScheme).put("split", split);
        }

        /** {@code Punctuation(behavior="isolated")}. */
        static ObjectNode punctuationIsolated() {
            return typed("Punctuation").put("behavior", "Isolated");
        }

        static ObjectNode sequence(List<ObjectNode> preTokenizers) {
            ObjectNode n = typed("Sequence");
            preTokenizers.forEach(n.putArray("pretokenizers")::add);
            return n;
        }
    }

    /** {@code tokenizers.processors}. */
    static final class Processors {
        private Processors() {}

        /** One piece of a template: {@code $A:0} is a sequence, {@code [CLS]:0} a special token. */
        record Piece(String id, int typeId, boolean sequence) {
            static Piece seq(String id, int typeId) {
                return new Piece(id, typeId, true);
            }

            static Piece special(String token, int typeId) {
                return new Piece(token, typeId, false);
            }
        }

        /**
         * {@code TemplateProcessing(single, pair, special_tokens)}; {@code specialTokens} maps each special token of
         * the templates to its id, in the order the converter lists them.
         */
        static ObjectNode templateProcessing(List<Piece> single, List<Piece> pair, Map<String, Integer> specialTokens) {
            ObjectNode n = typed("TemplateProcessing");
            n.set("single", pieces(single));
            n.set("pair", pieces(pair));
            ObjectNode specials = n.putObject("special_tokens");
            // tokenizers stores special_tokens in a map sorted by token
            new java.util.TreeMap<>(specialTokens).forEach((token, id) -> {
                ObjectNode s = specials.putObject(token).put("id", token);
                s.putArray("ids").add(id);
                s.putArray("tokens").add(token);
            });
            return n;
        }

        private static ArrayNode pieces(List<Piece> pieces) {
            ArrayNode array = JSON.createArrayNode();
            for (Piece p : pieces) {
                array.addObject().putObject(p.sequence() ? "Sequence" : "SpecialToken").put("id", p.id()).put("type_id", p.typeId());
            }
            return array;
        }

        /** {@code RobertaProcessing(sep, cls, trim_offsets, add_prefix_space)}. */
        static ObjectNode robertaProcessing(String sep, int sepId, String cls, int clsId, boolean trimOffsets, boolean addPrefixSpace) {
            ObjectNode n = typed("RobertaProcessing");
            n.putArray("sep").add(sep).add(sepId);
            n.putArray("cls").add(cls).add(clsId);
            return n.put("trim_offsets", trimOffsets).put("add_prefix_space", addPrefixSpace);
        }

        /** {@code ByteLevel(trim_offsets=...)} with the other fields at their defaults. */
        static ObjectNode byteLevel(boolean trimOffsets) {
            return typed("ByteLevel").put("add_prefix_space", true).put("trim_offsets", trimOffsets).put("use_regex", true);
        }
    }

    /** {@code tokenizers.decoders}. */
    static final class Decoders {
        private Decoders() {}

        static ObjectNode wordPiece(String prefix) {
            return typed("WordPiece").put("prefix", prefix).put("cleanup", true);
        }

        /** {@code ByteLevel()} with its defaults. */
        static ObjectNode byteLevel() {
            return typed("ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        }

        static ObjectNode metaspace(String replacement, String prependScheme) {
            return typed("Metaspace").put("replacement", replacement).put("prepend_scheme", prependScheme).put("split", true);
        }

        static ObjectNode replace(String string, String content) {
            ObjectNode n = typed("Replace");
            n.set("pattern", pattern("String", string));
            return n.put("content", content);
        }

        static ObjectNode byteFallback() {
            return typed("ByteFallback");
        }

        static ObjectNode fuse() {
            return typed("Fuse");
        }

        /** {@code Strip(content, left, right)}, stored as {@code start}/{@code stop}. */
        static ObjectNode strip(String content, int left, int right) {
            return typed("Strip").put("content", content).put("start", left).put("stop", right);
        }

        static ObjectNode sequence(List<ObjectNode> decoders) {
            ObjectNode n = typed("Sequence");
            decoders.forEach(n.putArray("decoders")::add);
            return n;
        }
    }

    /** {@code tokenizers.models}. */
    static final class Models {
        private Models() {}

        /** {@code WordPiece(vocab, unk_token)} with {@code ##} and 100 characters per word, its defaults. */
        static ObjectNode wordPiece(Map<String, Integer> vocab, String unkToken) {
            ObjectNode n = typed("WordPiece").put("unk_token", unkToken).put("continuing_subword_prefix", "##")
                    .put("max_input_chars_per_word", 100);
            putVocab(n, vocab);
            return n;
        }

        /**
         * {@code BPE(vocab, merges, dropout=None, unk_token, continuing_subword_prefix, end_of_word_suffix, fuse_unk,
         * byte_fallback)}; null strings are written as JSON null, as the Python defaults are.
         */
        static ObjectNode bpe(Map<String, Integer> vocab, List<String[]> merges, String unkToken, String continuingSubwordPrefix,
                              String endOfWordSuffix, boolean fuseUnk, boolean byteFallback) {
            ObjectNode n = typed("BPE");
            n.putNull("dropout");
            putNullable(n, "unk_token", unkToken);
            putNullable(n, "continuing_subword_prefix", continuingSubwordPrefix);
            putNullable(n, "end_of_word_suffix", endOfWordSuffix);
            n.put("fuse_unk", fuseUnk).put("byte_fallback", byteFallback).put("ignore_merges", false);
            putVocab(n, vocab);
            ArrayNode m = n.putArray("merges");
            for (String[] merge : merges) {
                m.addArray().add(merge[0]).add(merge[1]);
            }
            return n;
        }

        /** {@code Unigram(vocab, unk_id, byte_fallback)}: {@code vocab} is [piece, score] pairs in id order. */
        static ObjectNode unigram(List<Map.Entry<String, Double>> vocab, int unkId, boolean byteFallback) {
            ObjectNode n = typed("Unigram").put("unk_id", unkId);
            ArrayNode v = n.putArray("vocab");
            for (Map.Entry<String, Double> e : vocab) {
                v.addArray().add(e.getKey()).add(e.getValue());
            }
            return n.put("byte_fallback", byteFallback);
        }

        /** A {token: id} vocabulary in id order, as tokenizers writes it. */
        private static void putVocab(ObjectNode n, Map<String, Integer> vocab) {
            ObjectNode v = n.putObject("vocab");
            vocab.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> v.put(e.getKey(), e.getValue()));
        }

        private static void putNullable(ObjectNode n, String field, String value) {
            if (value == null) {
                n.putNull(field);
            } else {
                n.put(field, value);
            }
        }
    }

    /** Special tokens of a template in the order given, for {@link Processors#templateProcessing}. */
    static Map<String, Integer> specials(Object... tokenIdPairs) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < tokenIdPairs.length; i += 2) {
            map.put((String) tokenIdPairs[i], (Integer) tokenIdPairs[i + 1]);
        }
        return map;
    }
}
