package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.TokenizerException;
import io.t4j.tokenizers.convert.Components.Decoders;
import io.t4j.tokenizers.convert.Components.Models;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.Components.Processors;
import io.t4j.tokenizers.convert.SlowTokenizer.SpecialDefault;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HF's {@code RobertaConverter}: vocab.json + merges.txt to a byte-level BPE ({@code ByteLevel} pre-tokenizer with
 * {@code add_prefix_space}, {@code ByteLevel} decoder) with {@code RobertaProcessing}: {@code <s> $A </s>} and
 * {@code <s> $A </s></s> $B </s>}, offsets trimmed ({@code trim_offsets}, true by default, as
 * {@code RobertaTokenizerFast} sets it). {@code <mask>} takes the space before it ({@code lstrip}).
 */
final class RobertaConverter extends Converter {
    /** RobertaTokenizerFast's special tokens; a string mask_token is wrapped as {@code AddedToken(lstrip=True, normalized=False)}. */
    static final List<SpecialDefault> ROBERTA_SPECIALS = List.of(
            new SpecialDefault("bos_token", AddedToken.of("<s>", true)),
            new SpecialDefault("eos_token", AddedToken.of("</s>", true)),
            new SpecialDefault("unk_token", AddedToken.of("<unk>", true)),
            new SpecialDefault("sep_token", AddedToken.of("</s>", true)),
            new SpecialDefault("pad_token", AddedToken.of("<pad>", true)),
            new SpecialDefault("cls_token", AddedToken.of("<s>", true)),
            new SpecialDefault("mask_token", new AddedToken("<mask>", false, true, false, false, true)));

    /** The classes whose fast tokenizer is RoBERTa's (BART and Longformer copy RobertaTokenizerFast). */
    static final List<String> CLASSES = List.of("RobertaTokenizer", "BartTokenizer", "LongformerTokenizer");

    static TokenizerClass tokenizerClass(String name) {
        return new TokenizerClass(name, List.of("vocab.json", "merges.txt"), ROBERTA_SPECIALS);
    }

    RobertaConverter(SlowTokenizer original) {
        super(original);
    }

    @Override
    TokenizerJson converted() {
        Map<String, Integer> vocab = readVocabJson(original.vocabFile("vocab.json"));
        List<String[]> merges = readMerges(original.vocabFile("merges.txt"));
        TokenizerJson tokenizer = new TokenizerJson(Models.bpe(vocab, merges, null, "", "", false, false), vocab, vocab.size());
        tokenizer.preTokenizer = PreTokenizers.byteLevel(original.bool("add_prefix_space", false));
        tokenizer.decoder = Decoders.byteLevel();
        return tokenizer;
    }

    @Override
    ObjectNode postProcessor(TokenizerJson tokenizer) {
        String sep = requireSpecial("sep_token");
        String cls = requireSpecial("cls_token");
        return Processors.robertaProcessing(sep, requireId(tokenizer, sep, "sep_token"), cls,
                requireId(tokenizer, cls, "cls_token"), original.bool("trim_offsets", true),
                original.bool("add_prefix_space", false));
    }

    /** vocab.json: a JSON object {token: id} (HF's {@code json.load}: a repeated key keeps its last id). */
    static Map<String, Integer> readVocabJson(Path file) {
        ObjectNode node = SlowTokenizer.readObject(file);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().canConvertToInt()) {
                throw new TokenizerException(file + ": token '" + e.getKey() + "' must map to an integer id, found " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        if (vocab.isEmpty()) {
            throw new TokenizerException(file + ": the vocabulary is empty");
        }
        return vocab;
    }

    /**
     * merges.txt as GPT-2's and RoBERTa's tokenizers read it: {@code read().split("\n")[1:-1]} (the first line is
     * the {@code #version} header, the last the empty string after the final newline), each line split on
     * whitespace into a pair; a pair listed twice keeps its first rank ({@code bpe_ranks} keys).
     */
    static List<String[]> readMerges(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        Set<List<String>> seen = new LinkedHashSet<>();
        for (int i = 1; i < lines.length - 1; i++) {
            List<String> parts = pythonSplit(lines[i]);
            if (parts.size() != 2) {
                throw new TokenizerException(file + ":" + (i + 1) + ": a merge is two tokens separated by a space, found '"
                        + lines[i] + "'");
            }
            seen.add(parts);
        }
        List<String[]> merges = new ArrayList<>(seen.size());
        seen.forEach(p -> merges.add(new String[] {p.get(0), p.get(1)}));
        return merges;
    }

    /** Python's {@code str.split()}: runs of whitespace ({@code str.isspace}) separate, ends are dropped. */
    static List<String> pythonSplit(String line) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        line.codePoints().forEach(cp -> {
            if (isPythonSpace(cp)) {
                if (!current.isEmpty()) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.appendCodePoint(cp);
            }
        });
        if (!current.isEmpty()) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static boolean isPythonSpace(int cp) {
        return Character.isWhitespace(cp) || Character.getType(cp) == Character.SPACE_SEPARATOR || cp == 0x85;
    }
}
