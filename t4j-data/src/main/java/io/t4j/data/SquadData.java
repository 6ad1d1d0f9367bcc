package io.t4j.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQuAD questions of one file, in file order, as {@link SquadReader} reads them (HF's {@code squad} and
 * {@code squad_v2} splits), with the split by article that SQuAD needs: questions on one paragraph share their
 * context, so a split by question leaks answers from train into validation.
 *
 * @param source the file read (for messages)
 * @param version the file's {@code "version"} ("1.1", "v2.0"), or null when the file has none (HF's flat layout)
 * @param examples the questions; ids are unique
 */
public record SquadData(String source, String version, List<SquadExample> examples) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SquadData {
        examples = List.copyOf(examples);
        Set<String> ids = new HashSet<>();
        for (SquadExample e : examples) {
            if (!ids.add(e.id())) {
                throw new DataException(e.where() + ": the question id appears more than once (post-processing maps "
                        + "predictions back by id)");
            }
        }
    }

    public int size() {
        return examples.size();
    }

    public SquadExample get(int index) {
        return examples.get(index);
    }

    /** True when some question has no answer (SQuAD v2; run_qa's {@code --version_2_with_negative}). */
    public boolean hasImpossible() {
        return examples.stream().anyMatch(SquadExample::isImpossible);
    }

    /** The articles' titles in file order, each once. */
    public List<String> titles() {
        Set<String> titles = new LinkedHashSet<>();
        examples.forEach(e -> titles.add(e.title()));
        return List.copyOf(titles);
    }

    /** The questions of the articles titled {@code titles}, in file order; an unknown title is an error. */
    public SquadData selectArticles(Collection<String> titles) {
        List<String> known = titles();
        for (String t : titles) {
            if (!known.contains(t)) {
                throw new DataException(source + ": no article titled '" + t + "' (articles: " + String.join(", ", known) + ")");
            }
        }
        Set<String> wanted = new HashSet<>(titles);
        return new SquadData(source, version, examples.stream().filter(e -> wanted.contains(e.title())).toList());
    }

    /** A train and a test part of one {@link SquadData}, split by article. */
    public record ArticleSplit(SquadData train, SquadData test) {}

    /**
     * Splits by article: {@code testArticles} articles drawn by a {@link Seeded} permutation of the titles (the same
     * on every machine) go to {@code test}, the others to {@code train}; both keep file order. Every question must
     * have a title.
     */
    public ArticleSplit splitByArticle(int testArticles, long seed) {
        for (SquadExample e : examples) {
            if (e.title().isEmpty()) {
                throw new DataException(e.where() + ": no title, so the questions cannot be split by article");
            }
        }
        List<String> titles = titles();
        if (testArticles < 1 || testArticles >= titles.size()) {
            throw new DataException(source + ": cannot put " + testArticles + " of " + titles.size()
                    + " articles in the test split (need 1 to " + (titles.size() - 1) + ")");
        }
        int[] order = Seeded.permutation(titles.size(), seed);
        Set<String> test = new HashSet<>();
        for (int i = 0; i < testArticles; i++) {
            test.add(titles.get(order[i]));
        }
        List<String> train = titles.stream().filter(t -> !test.contains(t)).toList();
        return new ArticleSplit(selectArticles(train), selectArticles(titles.stream().filter(test::contains).toList()));
    }

    /**
     * A {@link Dataset} view with HF's columns: {@code id}, {@code title}, {@code context}, {@code question} and
     * {@code answers}, the last as the JSON text of HF's {@code {"text": [...], "answer_start": [...]}} (starts in
     * code points, as in the files), which is how t4j-data keeps a nested JSON value.
     */
    public Dataset toDataset() {
        int n = examples.size();
        String[] ids = new String[n];
        String[] titles = new String[n];
        String[] contexts = new String[n];
        String[] questions = new String[n];
        String[] answers = new String[n];
        for (int i = 0; i < n; i++) {
            SquadExample e = examples.get(i);
            ids[i] = e.id();
            titles[i] = e.title();
            contexts[i] = e.context();
            questions[i] = e.question();
            ObjectNode a = JSON.createObjectNode();
            ArrayNode text = a.putArray("text");
            ArrayNode start = a.putArray("answer_start");
            for (SquadAnswer answer : e.answers()) {
                text.add(answer.text());
                start.add(answer.codePointStart(e.context()));
            }
            answers[i] = a.toString();
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("id", new StringColumn(ids));
        columns.put("title", new StringColumn(titles));
        columns.put("context", new StringColumn(contexts));
        columns.put("question", new StringColumn(questions));
        columns.put("answers", new StringColumn(answers));
        return Dataset.fromColumns(columns, Map.of());
    }

    /**
     * Writes the questions as a SQuAD JSON file in the original layout, which {@link SquadReader} reads back:
     * {@code {"version", "data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers": [{"text",
     * "answer_start"}]}]}]}]}}, articles and paragraphs in the order they first appear, {@code answer_start} in code
     * points as SQuAD counts them, and for SQuAD v2 data {@code is_impossible} (and {@code plausible_answers}) on
     * every question. Written to a temporary file and moved into place.
     */
    public void writeJson(java.nio.file.Path file) {
        boolean v2 = hasImpossible();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", version != null ? version : v2 ? "v2.0" : "1.1");
        ArrayNode data = root.putArray("data");
        Map<String, Map<String, ArrayNode>> byArticle = new LinkedHashMap<>(); // title -> context -> qas
        for (SquadExample e : examples) {
            Map<String, ArrayNode> paragraphs = byArticle.computeIfAbsent(e.title(), t -> new LinkedHashMap<>());
            ArrayNode qas = paragraphs.computeIfAbsent(e.context(), c -> JSON.createArrayNode());
            ObjectNode qa = qas.addObject();
            qa.put("id", e.id());
            qa.put("question", e.question());
            answersJson(qa.putArray("answers"), e.answers(), e.context());
            if (v2) {
                qa.put("is_impossible", e.isImpossible());
                if (!e.plausibleAnswers().isEmpty()) {
                    answersJson(qa.putArray("plausible_answers"), e.plausibleAnswers(), e.context());
                }
            }
        }
        byArticle.forEach((title, paragraphs) -> {
            ObjectNode article = data.addObject();
            article.put("title", title);
            ArrayNode ps = article.putArray("paragraphs");
            paragraphs.forEach((context, qas) -> {
                ObjectNode p = ps.addObject();
                p.put("context", context);
                p.set("qas", qas);
            });
        });
        java.nio.file.Path abs = file.toAbsolutePath();
        java.nio.file.Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            java.nio.file.Files.createDirectories(abs.getParent());
            JSON.writeValue(tmp.toFile(), root);
            java.nio.file.Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new DataException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void answersJson(ArrayNode out, List<SquadAnswer> answers, String context) {
        for (SquadAnswer a : answers) {
            ObjectNode o = out.addObject();
            o.put("text", a.text());
            o.put("answer_start", a.codePointStart(context));
        }
    }

    /** The questions at {@code indices}, in that order (HF's {@code select}). */
    public SquadData select(int... indices) {
        List<SquadExample> out = new ArrayList<>();
        for (int i : indices) {
            if (i < 0 || i >= examples.size()) {
                throw new DataException("index " + i + " is out of range for " + examples.size() + " questions");
            }
            out.add(examples.get(i));
        }
        return new SquadData(source, version, out);
    }
}
