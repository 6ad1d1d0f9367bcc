package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * HF's {@code utils/check_copies.py} for t4j's modeling files: a nested class whose Javadoc says
 * {@code Copied from io.t4j.models.llama.LlamaModeling.LlamaDecoderLayer with Llama->Qwen2} must equal that class
 * (Javadoc aside) after the replacements (comma-separated {@code A->B} pairs, applied together). Run with
 * {@code -Dfix-copies=true} to rewrite the copies from their originals (HF's {@code make fix-copies}), then review
 * the diff.
 */
class CopiedFromTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern MARKER =
            Pattern.compile("Copied from (io\\.t4j\\.[\\w.]+)\\.(\\w+)\\.(\\w+)(?: with ([^\\n*]+))?");

    /** One copy: the file and class holding it, its original, and the replacements. */
    private record Copy(Path file, String className, Path originalFile, String originalClass, List<String[]> replacements) {}

    @Test
    void everyMarkedCopyEqualsItsOriginal() throws IOException {
        List<Copy> copies = copies();
        assertThat(copies).as("marked copies under " + SOURCES.toAbsolutePath()).isNotEmpty();
        boolean fix = Boolean.getBoolean("fix-copies");
        List<String> stale = new ArrayList<>();
        for (Copy c : copies) {
            String expected = replaced(classBody(Files.readString(c.originalFile()), c.originalClass()), c.replacements());
            String source = Files.readString(c.file());
            String actual = classBody(source, c.className());
            System.out.printf("  %-40s copied from %s: %s%n", c.className(), c.originalClass(),
                    actual.equals(expected) ? "equal" : "DIFFERS");
            if (!actual.equals(expected)) {
                if (fix) {
                    Files.writeString(c.file(), source.replace(actual, expected));
                } else {
                    stale.add(c.file() + ": " + c.className() + " differs from " + c.originalClass()
                            + diff(expected, actual));
                }
            }
        }
        assertThat(stale).as("copies out of step with their originals (rerun with -Dfix-copies=true)").isEmpty();
    }

    private static List<Copy> copies() throws IOException {
        List<Copy> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher m = MARKER.matcher(source);
                while (m.find()) {
                    Matcher decl = Pattern.compile("class (\\w+)").matcher(source);
                    if (!decl.find(m.end())) {
                        throw new IllegalStateException(file + ": no class after '" + m.group() + "'");
                    }
                    Path original = SOURCES.resolve(m.group(1).replace('.', '/')).resolve(m.group(2) + ".java");
                    out.add(new Copy(file, decl.group(1), original, m.group(3), replacements(m.group(4))));
                }
            }
        }
        return out;
    }

    private static List<String[]> replacements(String with) {
        List<String[]> out = new ArrayList<>();
        if (with != null) {
            for (String pair : with.trim().split(",\\s*")) {
                String[] ab = pair.split("->");
                if (ab.length != 2) {
                    throw new IllegalArgumentException("a replacement is 'A->B', got '" + pair + "'");
                }
                out.add(new String[] {ab[0].trim(), ab[1].trim()});
            }
        }
        return out;
    }

    /** Every replacement at once, so one's output is never rewritten by the next ({@code Bert->Roberta, bert->roberta}). */
    private static String replaced(String text, List<String[]> replacements) {
        if (replacements.isEmpty()) {
            return text;
        }
        Pattern any = Pattern.compile(String.join("|", replacements.stream().map(r -> Pattern.quote(r[0])).toList()));
        return any.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replacements.stream()
                .filter(r -> r[0].equals(m.group())).findFirst().orElseThrow()[1]));
    }

    /** From {@code class Name} to its closing brace. */
    private static String classBody(String source, String className) {
        Matcher m = Pattern.compile("public static final class " + className + "\\b").matcher(source);
        if (!m.find()) {
            throw new IllegalStateException("no class " + className);
        }
        int depth = 0;
        for (int i = source.indexOf('{', m.end()); i < source.length(); i++) {
            char ch = source.charAt(i);
            if (ch == '{') {
                depth++;
            } else if (ch == '}' && --depth == 0) {
                return source.substring(m.start(), i + 1);
            }
        }
        throw new IllegalStateException("unbalanced braces in " + className);
    }

    private static String diff(String expected, String actual) {
        String[] e = expected.split("\n");
        String[] a = actual.split("\n");
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end>";
            String al = i < a.length ? a[i] : "<end>";
            if (!el.equals(al)) {
                return "\n    first difference at line " + (i + 1) + ":\n    expected: " + el.strip() + "\n    actual:   " + al.strip();
            }
        }
        return "";
    }
}
