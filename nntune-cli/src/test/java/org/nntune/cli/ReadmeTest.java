package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README shows runs: every {@code java} block compiles as written (its imports, then its
 * statements, inside a method) against the reactor's class path, and every {@code bin/nntune}
 * command runs through the CLI in-process, in order, on a copy of {@code examples/}, exiting 0 —
 * except the commands that need a database server on another host ({@code dbhost}), the
 * dashboard, which serves until it is stopped (its own test runs it), and the {@code --spark} runs
 * (nntune-spark's {@code ReadmeSparkIT} runs them, with Spark). Relative SQLite files, in nntune's
 * form ({@code sqlite:iris.db}) and in Optuna's ({@code optuna+sqlite:///iris-optuna.db}), are
 * made in that copy's folder.
 */
class ReadmeTest {
    static final Path README = Path.of("..", "README.md");

    @Test
    void everyJavaSnippetCompilesAsWritten(@TempDir Path dir) throws IOException {
        String readme = Files.readString(README);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<JavaFileObject> units = new ArrayList<>();
        while (m.find()) {
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : m.group(1).split("\\n")) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            String name = "ReadmeSnippet" + units.size();
            String source = imports + "\nclass " + name + " {\n    static void run() throws Exception {\n" + body + "    }\n}\n";
            units.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        assertThat(units).hasSizeGreaterThanOrEqualTo(4);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(null, null, diagnostics, List.of("-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), "-proc:none"), null, units).call();
        List<String> errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null)).toList();
        assertThat(errors).isEmpty();
        assertThat(ok).isTrue();
    }

    @Test
    void everyOfflineCommandRuns(@TempDir Path dir) throws IOException {
        copyTree(Path.of("..", "examples"), dir.resolve("examples"));
        List<String> commands = new ArrayList<>();
        for (String line : Files.readAllLines(README)) {
            for (String part : line.trim().split("&&")) {
                String c = part.replaceFirst("#.*", "").trim();
                if (c.startsWith("bin/nntune ")) {
                    commands.add(c);
                }
            }
        }
        assertThat(commands).hasSizeGreaterThanOrEqualTo(10);
        int ran = 0;
        for (String c : commands) {
            if (c.contains("dbhost") || c.contains("--spark") || c.startsWith("bin/nntune dashboard")) {
                // --spark: Spark is not on this module's class path; nntune-spark's ReadmeSparkIT runs those commands
                // a database server on another machine: not offline; the dashboard serves until stopped
                // (DashboardCommandTest runs it)
                continue;
            }
            List<String> args = new ArrayList<>();
            for (String a : c.substring("bin/nntune ".length()).trim().split("\\s+")) {
                args.add(inDir(dir, a));
            }
            args.add(args.get(0).equals("tune") ? "--progress=none" : null);
            args.removeIf(a -> a == null);
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(c + "\n" + r.out() + r.err()).isZero();
            ran++;
        }
        assertThat(ran).isGreaterThanOrEqualTo(10);
    }

    /** Copies a folder with everything in it (results and databases of earlier runs left out). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.filter(p -> !p.toString().contains("-results")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.toString().endsWith(".db")) {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** A relative file argument (or an SQLite URL's file) resolved in {@code dir}. */
    private static String inDir(Path dir, String arg) {
        if (arg.startsWith("sqlite:") && !arg.startsWith("sqlite:/")) {
            return "sqlite:" + dir.resolve(arg.substring("sqlite:".length()));
        }
        // Optuna's (SQLAlchemy's) form: three slashes and a relative path; four for an absolute one
        if (arg.startsWith("optuna+sqlite:///") && !arg.startsWith("optuna+sqlite:////")) {
            return "optuna+sqlite:///" + dir.resolve(arg.substring("optuna+sqlite:///".length()));
        }
        return arg.matches("[\\w.-]+(/[\\w.-]+)*\\.(yaml|csv|json|model|html|db|onnx)") ? dir.resolve(arg).toString() : arg;
    }
}
