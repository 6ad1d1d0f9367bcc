package io.t4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the repository's Markdown (README.md, DEVELOPERS.md, each module's README.md)
 * compiles against the modules, as a reader would paste it: its own {@code import} lines, and the rest as the body
 * of a method (a block that declares a class is compiled as a file of its own). Nothing is imported for the
 * snippet, so a missing import fails here. A fragment that is not meant to compile belongs in a {@code ```text}
 * block. (This module depends on the CLI, so every library module is on the test classpath.)
 */
class ReadmeSnippetsTest {
    @TempDir Path out;

    /** One {@code ```java} block: where it starts (the line after the fence) and its lines. */
    record Snippet(Path file, int firstLine, List<String> lines) {
        String where() {
            return file.getFileName() + ":" + firstLine;
        }
    }

    /** A snippet as a compilation unit, and the source line where its first snippet line sits. */
    record Unit(Snippet snippet, String className, String source, int offset) {}

    static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root (with mvnw) above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }

    static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> top = Files.list(root)) {
            top.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        try (Stream<Path> modules = Files.list(root)) {
            modules.filter(Files::isDirectory).map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted()
                    .forEach(files::add);
        }
        return files;
    }

    static List<Snippet> snippets(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                    end++;
                }
                assertThat(end).as(file + ":" + (i + 1) + ": unclosed ```java block").isLessThan(lines.size());
                out.add(new Snippet(file, start + 1, lines.subList(start, end)));
                i = end;
            }
        }
        return out;
    }

    static Unit unit(Snippet s, int index) {
        String name = "ReadmeSnippet" + index;
        boolean declaresType = s.lines().stream().anyMatch(l -> l.matches("^(public |final |abstract )*(class|record|interface|enum) .*"));
        StringBuilder src = new StringBuilder();
        if (declaresType) { // compiled as written, each line where it is
            s.lines().forEach(l -> src.append(l).append('\n'));
            String declared = s.lines().stream().filter(l -> l.matches("^(public |final |abstract )*(class|record|interface|enum) .*"))
                    .findFirst().orElseThrow().replaceAll("^(public |final |abstract )*(class|record|interface|enum) (\\w+).*", "$3");
            return new Unit(s, declared, src.toString(), 1);
        }
        // imports first, each on its own line, then the statements inside a method; blank lines keep the count
        List<String> imports = s.lines().stream().map(l -> l.startsWith("import ") ? l : "").toList();
        imports.forEach(l -> src.append(l).append('\n'));
        src.append("final class ").append(name).append(" { static void snippet() throws Exception {\n");
        s.lines().forEach(l -> src.append(l.startsWith("import ") ? "" : l).append('\n'));
        src.append("} }\n");
        return new Unit(s, name, src.toString(), s.lines().size() + 2);
    }

    @Test
    void everyJavaBlockInTheMarkdownCompiles() throws IOException {
        List<Snippet> all = new ArrayList<>();
        for (Path md : markdownFiles(repository())) {
            all.addAll(snippets(md));
        }
        assertThat(all).as("```java blocks in the repository's Markdown").isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler (the tests run on a JDK)").isNotNull();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) { // one compilation each, so one snippet's names cannot help another
            Unit u = unit(all.get(i), i);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
                JavaFileObject source = new SimpleJavaFileObject(
                        java.net.URI.create("string:///" + u.className() + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return u.source();
                    }
                };
                Path classes = Files.createDirectories(out.resolve("snippet-" + i));
                List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                        "-proc:none", "-Xlint:none");
                boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(source)).call();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        long line = d.getLineNumber();
                        long mdLine = line < u.offset() ? u.snippet().firstLine() + line - 1
                                : u.snippet().firstLine() + line - u.offset();
                        failures.add(u.snippet().file().getFileName() + ":" + mdLine + ": " + d.getMessage(Locale.ROOT));
                    }
                }
                if (!ok && failures.isEmpty()) {
                    failures.add(u.snippet().where() + ": did not compile");
                }
            }
        }
        System.out.printf("compiled %d ```java blocks%n", all.size());
        assertThat(failures).as("snippets that do not compile").isEmpty();
    }
}
