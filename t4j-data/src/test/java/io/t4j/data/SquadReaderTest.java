package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQuAD files in every layout, written here; the errors name the file and the question id. */
class SquadReaderTest {
    @TempDir Path dir;

    /** SQuAD v1.1's original layout: two articles, a question with three gold answers, a blank-led question. */
    static final String V11 = """
            {"version": "1.1", "data": [
              {"title": "Super_Bowl_50", "paragraphs": [
                {"context": "Super Bowl 50 was won by the Denver Broncos.",
                 "qas": [{"id": "q1", "question": "Who won Super Bowl 50?",
                          "answers": [{"text": "Denver Broncos", "answer_start": 29},
                                      {"text": "the Denver Broncos", "answer_start": 25},
                                      {"text": "Denver Broncos", "answer_start": 29}]},
                         {"id": "q2", "question": "   Which Super Bowl?", "answers": [{"text": "50", "answer_start": 11}]}]}]},
              {"title": "Warsaw", "paragraphs": [
                {"context": "Warsaw is the capital of Poland.",
                 "qas": [{"id": "q3", "question": "Capital of what?", "answers": [{"text": "Poland", "answer_start": 25}]}]}]}
            ]}""";

    @Test
    void readsSquadV11() {
        SquadData data = SquadReader.read(Fixtures.write(dir.resolve("train.json"), V11));
        assertThat(data.version()).isEqualTo("1.1");
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.titles()).containsExactly("Super_Bowl_50", "Warsaw");
        assertThat(data.hasImpossible()).isFalse();
        SquadExample q1 = data.get(0);
        assertThat(q1.id()).isEqualTo("q1");
        assertThat(q1.title()).isEqualTo("Super_Bowl_50");
        assertThat(q1.answerTexts()).containsExactly("Denver Broncos", "the Denver Broncos", "Denver Broncos");
        SquadAnswer first = q1.answers().getFirst();
        assertThat(q1.context().substring(first.answerStart(), first.answerEnd())).isEqualTo("Denver Broncos");
        assertThat(data.get(1).question()).isEqualTo("   Which Super Bowl?"); // as read; features strip it
        assertThat(data.get(0).source()).isEqualTo(dir.resolve("train.json").toString());
    }

    @Test
    void answerStartCountsCodePointsAsPython() {
        // "\uD83C\uDFC8" (an American football) is one Python character but two Java chars: 'Broncos' starts at
        // code point 9, Java index 10
        String json = """
                {"data": [{"title": "t", "paragraphs": [{"context": "Go \\uD83C\\uDFC8 the Broncos",
                  "qas": [{"id": "q", "question": "Who?", "answers": [{"text": "Broncos", "answer_start": 9}]}]}]}]}""";
        SquadExample e = SquadReader.read(Fixtures.write(dir.resolve("emoji.json"), json)).get(0);
        SquadAnswer a = e.answers().getFirst();
        assertThat(a.answerStart()).isEqualTo(10);
        assertThat(a.codePointStart(e.context())).isEqualTo(9);
        assertThat(e.context().substring(a.answerStart(), a.answerEnd())).isEqualTo("Broncos");
    }

    @Test
    void readsSquadV2WithImpossibleQuestions() {
        String json = """
                {"version": "v2.0", "data": [{"title": "Normans", "paragraphs": [{"context": "The Normans were in Normandy.",
                  "qas": [{"id": "a", "question": "Where were the Normans?", "is_impossible": false,
                           "answers": [{"text": "Normandy", "answer_start": 20}]},
                          {"id": "b", "question": "Where were the Danes?", "is_impossible": true, "answers": [],
                           "plausible_answers": [{"text": "Normandy", "answer_start": 20}]}]}]}]}""";
        SquadData data = SquadReader.read(Fixtures.write(dir.resolve("dev-v2.0.json"), json));
        assertThat(data.version()).isEqualTo("v2.0");
        assertThat(data.hasImpossible()).isTrue();
        assertThat(data.get(0).isImpossible()).isFalse();
        SquadExample b = data.get(1);
        assertThat(b.isImpossible()).isTrue();
        assertThat(b.answers()).isEmpty();
        assertThat(b.plausibleAnswers()).containsExactly(new SquadAnswer("Normandy", 20));
    }

    static final String FLAT_1 = "{\"id\": \"q1\", \"title\": \"Super_Bowl_50\", \"context\": \"Super Bowl 50 was won by the Denver Broncos.\", "
            + "\"question\": \"Who won?\", \"answers\": {\"text\": [\"Denver Broncos\", \"the Denver Broncos\"], \"answer_start\": [29, 25]}}";
    static final String FLAT_2 = "{\"id\": \"q2\", \"title\": \"Warsaw\", \"context\": \"Warsaw is the capital of Poland.\", "
            + "\"question\": \"What is Warsaw?\", \"answers\": {\"text\": [], \"answer_start\": []}}";

    @Test
    void readsHfFlatLayoutAsJsonLinesJsonArrayAndDataObject() {
        List<Path> files = List.of(
                Fixtures.write(dir.resolve("a.jsonl"), FLAT_1 + "\r\n\r\n" + FLAT_2 + "\r\n"),
                Fixtures.write(dir.resolve("b.json"), FLAT_1 + "\n" + FLAT_2 + "\n"),
                Fixtures.write(dir.resolve("c.json"), "[" + FLAT_1 + ",\n" + FLAT_2 + "]"),
                Fixtures.write(dir.resolve("d.json"), "{\"data\": [" + FLAT_1 + ",\n" + FLAT_2 + "]}"));
        for (Path file : files) {
            SquadData data = SquadReader.read(file);
            assertThat(data.size()).as(file.toString()).isEqualTo(2);
            assertThat(data.get(0).answers()).containsExactly(new SquadAnswer("Denver Broncos", 29), new SquadAnswer("the Denver Broncos", 25));
            assertThat(data.get(1).isImpossible()).isTrue(); // empty answers: a SQuAD v2 unanswerable question
            assertThat(data.titles()).containsExactly("Super_Bowl_50", "Warsaw");
        }
    }

    @Test
    void readsHfFlatLayoutFromParquet() throws IOException {
        // pyarrow's layout of HF's squad parquet files: answers is struct<text: list<string>, answer_start: list<int32>>
        MessageType schema = MessageTypeParser.parseMessageType("""
                message schema {
                  optional binary id (STRING);
                  optional binary title (STRING);
                  optional binary context (STRING);
                  optional binary question (STRING);
                  optional group answers {
                    optional group text (LIST) { repeated group list { optional binary element (STRING); } }
                    optional group answer_start (LIST) { repeated group list { optional int32 element; } }
                  }
                }""");
        Path file = dir.resolve("validation-00000-of-00001.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
            Group row = groups.newGroup().append("id", "q1").append("title", "Super_Bowl_50")
                    .append("context", "Super Bowl 50 was won by the Denver Broncos.").append("question", "Who won?");
            Group answers = row.addGroup("answers");
            Group texts = answers.addGroup("text");
            texts.addGroup("list").append("element", "Denver Broncos");
            texts.addGroup("list").append("element", "the Denver Broncos");
            Group starts = answers.addGroup("answer_start");
            starts.addGroup("list").append("element", 29);
            starts.addGroup("list").append("element", 25);
            writer.write(row);
            Group impossible = groups.newGroup().append("id", "q2").append("title", "Warsaw")
                    .append("context", "Warsaw is the capital of Poland.").append("question", "What is Warsaw?");
            Group none = impossible.addGroup("answers");
            none.addGroup("text");
            none.addGroup("answer_start");
            writer.write(impossible);
        }
        SquadData data = SquadReader.read(file);
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.get(0).answers()).containsExactly(new SquadAnswer("Denver Broncos", 29), new SquadAnswer("the Denver Broncos", 25));
        assertThat(data.get(0).title()).isEqualTo("Super_Bowl_50");
        assertThat(data.get(1).isImpossible()).isTrue();
    }

    @Test
    void datasetViewHasHfColumns() {
        Dataset d = SquadReader.read(Fixtures.write(dir.resolve("a.jsonl"), FLAT_1 + "\n" + FLAT_2)).toDataset();
        assertThat(d.columnNames()).containsExactly("id", "title", "context", "question", "answers");
        assertThat(d.strings("answers").get(0)).isEqualTo("{\"text\":[\"Denver Broncos\",\"the Denver Broncos\"],\"answer_start\":[29,25]}");
        assertThat(d.strings("answers").get(1)).isEqualTo("{\"text\":[],\"answer_start\":[]}");
    }

    @Test
    void splitsByArticleNeverByQuestion() {
        StringBuilder lines = new StringBuilder();
        for (int a = 0; a < 10; a++) {
            for (int q = 0; q < 3; q++) {
                lines.append("{\"id\": \"a").append(a).append("q").append(q).append("\", \"title\": \"article ").append(a)
                        .append("\", \"context\": \"Context of article ").append(a).append(".\", \"question\": \"Which?\", ")
                        .append("\"answers\": {\"text\": [\"article\"], \"answer_start\": [11]}}\n");
            }
        }
        SquadData data = SquadReader.read(Fixtures.write(dir.resolve("many.jsonl"), lines.toString()));
        SquadData.ArticleSplit split = data.splitByArticle(3, 42);
        assertThat(split.test().titles()).hasSize(3);
        assertThat(split.train().titles()).hasSize(7);
        assertThat(split.test().size()).isEqualTo(9);
        Set<String> overlap = new HashSet<>(split.train().titles());
        overlap.retainAll(split.test().titles());
        assertThat(overlap).isEmpty();
        assertThat(data.splitByArticle(3, 42).test().titles()).isEqualTo(split.test().titles()); // seeded
        assertThat(data.splitByArticle(3, 7).test().titles()).isNotEqualTo(split.test().titles());
        assertThat(data.selectArticles(List.of("article 4")).examples()).extracting(SquadExample::id).containsExactly("a4q0", "a4q1", "a4q2");
        assertThatThrownBy(() -> data.selectArticles(List.of("article 99"))).hasMessageContaining("no article titled 'article 99'");
        assertThatThrownBy(() -> data.splitByArticle(10, 1)).hasMessageContaining("cannot put 10 of 10 articles in the test split");
        SquadData untitled = SquadReader.read(Fixtures.write(dir.resolve("untitled.jsonl"), FLAT_1.replace("\"title\": \"Super_Bowl_50\", ", "")));
        assertThatThrownBy(() -> untitled.splitByArticle(1, 1)).hasMessageContaining("question q1: no title");
    }

    @Test
    void answerStartThatDoesNotMatchTheTextNamesFileAndQuestion() {
        Path file = Fixtures.write(dir.resolve("bad.json"), V11.replace("\"answer_start\": 25}", "\"answer_start\": 24}"));
        assertThatThrownBy(() -> SquadReader.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + ", question q1: answers[1]: answer_start 24 does not match the answer text 'the Denver Broncos': "
                        + "the context there reads ' the Denver Bronco'");
        Path flat = Fixtures.write(dir.resolve("bad.jsonl"), FLAT_1.replace("[29, 25]", "[29, 99]"));
        assertThatThrownBy(() -> SquadReader.read(flat))
                .hasMessage(flat + ", question q1: answers[1]: answer_start 99 is outside the context (44 characters) for the answer 'the Denver Broncos'");
    }

    @Test
    void emptyContextMissingFieldsAndContradictionsNameTheQuestion() {
        Path empty = Fixtures.write(dir.resolve("empty.json"), V11.replace("Warsaw is the capital of Poland.", " "));
        assertThatThrownBy(() -> SquadReader.read(empty)).hasMessage(empty + ", question q3: empty context");
        Path noQuestion = Fixtures.write(dir.resolve("noq.json"), V11.replace("\"question\": \"Capital of what?\", ", ""));
        assertThatThrownBy(() -> SquadReader.read(noQuestion)).hasMessage(noQuestion + ", question q3: missing field 'question'");
        Path noId = Fixtures.write(dir.resolve("noid.json"), V11.replace("\"id\": \"q3\", ", ""));
        assertThatThrownBy(() -> SquadReader.read(noId))
                .hasMessage(noId + ", article 1 ('Warsaw') paragraph 0 question 0: missing field 'id'");
        Path noAnswers = Fixtures.write(dir.resolve("noanswers.json"), V11.replace("[{\"text\": \"Poland\", \"answer_start\": 25}]", "[]"));
        assertThatThrownBy(() -> SquadReader.read(noAnswers))
                .hasMessageStartingWith(noAnswers + ", question q3: no answers, and is_impossible is not true");
        Path contradiction = Fixtures.write(dir.resolve("contra.json"), V11.replace("\"id\": \"q3\",", "\"id\": \"q3\", \"is_impossible\": true,"));
        assertThatThrownBy(() -> SquadReader.read(contradiction))
                .hasMessage(contradiction + ", question q3: is_impossible is true but the question has 1 answers");
        Path twice = Fixtures.write(dir.resolve("twice.json"), V11.replace("\"id\": \"q3\"", "\"id\": \"q1\""));
        assertThatThrownBy(() -> SquadReader.read(twice)).hasMessageStartingWith(twice + ", question q1: the question id appears more than once");
        Path lengths = Fixtures.write(dir.resolve("lengths.jsonl"), FLAT_1.replace("[29, 25]", "[29]"));
        assertThatThrownBy(() -> SquadReader.read(lengths)).hasMessage(lengths + ", question q1: answers has 2 texts but 1 answer_start values");
        Path noAnswersField = Fixtures.write(dir.resolve("noanswersfield.jsonl"), FLAT_2.replaceAll(", \"answers\": .*}", "}"));
        assertThatThrownBy(() -> SquadReader.read(noAnswersField)).hasMessageStartingWith(noAnswersField + ", question q2: field 'answers' must be an object");
        Path broken = Fixtures.write(dir.resolve("broken.jsonl"), FLAT_1 + "\n{\"id\": \n");
        assertThatThrownBy(() -> SquadReader.read(broken)).hasMessageStartingWith(broken + " line 2 column");
        assertThatThrownBy(() -> SquadReader.read(dir.resolve("train.csv"))).hasMessageContaining("unknown SQuAD file type");
    }
}
