package io.t4j.pipelines;

import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The postprocessing of HF's {@code TokenClassificationPipeline} (pipelines/token_classification.py), method for
 * method: {@code gather_pre_entities}, {@code aggregate}, {@code aggregate_word(s)}, {@code group_sub_entities},
 * {@code group_entities} and the {@code ignore_labels} filter. Four things differ, each documented where it happens:
 * word boundaries ({@link WordBoundaries}: right for SentencePiece, where HF's guess fails), offsets trimmed of
 * whitespace, an entity's {@code word} decoded from its token ids with surrounding whitespace stripped (HF decodes
 * token strings; byte-level BPE then keeps a leading space), and overlapping windows stitched into one token sequence
 * before aggregating ({@link #stitch}) instead of HF's {@code aggregate_overlapping_entities} after it.
 */
final class TokenEntities {
    /** One window of one text, as the model saw it. {@code scores} are probabilities [T,K] flattened, from {@code offset}. */
    record Window(int[] inputIds, int[] specialTokensMask, int[] wordIds, int[] offsetStarts, int[] offsetEnds,
                  float[] scores, int offset, int numLabels) {}

    /** HF's {@code pre_entity}: a token of the text with its scores, span and whether it continues a word. */
    record PreEntity(int id, String word, float[] scores, int start, int end, int index, boolean isSubword) {}

    /** HF's entity dict during aggregation: the tokens it covers, to decode its word. */
    private record Entity(String entity, double score, List<PreEntity> tokens, int start, int end, Integer index) {}

    private final PreTrainedTokenizer tokenizer;
    private final Map<Integer, String> id2label;
    private final Integer unkTokenId;

    TokenEntities(PreTrainedTokenizer tokenizer, Map<Integer, String> id2label) {
        this.tokenizer = tokenizer;
        this.id2label = id2label;
        this.unkTokenId = tokenizer.unkTokenId();
    }

    /**
     * HF's {@code postprocess} for one text: its tokens (from one window, or stitched from several), aggregated,
     * grouped and filtered by {@code ignore_labels}.
     */
    List<TokenClassificationResult> entities(String text, List<Window> windows, TokenClassificationOptions options) {
        Window window = windows.size() == 1 ? windows.getFirst() : stitch(windows, options.stride());
        boolean grouped = options.aggregationStrategy() != AggregationStrategy.NONE;
        List<TokenClassificationResult> out = new ArrayList<>();
        for (Entity e : aggregate(gatherPreEntities(text, window), options.aggregationStrategy())) {
            if (options.ignoreLabels().contains(grouped ? groupOf(e.entity) : e.entity)) { // entity_group, or entity
                continue;
            }
            out.add(grouped ? new TokenClassificationResult(null, groupOf(e.entity), e.score, word(text, e.tokens), e.start, e.end, null)
                    : new TokenClassificationResult(e.entity, null, e.score, e.tokens.getFirst().word, e.start, e.end, e.index));
        }
        return out;
    }

    /**
     * The text's tokens once, from its overlapping windows (consecutive windows share {@code stride} tokens, as the
     * tokenizer cuts them): each token keeps the scores of the window where it has the most tokens on its shorter
     * side (HF's max-context rule of question answering), so an entity or a word across a window edge is aggregated
     * whole. HF instead aggregates each window alone and keeps the longer of overlapping entities
     * ({@code aggregate_overlapping_entities}), which keeps a word cut at a window's edge when no window holds it whole.
     */
    static Window stitch(List<Window> windows, int stride) {
        int k = windows.getFirst().numLabels();
        List<int[]> content = new ArrayList<>(windows.size());
        int total = 0;
        for (int w = 0; w < windows.size(); w++) {
            int[] special = windows.get(w).specialTokensMask();
            int[] positions = java.util.stream.IntStream.range(0, special.length).filter(t -> special[t] == 0).toArray();
            content.add(positions);
            total += w == 0 ? positions.length : positions.length - stride;
        }
        int[] ids = new int[total];
        int[] wordIds = new int[total];
        int[] starts = new int[total];
        int[] ends = new int[total];
        float[] scores = new float[total * k];
        int[] context = new int[total];
        java.util.Arrays.fill(context, -1);
        for (int w = 0, base = 0; w < windows.size(); w++) {
            Window win = windows.get(w);
            int[] positions = content.get(w);
            int n = positions.length;
            for (int j = 0; j < n; j++) {
                int g = base + j;
                int t = positions[j];
                if (context[g] >= 0 && (starts[g] != win.offsetStarts()[t] || ends[g] != win.offsetEnds()[t] || ids[g] != win.inputIds()[t])) {
                    throw new IllegalStateException("window " + w + " does not overlap the previous one by " + stride
                            + " tokens: token " + j + " is " + win.inputIds()[t] + " at " + win.offsetStarts()[t]
                            + ", expected " + ids[g] + " at " + starts[g]);
                }
                int c = Math.min(j, n - 1 - j);
                if (c > context[g]) {
                    context[g] = c;
                    ids[g] = win.inputIds()[t];
                    wordIds[g] = win.wordIds()[t];
                    starts[g] = win.offsetStarts()[t];
                    ends[g] = win.offsetEnds()[t];
                    System.arraycopy(win.scores(), win.offset() + t * k, scores, g * k, k);
                }
            }
            base += n - stride;
        }
        return new Window(ids, new int[total], wordIds, starts, ends, scores, 0, k);
    }

    /**
     * HF's {@code gather_pre_entities}: every token that is not special, with its word (the vocabulary's token, or
     * for an unknown token the text it covers), scores, trimmed span and {@code is_subword}.
     */
    List<PreEntity> gatherPreEntities(String text, Window w) {
        WordBoundaries.Spans spans = WordBoundaries.of(text, w.specialTokensMask(), w.wordIds(), w.offsetStarts(),
                w.offsetEnds());
        List<String> tokens = tokenizer.convertIdsToTokens(w.inputIds());
        List<PreEntity> out = new ArrayList<>();
        int k = w.numLabels();
        for (int t = 0; t < w.inputIds().length; t++) {
            if (w.specialTokensMask()[t] != 0) {
                continue;
            }
            float[] scores = new float[k];
            System.arraycopy(w.scores(), w.offset() + t * k, scores, 0, k);
            int id = w.inputIds()[t];
            boolean unk = unkTokenId != null && id == unkTokenId;
            String word = unk ? text.substring(spans.start()[t], spans.end()[t]) : tokens.get(t);
            out.add(new PreEntity(id, word, scores, spans.start()[t], spans.end()[t], t, !spans.startsWord()[t]));
        }
        return out;
    }

    /** HF's {@code aggregate}: tokens (none, simple) or words (first, average, max), then grouped unless none. */
    private List<Entity> aggregate(List<PreEntity> preEntities, AggregationStrategy strategy) {
        List<Entity> entities = new ArrayList<>(preEntities.size());
        if (!strategy.aggregatesWords()) {
            for (PreEntity p : preEntities) {
                int idx = argmax(p.scores);
                entities.add(new Entity(id2label.get(idx), p.scores[idx], List.of(p), p.start, p.end, p.index));
            }
        } else {
            entities = aggregateWords(preEntities, strategy);
        }
        return strategy == AggregationStrategy.NONE ? entities : groupEntities(entities);
    }

    /** HF's {@code aggregate_words}: consecutive tokens of one word become one entity with one label. */
    private List<Entity> aggregateWords(List<PreEntity> preEntities, AggregationStrategy strategy) {
        List<Entity> words = new ArrayList<>();
        List<PreEntity> group = null;
        for (PreEntity p : preEntities) {
            if (group == null) {
                group = new ArrayList<>(List.of(p));
            } else if (p.isSubword) {
                group.add(p);
            } else {
                words.add(aggregateWord(group, strategy));
                group = new ArrayList<>(List.of(p));
            }
        }
        if (group != null) {
            words.add(aggregateWord(group, strategy));
        }
        return words;
    }

    /** HF's {@code aggregate_word}: the first token's label, the label of the highest score, or of the averaged scores. */
    private Entity aggregateWord(List<PreEntity> tokens, AggregationStrategy strategy) {
        float[] scores;
        switch (strategy) {
            case FIRST -> scores = tokens.getFirst().scores;
            case MAX -> {
                PreEntity best = tokens.getFirst();
                for (PreEntity p : tokens) {
                    if (max(p.scores) > max(best.scores)) { // the first of equal maxima, as Python's max()
                        best = p;
                    }
                }
                scores = best.scores;
            }
            case AVERAGE -> {
                scores = new float[tokens.getFirst().scores.length];
                for (int j = 0; j < scores.length; j++) {
                    double sum = 0;
                    for (PreEntity p : tokens) {
                        sum += p.scores[j];
                    }
                    scores[j] = (float) (sum / tokens.size());
                }
            }
            default -> throw new IllegalArgumentException("NONE and SIMPLE strategies are invalid for word aggregation");
        }
        int idx = argmax(scores);
        return new Entity(id2label.get(idx), scores[idx], List.copyOf(tokens), tokens.getFirst().start,
                tokens.getLast().end, null);
    }

    /**
     * HF's {@code group_entities}: consecutive entities of one type form a group unless the later one is a B- label
     * (a label without B-/I- prefix counts as I-, so "O" tokens group too and are then ignored).
     */
    private List<Entity> groupEntities(List<Entity> entities) {
        List<Entity> groups = new ArrayList<>();
        List<Entity> current = new ArrayList<>();
        for (Entity e : entities) {
            if (current.isEmpty()) {
                current.add(e);
                continue;
            }
            String[] tag = tag(e.entity);
            String[] lastTag = tag(current.getLast().entity);
            if (tag[1].equals(lastTag[1]) && !tag[0].equals("B")) {
                current.add(e);
            } else {
                groups.add(groupSubEntities(current));
                current = new ArrayList<>(List.of(e));
            }
        }
        if (!current.isEmpty()) {
            groups.add(groupSubEntities(current));
        }
        return groups;
    }

    /** HF's {@code group_sub_entities}: the first entity's label, the mean score, the tokens together. */
    private static Entity groupSubEntities(List<Entity> entities) {
        double sum = 0;
        List<PreEntity> tokens = new ArrayList<>();
        for (Entity e : entities) {
            sum += e.score;
            tokens.addAll(e.tokens);
        }
        return new Entity(entities.getFirst().entity, sum / entities.size(), tokens, entities.getFirst().start,
                entities.getLast().end, null);
    }

    /** HF's {@code get_tag}: ("B", type) or ("I", type); a label without a B-/I- prefix is ("I", label). */
    private static String[] tag(String label) {
        if (label.startsWith("B-")) {
            return new String[] {"B", label.substring(2)};
        }
        if (label.startsWith("I-")) {
            return new String[] {"I", label.substring(2)};
        }
        return new String[] {"I", label};
    }

    /** HF's {@code entity.split("-", 1)[-1]}: the entity group of a label. */
    static String groupOf(String label) {
        int dash = label.indexOf('-');
        return dash < 0 ? label : label.substring(dash + 1);
    }

    /**
     * The words of an entity's tokens (HF's {@code convert_tokens_to_string}): runs of known tokens decoded by the
     * tokenizer's decoder, an unknown token replaced by its text, pieces joined by a space where the text has one;
     * surrounding whitespace stripped.
     */
    private String word(String text, List<PreEntity> tokens) {
        StringBuilder out = new StringBuilder();
        int runStart = 0;
        int previousEnd = -1;
        for (int i = 0; i <= tokens.size(); i++) {
            boolean unk = i < tokens.size() && unkTokenId != null && tokens.get(i).id == unkTokenId;
            if (i == tokens.size() || unk) {
                if (i > runStart) {
                    append(out, text, previousEnd, tokens.get(runStart).start, decode(tokens.subList(runStart, i)));
                    previousEnd = tokens.get(i - 1).end;
                }
                if (unk) {
                    PreEntity u = tokens.get(i);
                    append(out, text, previousEnd, u.start, u.word);
                    previousEnd = u.end;
                    runStart = i + 1;
                }
            }
        }
        return out.toString().strip();
    }

    private static void append(StringBuilder out, String text, int previousEnd, int start, String piece) {
        if (!out.isEmpty() && previousEnd >= 0 && previousEnd < start && containsWhitespace(text, previousEnd, start)) {
            out.append(' ');
        }
        out.append(piece.strip());
    }

    private static boolean containsWhitespace(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private String decode(List<PreEntity> tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).id;
        }
        return tokenizer.decode(ids, false);
    }

    /** numpy's argmax: the first maximum. */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float max(float[] v) {
        return v[argmax(v)];
    }
}
