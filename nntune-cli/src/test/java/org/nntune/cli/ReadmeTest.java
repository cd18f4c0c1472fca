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
 * except the dashboard, which serves until it is stopped (its own test runs it), and the
 * {@code --spark} runs (nntune-spark's {@code ReadmeSparkIT} runs them, with Spark). The commands
 * on a database server of another machine ({@code dbhost}) run on this machine's PostgreSQL, in a
 * schema of their own. Relative SQLite files, in nntune's form ({@code sqlite:iris.db}) and in
 * Optuna's ({@code optuna+sqlite:///iris-optuna.db}), are made in that copy's folder.
 */
class ReadmeTest {
    static final Path README = Path.of("..", "README.md");

    /**
     * SQLAlchemy's rule, which nntune follows: {@code sqlite:///PATH} (three slashes) is relative, four are
     * absolute. No example in the README or in a --help may show three slashes before an absolute-looking path.
     */
    @Test
    void sqliteUrlsAreShownWithTheRightNumberOfSlashes() throws IOException {
        Pattern wrong = Pattern.compile("sqlite:///(abs|ABS|absolute|/?ABSOLUTE)\\b");
        assertThat(wrong.matcher(Files.readString(README)).find()).as("README: sqlite:///abs…").isFalse();
        CliTest.Result help = CliTest.run("studies", "--help");
        // picocli may wrap a line after a URL's ':'
        String text = help.out().replaceAll("\\s+", " ").replace(": /", ":/");
        assertThat(wrong.matcher(text).find()).as(help.out()).isFalse();
        assertThat(text).contains("sqlite:////abs/path.db").contains("three slashes relative, four absolute");
    }

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
        // the commands on a database server elsewhere run on this machine's PostgreSQL, in a schema of their own
        // (without a PostgreSQL here they are skipped, loudly, unless -Dnntune.requireDatabases=true makes that a failure)
        boolean onServer = commands.stream().anyMatch(c -> c.contains(README_SERVER) && !c.contains("--spark"));
        if (onServer) {
            try {
                CliProcesses.assumePostgres();
            } catch (org.opentest4j.TestAbortedException noServer) {
                onServer = false;
            }
        }
        String schema = onServer ? CliProcesses.createSchema() : null;
        int ran = 0;
        try {
            for (String c : commands) {
                if (c.contains("--spark") || c.startsWith("bin/nntune dashboard") || (schema == null && c.contains(README_SERVER))) {
                    // --spark: Spark is not on this module's class path; nntune-spark's ReadmeSparkIT runs those commands;
                    // the dashboard serves until stopped (DashboardCommandTest runs it)
                    continue;
                }
                assertThat(c.replace(README_SERVER, "")).as("a server URL this test does not map: " + c).doesNotContain("dbhost");
                // the one change besides the URL: the multi-worker example's first batch of 200 digits trials (1.7 min
                // here) becomes 4; the worker that joins it then finds the budget the last tune stored, as in the README
                runs(dir, schema == null ? c : c.replace(README_SERVER, CliProcesses.pgUrl(schema)).replace("--trials 200", "--trials 4"));
                ran++;
            }
        } finally {
            if (schema != null) {
                CliProcesses.dropSchema(schema);
            }
        }
        assertThat(ran).isGreaterThanOrEqualTo(10);
    }

    /** The README's URL of a database server on another machine. */
    static final String README_SERVER = "postgresql://me@dbhost:5432/studies";

    /** Runs a README command in-process on the copy of examples/ in {@code dir}; it must exit 0. */
    private static void runs(Path dir, String c) {
        List<String> args = new ArrayList<>();
        for (String a : c.substring("bin/nntune ".length()).trim().split("\\s+")) {
            args.add(inDir(dir, a));
        }
        args.add(args.get(0).equals("tune") ? "--progress=none" : null);
        args.removeIf(a -> a == null);
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as(c + "\n" + r.out() + r.err()).isZero();
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
        return arg.matches("[\\w.-]+(/[\\w.-]+)*\\.(yaml|csv|gz|json|model|html|db|onnx)") ? dir.resolve(arg).toString() : arg;
    }
}
