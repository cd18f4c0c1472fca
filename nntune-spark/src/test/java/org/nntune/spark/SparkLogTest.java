package org.nntune.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a terminal shows of Spark's own log (log4j2, which nntune sends to standard error) when
 * {@code nntune tune --spark} cannot start Spark: a JVM of its own each time, as {@code bin/nntune}
 * starts one (in this JVM, log4j2's console would write to the stream it found when the first test
 * logged). The master URL {@code bogus://x} makes Spark fail after its start-up warnings (loopback
 * host name, native-hadoop) with an ERROR and a stack trace of ~20 lines.
 */
class SparkLogTest {

    @Test
    void aFailedStartShowsNntunesOneLineAndNoneOfSparksLogUnlessVerbose(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("log.yaml");
            Files.writeString(file, Studies.grid("sparklog", 2, 1));
            List<String> tune = List.of("tune", file.toString(), "--spark", "bogus://x", "--storage", db.url(), "--progress", "none");

            Run quiet = nntune(dir, List.of(), tune);
            assertThat(quiet.code()).as(quiet.all()).isEqualTo(ExitCode.OTHER);
            assertThat(quiet.err()).contains("nntune: error: cannot start Spark with master bogus://x: Could not parse Master URL: 'bogus://x'"
                    + " (run with --verbose for details)");
            assertThat(quiet.all()).doesNotContain("\tat ", "ERROR", "org.apache.spark", "org.apache.hadoop", "Exception");

            // --verbose: Spark's warnings and its error with the stack trace, as before, and nntune's own stack trace, all on
            // standard error (standard output is nntune's results)
            List<String> verboseTune = new ArrayList<>(tune);
            verboseTune.add("--verbose");
            Run verbose = nntune(dir, List.of(), verboseTune);
            assertThat(verbose.code()).as(verbose.all()).isEqualTo(ExitCode.OTHER);
            assertThat(verbose.out()).doesNotContain("org.apache.spark", "org.apache.hadoop");
            assertThat(verbose.err()).contains("ERROR org.apache.spark.SparkContext - Error initializing SparkContext.",
                    "WARN  org.apache.hadoop.util.NativeCodeLoader", "\tat org.apache.spark.SparkContext");
            assertThat(verbose.err()).contains("nntune: error: cannot start Spark with master bogus://x", "\tat org.nntune.spark.SparkWorkers.run");

            // a log4j2 configuration of the user's is theirs: Spark's error is shown as it says
            Path config = dir.resolve("log4j2.properties");
            Files.writeString(config, """
                    appender.mine.type = Console
                    appender.mine.name = mine
                    appender.mine.target = SYSTEM_ERR
                    appender.mine.layout.type = PatternLayout
                    appender.mine.layout.pattern = my-config %p %c - %m%n%ex{1}
                    rootLogger.level = error
                    rootLogger.appenderRef.mine.ref = mine
                    """);
            Run configured = nntune(dir, List.of("-Dlog4j2.configurationFile=" + config), tune);
            assertThat(configured.code()).as(configured.all()).isEqualTo(ExitCode.OTHER);
            assertThat(configured.err()).contains("my-config ERROR org.apache.spark.SparkContext - Error initializing SparkContext.",
                    "nntune: error: cannot start Spark with master bogus://x");
        }
    }

    /** A finished process: its exit code, standard output and standard error. */
    record Run(int code, String out, String err) {
        String all() {
            return out + "\n---- standard error\n" + err;
        }
    }

    /** Runs {@code nntune ARGS} in a JVM of its own on the test class path, with Spark's JVM options and {@code jvmOptions}. */
    private static Run nntune(Path dir, List<String> jvmOptions, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(StandaloneCluster.sparkJvmFlags());
        cmd.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), org.nntune.cli.Main.class.getName()));
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SPARK_LOCAL_IP"); // Spark's warning about a host name on the loopback address is one to hide
        pb.environment().remove("SPARK_CONF_DIR");
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            assertThat(ended).as("nntune %s did not end in 120 s\n%s\n%s", args, Files.readString(out), Files.readString(err)).isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
