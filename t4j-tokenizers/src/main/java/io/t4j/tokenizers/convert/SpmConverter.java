package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.TokenizerException;
import io.t4j.tokenizers.convert.Components.Decoders;
import io.t4j.tokenizers.convert.Components.Models;
import io.t4j.tokenizers.convert.Components.Normalizers;
import io.t4j.tokenizers.convert.Components.PreTokenizers;
import io.t4j.tokenizers.convert.SentencePieceModel.Piece;
import io.t4j.tokenizers.convert.SentencePieceModel.Type;
import java.nio.file.Path;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code SpmConverter}: a SentencePiece model to a Unigram ({@code model_type} UNIGRAM) or BPE (BPE, merges
 * rebuilt from the pieces and scores by {@code generate_merges}) tokenizer; the model's control pieces become
 * special added tokens and its user-defined pieces plain ones. The pipeline is the model's compiled normalizer
 * ({@code Precompiled}), right-strip and {@code " {2,}"} to one {@code ▁}, then {@code Metaspace}; subclasses
 * override each step as HF's do.
 */
abstract class SpmConverter extends Converter {
    private static final Logger LOG = LoggerFactory.getLogger(SpmConverter.class);
    static final String REPLACEMENT = "▁";
    final SentencePieceModel proto;
    final Path modelFile;

    SpmConverter(SlowTokenizer original, String vocabFile) {
        super(original);
        this.modelFile = original.vocabFile(vocabFile);
        this.proto = SentencePieceModel.read(modelFile);
        if (proto.trainerSpec().treatWhitespaceAsSuffix()) {
            throw new TokenizerException(modelFile + ": trainer_spec.treat_whitespace_as_suffix is true; HF's converters "
                    + "(and so t4j's) only handle the whitespace-as-prefix models ('▁' starts a word)");
        }
    }

    /** Whether the BPE/Unigram model falls back to {@code <0x..>} byte pieces (HF: {@code handle_byte_fallback}). */
    boolean handleByteFallback() {
        return false;
    }

    /** The vocabulary, [piece, score] in id order. */
    List<Map.Entry<String, Double>> vocab() {
        List<Map.Entry<String, Double>> vocab = new ArrayList<>();
        for (Piece p : proto.pieces()) {
            vocab.add(entry(p.piece(), p.score()));
        }
        return vocab;
    }

    int unkId() {
        return proto.trainerSpec().unkId();
    }

    /** {@code add_prefix_space}: true, unless the slow class has the attribute (Llama). */
    boolean addPrefixSpace() {
        return true;
    }

    /** The slow class's {@code legacy} attribute: true unless the class has one (Llama). */
    boolean legacy() {
        return true;
    }

    /** HF's {@code _get_prepend_scheme}: "always" with a prefix space ("first" when not {@code legacy}), else "never". */
    String prependScheme(boolean addPrefixSpace) {
        if (!addPrefixSpace) {
            return "never";
        }
        return legacy() ? "always" : "first";
    }

    ObjectNode normalizer() {
        List<ObjectNode> normalizers = new ArrayList<>();
        if (proto.normalizerSpec().precompiledCharsmap().length > 0) {
            normalizers.add(Normalizers.precompiled(proto.normalizerSpec().precompiledCharsmap()));
        } else {
            requireNoNormalizationRules();
        }
        normalizers.add(Normalizers.strip(false, true)); // "stripping is important"
        normalizers.add(Normalizers.replaceRegex(" {2,}", REPLACEMENT));
        return Normalizers.sequence(normalizers);
    }

    ObjectNode preTokenizer(boolean addPrefixSpace) {
        return PreTokenizers.metaspace(REPLACEMENT, prependScheme(addPrefixSpace), true);
    }

    ObjectNode decoder(boolean addPrefixSpace) {
        return Decoders.metaspace(REPLACEMENT, prependScheme(addPrefixSpace));
    }

    @Override
    final TokenizerJson converted() {
        if (proto.trainerSpec().byteFallback() && !handleByteFallback()) {
            LOG.warn("{}: the model falls back to byte pieces (trainer_spec.byte_fallback) but {}, as HF's, does not: "
                    + "text outside the vocabulary becomes the unknown token instead of bytes", modelFile,
                    getClass().getSimpleName());
        }
        TokenizerJson tokenizer = tokenizer();
        tokenizer.normalizer = normalizer();
        boolean addPrefixSpace = addPrefixSpace();
        tokenizer.preTokenizer = preTokenizer(addPrefixSpace);
        tokenizer.decoder = decoder(addPrefixSpace);
        return tokenizer;
    }

    /** HF's {@code SpmConverter.tokenizer}: the model, then the control and user-defined pieces as added tokens. */
    TokenizerJson tokenizer() {
        List<Map.Entry<String, Double>> vocabScores = vocab();
        TokenizerJson tokenizer = switch (proto.trainerSpec().modelType()) {
            case UNIGRAM -> {
                Map<String, Integer> ids = new HashMap<>();
                for (int i = 0; i < vocabScores.size(); i++) {
                    ids.put(vocabScores.get(i).getKey(), i);
                }
                yield new TokenizerJson(Models.unigram(vocabScores, unkId(), handleByteFallback()), ids, vocabScores.size());
            }
            case BPE -> {
                Map<String, Integer> bpeVocab = new LinkedHashMap<>();
                for (int i = 0; i < vocabScores.size(); i++) {
                    bpeVocab.put(vocabScores.get(i).getKey(), i);
                }
                List<String[]> merges = generateMerges(spmVocab(), vocabScores);
                yield new TokenizerJson(Models.bpe(bpeVocab, merges, proto.trainerSpec().unkPiece(), null, null, true,
                        handleByteFallback()), bpeVocab, bpeVocab.size());
            }
            case WORD, CHAR -> throw new TokenizerException(modelFile + ": trainer_spec.model_type is "
                    + proto.trainerSpec().modelType() + "; HF's converters (and so t4j's) handle UNIGRAM and BPE models only");
        };
        List<AddedToken> added = new ArrayList<>();
        for (Piece p : proto.pieces()) {
            if (p.type() == Type.CONTROL || p.type() == Type.USER_DEFINED) {
                added.add(new AddedToken(p.piece(), false, false, false, false, p.type() == Type.CONTROL));
            }
        }
        tokenizer.addTokens(added);
        return tokenizer;
    }

    /** The SentencePiece model's own {piece: id} (a piece listed twice keeps its last id). */
    Map<String, Integer> spmVocab() {
        Map<String, Integer> vocab = new HashMap<>();
        List<Piece> pieces = proto.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            vocab.put(pieces.get(i).piece(), i);
        }
        return vocab;
    }

    /**
     * HF's {@code generate_merges(vocab, vocab_scores)}: every split of every piece (by code point) whose halves are
     * both pieces is a merge with the piece's score; within a piece the splits are ordered by the halves' ids, and
     * all merges by score, then left and right length, highest first (a stable sort, as Python's).
     */
    static List<String[]> generateMerges(Map<String, Integer> vocab, List<Map.Entry<String, Double>> vocabScores) {
        record Merge(String left, String right, double score, int leftLength, int rightLength) {}
        Map<String, Double> scores = new LinkedHashMap<>();
        vocabScores.forEach(e -> scores.put(e.getKey(), e.getValue())); // dict(vocab_scores): last score, first position
        List<Merge> merges = new ArrayList<>();
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            String piece = e.getKey();
            int[] cps = piece.codePoints().toArray();
            List<Merge> local = new ArrayList<>();
            for (int index = 1; index < cps.length; index++) {
                String left = new String(cps, 0, index);
                String right = new String(cps, index, cps.length - index);
                if (vocab.containsKey(left) && vocab.containsKey(right)) {
                    local.add(new Merge(left, right, e.getValue(), index, cps.length - index));
                }
            }
            local.sort(Comparator.<Merge>comparingInt(m -> vocab.get(m.left())).thenComparingInt(m -> vocab.get(m.right())));
            merges.addAll(local);
        }
        merges.sort(Comparator.comparingDouble(Merge::score).thenComparingInt(Merge::leftLength)
                .thenComparingInt(Merge::rightLength).reversed());
        List<String[]> out = new ArrayList<>(merges.size());
        merges.forEach(m -> out.add(new String[] {m.left(), m.right()}));
        return out;
    }

    /**
     * A model without a compiled charsmap must not have named normalization rules, which HF's converters could not
     * reproduce: the empty name and "identity" mean no normalization.
     */
    void requireNoNormalizationRules() {
        String name = proto.normalizerSpec().name();
        if (!name.isEmpty() && !name.equals("identity")) {
            throw new TokenizerException(modelFile + ": normalizer_spec.name is '" + name + "' but normalizer_spec."
                    + "precompiled_charsmap is empty; the normalization rules cannot be converted");
        }
    }

    static Map.Entry<String, Double> entry(String piece, double score) {
        return new SimpleEntry<>(piece, score);
    }
}
