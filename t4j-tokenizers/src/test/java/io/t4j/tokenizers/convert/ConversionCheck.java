package io.t4j.tokenizers.convert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.Engine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The development check on real tokenizer files (not a test: the files are other people's and stay outside the
 * repository). Converts a folder of slow tokenizer files and encodes every text of a file both ways: with the
 * converted tokenizer.json and with a reference, which is either a real tokenizer.json of the same model or a JSON
 * lines file of ids that the slow (SentencePiece) tokenizer gave. Pairs are texts i and i+1.
 *
 * <pre>
 * ./mvnw -q -pl t4j-tokenizers -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * java --enable-native-access=ALL-UNNAMED -cp t4j-tokenizers/target/test-classes:t4j-tokenizers/target/classes:$(cat t4j-tokenizers/target/test-classpath.txt) \
 *     io.t4j.tokenizers.convert.ConversionCheck SLOW_DIR (REFERENCE/tokenizer.json | EXPECTED.jsonl) TEXTS.txt [--json]
 * </pre>
 * TEXTS.txt holds one JSON string per line. {@code --json} also prints the converted pipeline beside the reference's;
 * {@code --out=FILE} writes the converted tokenizer.json.
 */
public final class ConversionCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversionCheck() {}

    public static void main(String[] args) throws IOException {
        Engine.init();
        Path slow = Path.of(args[0]);
        Path reference = Path.of(args[1]);
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                texts.add(JSON.readValue(line, String.class));
            }
        }
        long start = System.nanoTime();
        ConvertSlowTokenizer.Converted converted = ConvertSlowTokenizer.convert(slow);
        System.out.printf("converted with %s in %d ms%n", converted.converter(), (System.nanoTime() - start) / 1_000_000);
        for (String arg : args) {
            if (arg.startsWith("--out=")) {
                Files.writeString(Path.of(arg.substring(6)), converted.tokenizerJson());
            }
        }
        Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
        try (HuggingFaceTokenizer ours = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(converted.tokenizerJson().getBytes(StandardCharsets.UTF_8)), options)) {
            if (reference.toString().endsWith(".jsonl")) {
                checkAgainstIds(ours, reference, texts);
            } else {
                if (Arrays.asList(args).contains("--json")) {
                    printPipelines(converted.tokenizerJson(), reference);
                }
                try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(reference, options)) {
                    checkAgainstTokenizer(ours, ref, texts);
                }
            }
        }
    }

    private static void checkAgainstTokenizer(HuggingFaceTokenizer ours, HuggingFaceTokenizer ref, List<String> texts) {
        int idMismatch = 0;
        int offsetMismatch = 0;
        int pairMismatch = 0;
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            Encoding a = ours.encode(text);
            Encoding b = ref.encode(text);
            tokens += a.getIds().length;
            if (!Arrays.equals(a.getIds(), b.getIds()) || !Arrays.equals(a.getTypeIds(), b.getTypeIds())) {
                if (idMismatch++ < 5) {
                    System.out.println("ids differ on text " + i + ": " + JSON.valueToTree(text) + "\n  converted "
                            + Arrays.toString(a.getTokens()) + "\n  reference " + Arrays.toString(b.getTokens()));
                }
            } else if (!Arrays.equals(spans(a), spans(b))) {
                if (offsetMismatch++ < 5) {
                    System.out.println("offsets differ on text " + i + ": " + Arrays.toString(spans(a)) + " vs "
                            + Arrays.toString(spans(b)));
                }
            }
            if (i + 1 < texts.size()) {
                Encoding pa = ours.encode(text, texts.get(i + 1));
                Encoding pb = ref.encode(text, texts.get(i + 1));
                if (!Arrays.equals(pa.getIds(), pb.getIds()) || !Arrays.equals(pa.getTypeIds(), pb.getTypeIds())) {
                    pairMismatch++;
                }
            }
            String decodedA = ours.decode(a.getIds(), true);
            String decodedB = ref.decode(b.getIds(), true);
            if (!decodedA.equals(decodedB) && idMismatch < 5) {
                System.out.println("decode differs on text " + i + ": " + JSON.valueToTree(decodedA) + " vs "
                        + JSON.valueToTree(decodedB));
            }
        }
        System.out.printf("%d texts (%d tokens), %d pairs: ids differ on %d texts, offsets on %d, pairs on %d%n",
                texts.size(), tokens, texts.size() - 1, idMismatch, offsetMismatch, pairMismatch);
    }

    private static void checkAgainstIds(HuggingFaceTokenizer ours, Path expected, List<String> texts) throws IOException {
        List<String> lines = Files.readAllLines(expected, StandardCharsets.UTF_8);
        int mismatch = 0;
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            JsonNode want = JSON.readTree(lines.get(i));
            long[] ids = ours.encode(texts.get(i)).getIds();
            long[] expectedIds = new long[want.size()];
            for (int j = 0; j < expectedIds.length; j++) {
                expectedIds[j] = want.get(j).asLong();
            }
            tokens += ids.length;
            if (!Arrays.equals(ids, expectedIds) && mismatch++ < 5) {
                System.out.println("ids differ on text " + i + ": " + JSON.valueToTree(texts.get(i)) + "\n  converted "
                        + Arrays.toString(ids) + " " + Arrays.toString(ours.encode(texts.get(i)).getTokens())
                        + "\n  expected  " + Arrays.toString(expectedIds));
            }
        }
        System.out.printf("%d texts (%d tokens): ids differ from the slow tokenizer's on %d%n", texts.size(), tokens, mismatch);
    }

    private static String[] spans(Encoding e) {
        CharSpan[] spans = e.getCharTokenSpans();
        String[] out = new String[spans.length];
        for (int i = 0; i < spans.length; i++) {
            out[i] = spans[i] == null ? "-" : spans[i].getStart() + ":" + spans[i].getEnd();
        }
        return out;
    }

    /** Merges as pairs: tokenizers writes {@code ["a", "b"]} since 0.20 and {@code "a b"} before. */
    private static List<List<String>> mergePairs(JsonNode merges) {
        List<List<String>> pairs = new ArrayList<>();
        for (JsonNode m : merges) {
            pairs.add(m.isTextual() ? List.of(m.asText().split(" ", 2)) : List.of(m.get(0).asText(), m.get(1).asText()));
        }
        return pairs;
    }

    private static void printPipelines(String converted, Path reference) throws IOException {
        JsonNode ours = JSON.readTree(converted);
        JsonNode ref = JSON.readTree(reference.toFile());
        for (String key : List.of("added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder")) {
            boolean same = ours.path(key).equals(ref.path(key));
            System.out.println(key + (same ? ": same" : ":\n  converted " + ours.path(key) + "\n  reference " + ref.path(key)));
        }
        JsonNode a = ours.path("model");
        JsonNode b = ref.path("model");
        var fields = new ArrayList<String>();
        a.fieldNames().forEachRemaining(fields::add);
        for (String f : fields) {
            if (f.equals("ignore_merges") && b.path(f).isMissingNode()) {
                continue; // written by tokenizers 0.19+ only; false is the older behaviour
            }
            if (f.equals("merges") ? !mergePairs(a.path(f)).equals(mergePairs(b.path(f))) : !a.path(f).equals(b.path(f))) {
                if (f.equals("merges")) {
                    List<List<String>> ma = mergePairs(a.path(f));
                    List<List<String>> mb = mergePairs(b.path(f));
                    int i = 0;
                    while (i < Math.min(ma.size(), mb.size()) && ma.get(i).equals(mb.get(i))) {
                        i++;
                    }
                    System.out.println("model.merges: " + ma.size() + " vs " + mb.size() + ", first difference at " + i + ": "
                            + (i < ma.size() ? ma.get(i) : "-") + " vs " + (i < mb.size() ? mb.get(i) : "-")
                            + "; the same set of merges: " + new java.util.HashSet<>(ma).equals(new java.util.HashSet<>(mb)));
                    continue;
                }
                String shownA = a.path(f).toString();
                String shownB = b.path(f).toString();
                System.out.println("model." + f + " differs: " + shownA.substring(0, Math.min(300, shownA.length())) + " vs "
                        + shownB.substring(0, Math.min(300, shownB.length())));
            }
        }
    }
}
