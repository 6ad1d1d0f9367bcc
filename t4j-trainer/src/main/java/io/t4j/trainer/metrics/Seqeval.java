package io.t4j.trainer.metrics;

import io.t4j.data.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * seqeval (chakki-works/seqeval: {@code metrics/sequence_labeling.py}, {@code metrics/v1.py}, {@code scheme.py}):
 * entity-level precision, recall and F1 of tag sequences, and token accuracy, as HF's {@code evaluate.load("seqeval")}
 * and run_ner.py's {@code compute_metrics} report them.
 *
 * <p>Two ways to find entities, as in seqeval:
 * <ul>
 *   <li>{@link Mode#DEFAULT} (conlleval-compatible, {@code get_entities}): any tag starts or continues a chunk by
 *       conlleval's rules, so an {@code I-PER} after {@code O} starts a PER entity, and a change of type ends one;</li>
 *   <li>{@link Mode#STRICT} with a {@link Scheme} ({@code mode="strict", scheme=IOB2}): only the scheme's start
 *       patterns start an entity and it counts only if it ends by the scheme's end patterns, so an {@code I-PER}
 *       after {@code O} is no entity in IOB2, and a tag whose prefix the scheme does not allow is an error.</li>
 * </ul>
 * An entity is correct when type, start and end match (per sentence). Prefixes come first ({@code B-PER});
 * seqeval's {@code suffix=True} layout is not supported.
 */
public final class Seqeval {
    private static final Logger LOG = LoggerFactory.getLogger(Seqeval.class);

    private Seqeval() {}

    /** seqeval's {@code mode}: {@code None} (conlleval's rules) or {@code "strict"}. */
    public enum Mode { DEFAULT, STRICT }

    /**
     * seqeval's tagging schemes ({@code seqeval.scheme}) for {@link Mode#STRICT}: IOB1 (I- inside, B- only between
     * two same-type chunks), IOE1, IOB2 (B- starts every chunk: CoNLL-2003 as HF ships it), IOE2, IOBES (S- single,
     * E- end) and BILOU (U- unit, L- last).
     */
    public enum Scheme {
        IOB1("IOB"), IOE1("IOE"), IOB2("IOB"), IOE2("IOE"), IOBES("IOBES"), BILOU("IOBLU");

        private final String allowed;

        Scheme(String allowed) {
            this.allowed = allowed;
        }

        /** Parses seqeval's class names ({@code "IOB2"}, any case). */
        public static Scheme fromName(String name) {
            for (Scheme s : values()) {
                if (s.name().equalsIgnoreCase(name.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("Scheme should be one of [IOB1, IOB2, IOE1, IOE2, IOBES, BILOU], got " + name);
        }
    }

    /**
     * One entity: a chunk of type {@code type} covering tokens {@code start} (inclusive) to {@code end} (exclusive)
     * of sentence {@code sentence}.
     */
    public record Entity(int sentence, String type, int start, int end) {}

    /** seqeval's {@code get_entities} on one sentence ({@link Mode#DEFAULT}), with exclusive ends. */
    public static List<Entity> entities(List<String> tags, int sentence) {
        List<Entity> chunks = new ArrayList<>();
        char prevTag = 'O';
        String prevType = "";
        int begin = 0;
        for (int i = 0; i <= tags.size(); i++) {
            String chunk = i < tags.size() ? tags.get(i) : "O"; // seqeval appends an 'O' to end the last chunk
            if (chunk == null || chunk.isEmpty()) {
                throw new IllegalArgumentException("sentence " + sentence + " token " + i + ": an empty tag");
            }
            char tag = chunk.charAt(0);
            String rest = chunk.substring(1);
            int dash = rest.indexOf('-');
            String type = dash >= 0 ? rest.substring(dash + 1) : rest;
            if (type.isEmpty()) {
                type = "_";
            }
            if (endOfChunk(prevTag, tag, prevType, type)) {
                chunks.add(new Entity(sentence, prevType, begin, i));
            }
            if (startOfChunk(prevTag, tag, prevType, type)) {
                begin = i;
            }
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    /** seqeval's {@code Tokens(tags, scheme).entities} on one sentence ({@link Mode#STRICT}). */
    public static List<Entity> entities(List<String> tags, int sentence, Scheme scheme) {
        List<StrictToken> ext = new ArrayList<>(tags.size() + 1);
        for (String t : tags) {
            ext.add(StrictToken.of(t, scheme));
        }
        StrictToken outside = StrictToken.of("O", scheme);
        ext.add(outside); // the sentinel
        List<Entity> entities = new ArrayList<>();
        StrictToken prev = outside;
        int i = 0;
        while (i < ext.size()) {
            StrictToken token = ext.get(i);
            token.checkValid(scheme);
            if (Patterns.isStart(scheme, prev, token)) {
                int end = forward(ext, i + 1, token, scheme);
                if (Patterns.isEnd(scheme, ext.get(end - 1), ext.get(end))) {
                    entities.add(new Entity(sentence, token.tag, i, end));
                }
                i = end;
            } else {
                i++;
            }
            prev = ext.get(i - 1);
        }
        return entities;
    }

    /** seqeval's {@code accuracy_score}: the fraction of tokens whose predicted tag equals the true tag. */
    public static double accuracyScore(List<List<String>> yTrue, List<List<String>> yPred) {
        checkConsistentLength(yTrue, yPred);
        long correct = 0;
        long total = 0;
        for (int s = 0; s < yTrue.size(); s++) {
            for (int i = 0; i < yTrue.get(s).size(); i++) {
                correct += yTrue.get(s).get(i).equals(yPred.get(s).get(i)) ? 1 : 0;
                total++;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("accuracy_score of no tokens (every sentence is empty)");
        }
        return (double) correct / total;
    }

    /**
     * seqeval's {@code classification_report(y_true, y_pred, mode=..., scheme=..., zero_division=...)} with
     * {@code output_dict=True}, plus {@code accuracy_score}: per-type and micro/macro/weighted precision, recall, F1
     * and support. {@code scheme} is needed in {@link Mode#STRICT} only; null there detects it as seqeval's
     * {@code auto_detect} does (IOB2, IOE2, IOBES or BILOU).
     */
    public static SeqevalReport classificationReport(List<List<String>> yTrue, List<List<String>> yPred, Mode mode,
                                                     Scheme scheme, ZeroDivision zeroDivision) {
        checkConsistentLength(yTrue, yPred);
        Scheme used = mode == Mode.STRICT ? (scheme != null ? scheme : autoDetect(yTrue)) : null;
        Set<Entity> truth = allEntities(yTrue, used);
        Set<Entity> predicted = allEntities(yPred, used);
        TreeSet<String> types = new TreeSet<>();
        truth.forEach(e -> types.add(e.type()));
        predicted.forEach(e -> types.add(e.type()));
        int n = types.size();
        double[] tp = new double[n];
        double[] pred = new double[n];
        double[] trueSum = new double[n];
        List<String> names = List.copyOf(types);
        for (int k = 0; k < n; k++) {
            String type = names.get(k);
            for (Entity e : predicted) {
                if (e.type().equals(type)) {
                    pred[k]++;
                    tp[k] += truth.contains(e) ? 1 : 0;
                }
            }
            for (Entity e : truth) {
                trueSum[k] += e.type().equals(type) ? 1 : 0;
            }
        }
        double[][] perType = scores(tp, pred, trueSum, zeroDivision);
        List<SeqevalReport.TypeMetrics> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            rows.add(new SeqevalReport.TypeMetrics(names.get(k), perType[0][k], perType[1][k], perType[2][k], (long) trueSum[k]));
        }
        long support = (long) Arrays.stream(trueSum).sum();
        double[][] micro = scores(new double[] {Arrays.stream(tp).sum()}, new double[] {Arrays.stream(pred).sum()},
                new double[] {support}, zeroDivision);
        SeqevalReport.TypeMetrics microAvg = new SeqevalReport.TypeMetrics("micro avg", micro[0][0], micro[1][0], micro[2][0], support);
        SeqevalReport.TypeMetrics macroAvg = new SeqevalReport.TypeMetrics("macro avg", mean(perType[0], null),
                mean(perType[1], null), mean(perType[2], null), support);
        SeqevalReport.TypeMetrics weightedAvg;
        if (support == 0) {
            // seqeval: with no true entities the weighted average is zero_division (0 when something was predicted)
            double z = zeroDivision == ZeroDivision.ONE ? 1.0 : zeroDivision == ZeroDivision.NAN ? Double.NaN : 0.0;
            boolean nothingPredicted = Arrays.stream(pred).sum() == 0;
            weightedAvg = new SeqevalReport.TypeMetrics("weighted avg", nothingPredicted ? z : 0.0, z, nothingPredicted ? z : 0.0, 0);
        } else {
            weightedAvg = new SeqevalReport.TypeMetrics("weighted avg", mean(perType[0], trueSum), mean(perType[1], trueSum),
                    mean(perType[2], trueSum), support);
        }
        return new SeqevalReport(rows, microAvg, macroAvg, weightedAvg, accuracyScore(yTrue, yPred), mode, used);
    }

    /** {@link #classificationReport} in seqeval's default mode with {@code zero_division="warn"} (HF evaluate's defaults). */
    public static SeqevalReport classificationReport(List<List<String>> yTrue, List<List<String>> yPred) {
        return classificationReport(yTrue, yPred, Mode.DEFAULT, null, ZeroDivision.WARN);
    }

    /**
     * HF run_ner.py's {@code compute_metrics}: {@code predictions} are logits {@code [N][T][K]} (argmax over K, the
     * first maximum as numpy), {@code labels} are label ids {@code [N][T]} with -100 at positions to ignore (special
     * tokens, padding, sub-tokens after a word's first); {@code labelList} maps ids to tags. Returns
     * {@code precision}, {@code recall}, {@code f1} and {@code accuracy} (overall, micro), or, with
     * {@code returnEntityLevelMetrics}, HF's unpacked per-type keys ({@code PER_precision}, {@code PER_recall},
     * {@code PER_f1}, {@code PER_number}, ...) then {@code overall_precision}, {@code overall_recall},
     * {@code overall_f1}, {@code overall_accuracy}. The Trainer prefixes them with {@code eval_}.
     */
    public static Map<String, Double> computeMetrics(float[][][] predictions, int[][] labels, List<String> labelList,
                                                     boolean returnEntityLevelMetrics) {
        return computeMetrics(predictions, labels, labelList, returnEntityLevelMetrics, Mode.DEFAULT, null);
    }

    /**
     * run_ner.py's {@code compute_metrics} as the Trainer calls it: {@code p.predictions()} are [N,T,K] logits and
     * {@code p.labelIds()} [N,T] label ids (-100 ignored, also where batches of other lengths were padded).
     */
    public static Function<EvalPrediction, Map<String, Double>> computeMetrics(List<String> labelList,
                                                                              boolean returnEntityLevelMetrics) {
        return p -> {
            NdArray logits = p.predictions();
            NdArray labels = p.labelIds();
            if (logits.rank() != 3 || labels.rank() != 2) {
                throw new IllegalArgumentException("token classification needs [N,T,K] predictions and [N,T] labels, got "
                        + Arrays.toString(logits.shape()) + " and " + Arrays.toString(labels.shape()));
            }
            int n = logits.shape()[0];
            int t = logits.shape()[1];
            int k = logits.shape()[2];
            float[][][] predictions = new float[n][t][];
            int[][] ids = new int[n][];
            int[] flatLabels = labels.toInts();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < t; j++) {
                    predictions[i][j] = Arrays.copyOfRange(logits.floats(), (i * t + j) * k, (i * t + j + 1) * k);
                }
                ids[i] = Arrays.copyOfRange(flatLabels, i * labels.shape()[1], (i + 1) * labels.shape()[1]);
            }
            return computeMetrics(predictions, ids, labelList, returnEntityLevelMetrics);
        };
    }

    /** {@link #computeMetrics(float[][][], int[][], List, boolean)} in a given seqeval mode and scheme. */
    public static Map<String, Double> computeMetrics(float[][][] predictions, int[][] labels, List<String> labelList,
                                                     boolean returnEntityLevelMetrics, Mode mode, Scheme scheme) {
        List<List<String>>[] tags = alignedTags(predictions, labels, labelList);
        SeqevalReport report = classificationReport(tags[1], tags[0], mode, scheme, ZeroDivision.WARN);
        return returnEntityLevelMetrics ? report.toEntityLevelMap() : report.toMap();
    }

    /**
     * run_ner's {@code true_predictions} and {@code true_labels}: per sentence, the predicted and true tags of the
     * positions whose label is not -100. Index 0 holds the predictions, 1 the labels.
     */
    @SuppressWarnings("unchecked")
    public static List<List<String>>[] alignedTags(float[][][] predictions, int[][] labels, List<String> labelList) {
        if (predictions.length != labels.length) {
            throw new IllegalArgumentException("predictions has " + predictions.length + " rows but labels has " + labels.length);
        }
        List<List<String>> truePredictions = new ArrayList<>(labels.length);
        List<List<String>> trueLabels = new ArrayList<>(labels.length);
        for (int s = 0; s < labels.length; s++) {
            if (predictions[s].length != labels[s].length) {
                throw new IllegalArgumentException("row " + s + ": predictions have " + predictions[s].length
                        + " positions but labels have " + labels[s].length);
            }
            List<String> p = new ArrayList<>();
            List<String> l = new ArrayList<>();
            for (int t = 0; t < labels[s].length; t++) {
                int label = labels[s][t];
                if (label == -100) {
                    continue;
                }
                float[] logits = predictions[s][t];
                if (logits.length != labelList.size()) {
                    throw new IllegalArgumentException("row " + s + " position " + t + ": " + logits.length
                            + " logits but " + labelList.size() + " labels " + labelList);
                }
                if (label < 0 || label >= labelList.size()) {
                    throw new IllegalArgumentException("row " + s + " position " + t + ": label id " + label
                            + " is out of range for the " + labelList.size() + " labels " + labelList);
                }
                p.add(labelList.get(argmax(logits)));
                l.add(labelList.get(label));
            }
            truePredictions.add(p);
            trueLabels.add(l);
        }
        return new List[] {truePredictions, trueLabels};
    }

    /** seqeval's {@code auto_detect}: IOB2, IOE2, IOBES or BILOU from the prefixes that occur. */
    public static Scheme autoDetect(List<List<String>> sequences) {
        Set<Character> prefixes = new TreeSet<>();
        for (List<String> seq : sequences) {
            for (String t : seq) {
                char p = t.isEmpty() ? '?' : t.charAt(0);
                if ("IOBESUL".indexOf(p) < 0) {
                    throw new IllegalArgumentException("This scheme is not supported: " + t);
                }
                prefixes.add(p);
            }
        }
        for (Scheme s : new Scheme[] {Scheme.IOB2, Scheme.IOE2, Scheme.IOBES, Scheme.BILOU}) {
            if (autoDetectable(s, prefixes)) {
                return s;
            }
        }
        throw new IllegalArgumentException("This scheme is not supported: " + prefixes);
    }

    /** seqeval's {@code auto_detect}: the prefix sets each scheme accepts. */
    private static boolean autoDetectable(Scheme scheme, Set<Character> prefixes) {
        List<String> allowed = switch (scheme) {
            case IOB2 -> List.of("IOB", "IB", "BO", "B");
            case IOE2 -> List.of("IOE", "IE", "EO", "E");
            case IOBES -> List.of("IOBES", "IBES", "IOBE", "OBES", "IBE", "BES", "OBE", "BE", "S");
            case BILOU -> List.of("IOBLU", "IBLU", "IOBL", "OBLU", "IBL", "BLU", "OBL", "BL", "U");
            default -> List.of();
        };
        for (String set : allowed) {
            Set<Character> chars = new HashSet<>();
            set.chars().forEach(c -> chars.add((char) c));
            if (chars.equals(prefixes)) {
                return true;
            }
        }
        return false;
    }

    private static Set<Entity> allEntities(List<List<String>> sequences, Scheme scheme) {
        Set<Entity> all = new HashSet<>();
        for (int s = 0; s < sequences.size(); s++) {
            all.addAll(scheme == null ? entities(sequences.get(s), s) : entities(sequences.get(s), s, scheme));
        }
        return all;
    }

    /** Precision, recall and F1 per entry, with seqeval's (sklearn's) zero-division handling. */
    private static double[][] scores(double[] tp, double[] pred, double[] truth, ZeroDivision zeroDivision) {
        int n = tp.length;
        double[] p = new double[n];
        double[] r = new double[n];
        double[] f = new double[n];
        boolean warned = false;
        for (int k = 0; k < n; k++) {
            p[k] = pred[k] == 0 ? zeroDivision.value() : tp[k] / pred[k];
            r[k] = truth[k] == 0 ? zeroDivision.value() : tp[k] / truth[k];
            double denom = p[k] + r[k];
            f[k] = denom == 0 ? 0.0 : 2 * p[k] * r[k] / denom; // NaN stays NaN with zero_division=NAN
            if ((pred[k] == 0 || truth[k] == 0) && zeroDivision == ZeroDivision.WARN && !warned) {
                LOG.warn("Precision, recall or F-score is ill-defined and being set to 0.0 for an entity type with no "
                        + "predicted or no true entities. Use zero_division to control this behavior.");
                warned = true;
            }
        }
        return new double[][] {p, r, f};
    }

    /** numpy's {@code average}, weighted when {@code weights} is given; NaN for no entries (as numpy warns). */
    private static double mean(double[] values, double[] weights) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            double w = weights == null ? 1 : weights[i];
            sum += w * values[i];
            total += w;
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    private static void checkConsistentLength(List<List<String>> yTrue, List<List<String>> yPred) {
        boolean same = yTrue.size() == yPred.size();
        for (int s = 0; same && s < yTrue.size(); s++) {
            same = yTrue.get(s).size() == yPred.get(s).size();
        }
        if (!same) {
            throw new IllegalArgumentException("Found input variables with inconsistent numbers of samples:\n"
                    + yTrue.stream().map(List::size).toList() + "\n" + yPred.stream().map(List::size).toList());
        }
    }

    /** seqeval's {@code end_of_chunk}: did a chunk end between the previous and the current token? */
    private static boolean endOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean end = prevTag == 'E' || prevTag == 'S';
        end |= prevTag == 'B' && (tag == 'B' || tag == 'S' || tag == 'O');
        end |= prevTag == 'I' && (tag == 'B' || tag == 'S' || tag == 'O');
        end |= prevTag != 'O' && prevTag != '.' && !prevType.equals(type);
        return end;
    }

    /** seqeval's {@code start_of_chunk}: did a chunk start between the previous and the current token? */
    private static boolean startOfChunk(char prevTag, char tag, String prevType, String type) {
        boolean start = tag == 'B' || tag == 'S';
        start |= (prevTag == 'E' || prevTag == 'S' || prevTag == 'O') && (tag == 'E' || tag == 'I');
        start |= tag != 'O' && tag != '.' && !prevType.equals(type);
        return start;
    }

    /** seqeval's {@code Tokens._forward}: the first index after {@code start} that does not continue the chunk. */
    private static int forward(List<StrictToken> ext, int start, StrictToken prev, Scheme scheme) {
        for (int i = start; i < ext.size(); i++) {
            StrictToken token = ext.get(i);
            if (Patterns.isInside(scheme, prev, token)) {
                prev = token;
            } else {
                return i;
            }
        }
        return ext.size() - 2;
    }

    /** seqeval's {@code Token}: a prefix character and a tag ({@code "B-PER"}: B and PER; {@code "O"}: O and _). */
    private record StrictToken(String token, char prefix, String tag) {
        static StrictToken of(String token, Scheme scheme) {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("an empty tag in strict mode (scheme " + scheme + ")");
            }
            String tag = token.substring(1);
            int from = 0;
            int to = tag.length();
            while (from < to && tag.charAt(from) == '-') {
                from++;
            }
            while (to > from && tag.charAt(to - 1) == '-') {
                to--;
            }
            tag = tag.substring(from, to);
            return new StrictToken(token, token.charAt(0), tag.isEmpty() ? "_" : tag);
        }

        void checkValid(Scheme scheme) {
            if (scheme.allowed.indexOf(prefix) < 0) {
                throw new IllegalArgumentException("Invalid token is found: " + token + ". Allowed prefixes are: "
                        + String.join("|", scheme.allowed.chars().mapToObj(c -> String.valueOf((char) c)).toList()) + ".");
            }
        }
    }

    /** seqeval's start, inside and end patterns per scheme: (previous prefixes, current prefixes, tag condition). */
    private static final class Patterns {
        private enum TagCond { SAME, DIFF, ANY }

        private record Pattern(String prev, String current, TagCond cond) {
            boolean matches(StrictToken p, StrictToken c) {
                if (prev.indexOf(p.prefix()) < 0 || current.indexOf(c.prefix()) < 0) {
                    return false;
                }
                return switch (cond) {
                    case ANY -> true;
                    case SAME -> p.tag().equals(c.tag());
                    case DIFF -> !p.tag().equals(c.tag());
                };
            }
        }

        private static final String ANY = "IOBESUL";
        private static final Map<Scheme, List<Pattern>> START = new TreeMap<>();
        private static final Map<Scheme, List<Pattern>> INSIDE = new TreeMap<>();
        private static final Map<Scheme, List<Pattern>> END = new TreeMap<>();

        static {
            START.put(Scheme.IOB1, List.of(p("O", "I", TagCond.ANY), p("I", "I", TagCond.DIFF), p("B", "I", TagCond.ANY),
                    p("I", "B", TagCond.SAME), p("B", "B", TagCond.SAME)));
            INSIDE.put(Scheme.IOB1, List.of(p("B", "I", TagCond.SAME), p("I", "I", TagCond.SAME)));
            END.put(Scheme.IOB1, List.of(p("I", "I", TagCond.DIFF), p("I", "O", TagCond.ANY), p("I", "B", TagCond.ANY),
                    p("B", "O", TagCond.ANY), p("B", "I", TagCond.DIFF), p("B", "B", TagCond.SAME)));

            START.put(Scheme.IOE1, List.of(p("O", "I", TagCond.ANY), p("I", "I", TagCond.DIFF), p("E", "I", TagCond.ANY),
                    p("E", "E", TagCond.SAME)));
            INSIDE.put(Scheme.IOE1, List.of(p("I", "I", TagCond.SAME), p("I", "E", TagCond.SAME)));
            END.put(Scheme.IOE1, List.of(p("I", "I", TagCond.DIFF), p("I", "O", TagCond.ANY), p("I", "E", TagCond.DIFF),
                    p("E", "I", TagCond.SAME), p("E", "E", TagCond.SAME)));

            START.put(Scheme.IOB2, List.of(p(ANY, "B", TagCond.ANY)));
            INSIDE.put(Scheme.IOB2, List.of(p("B", "I", TagCond.SAME), p("I", "I", TagCond.SAME)));
            END.put(Scheme.IOB2, List.of(p("I", "O", TagCond.ANY), p("I", "I", TagCond.DIFF), p("I", "B", TagCond.ANY),
                    p("B", "O", TagCond.ANY), p("B", "I", TagCond.DIFF), p("B", "B", TagCond.ANY)));

            START.put(Scheme.IOE2, List.of(p("O", "I", TagCond.ANY), p("O", "E", TagCond.ANY), p("E", "I", TagCond.ANY),
                    p("E", "E", TagCond.ANY), p("I", "I", TagCond.DIFF), p("I", "E", TagCond.DIFF)));
            INSIDE.put(Scheme.IOE2, List.of(p("I", "E", TagCond.SAME), p("I", "I", TagCond.SAME)));
            END.put(Scheme.IOE2, List.of(p("E", ANY, TagCond.ANY)));

            START.put(Scheme.IOBES, List.of(p(ANY, "B", TagCond.ANY), p(ANY, "S", TagCond.ANY)));
            INSIDE.put(Scheme.IOBES, List.of(p("B", "I", TagCond.SAME), p("B", "E", TagCond.SAME), p("I", "I", TagCond.SAME),
                    p("I", "E", TagCond.SAME)));
            END.put(Scheme.IOBES, List.of(p("S", ANY, TagCond.ANY), p("E", ANY, TagCond.ANY)));

            START.put(Scheme.BILOU, List.of(p(ANY, "B", TagCond.ANY), p(ANY, "U", TagCond.ANY)));
            INSIDE.put(Scheme.BILOU, List.of(p("B", "I", TagCond.SAME), p("B", "L", TagCond.SAME), p("I", "I", TagCond.SAME),
                    p("I", "L", TagCond.SAME)));
            END.put(Scheme.BILOU, List.of(p("U", ANY, TagCond.ANY), p("L", ANY, TagCond.ANY)));
        }

        private static Pattern p(String prev, String current, TagCond cond) {
            return new Pattern(prev, current, cond);
        }

        static boolean isStart(Scheme s, StrictToken prev, StrictToken current) {
            return START.get(s).stream().anyMatch(p -> p.matches(prev, current));
        }

        static boolean isInside(Scheme s, StrictToken prev, StrictToken current) {
            return INSIDE.get(s).stream().anyMatch(p -> p.matches(prev, current));
        }

        static boolean isEnd(Scheme s, StrictToken prev, StrictToken current) {
            return END.get(s).stream().anyMatch(p -> p.matches(prev, current));
        }
    }
}
