package org.nntune.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "On a Spark cluster" commands, run as written after {@code package} built
 * {@code nntune-spark.jar}: {@code bin/nntune tune … --spark …} through the real launcher script with
 * SPARK_HOME set to a Spark installation (Spark's jars only: nntune's classes come from
 * nntune-spark.jar), and {@code spark-submit …} as the spark-submit script runs it (Spark's
 * {@code org.apache.spark.deploy.SparkSubmit} on {@code $SPARK_HOME/jars/*}, with Spark's JVM options).
 * The master {@code spark://sparkhost:7077} becomes {@code local[2]} and {@code dbhost}'s URL a fresh
 * PostgreSQL schema; a real cluster is {@link StandaloneClusterTest}'s.
 */
class ReadmeSparkIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String MASTER = "spark://sparkhost:7077";
    private static final String DB = "postgresql://tuner@dbhost:5432/studies";

    @Test
    void theReadmesSparkCommandsRunAsWritten(@TempDir Path dir) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int from = readme.indexOf("## On a Spark cluster");
        assertThat(from).isNotNegative();
        int to = readme.indexOf("\n## ", from + 3);
        List<String> commands = new ArrayList<>();
        for (String line : readme.substring(from, to).split("\n")) {
            String c = line.replaceFirst("#.*", "").trim();
            if (c.startsWith("bin/nntune ") || c.startsWith("spark-submit ")) {
                commands.add(c);
            }
        }
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).startsWith("bin/nntune tune ").contains("--spark " + MASTER).contains(DB);
        assertThat(commands.get(1)).startsWith("spark-submit ").contains("--master " + MASTER).contains(DB);

        copyExamples(dir.resolve("examples"));
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        // a Spark installation: its jars without nntune's (those come from nntune-spark.jar, as on a real cluster)
        try (SparkTestDatabase db = SparkTestDatabase.create(); TestSparkHome spark = TestSparkHome.create(p -> !p.startsWith(ROOT))) {
            for (int i = 0; i < commands.size(); i++) {
                List<String> args = new ArrayList<>();
                for (String a : commands.get(i).replace(MASTER, "local[2]").replace(DB, db.url()).split("\\s+")) {
                    args.add(a.startsWith("examples/") ? dir.resolve(a).toString() : a);
                }
                List<String> cmd = new ArrayList<>();
                if (args.get(0).equals("bin/nntune")) {
                    cmd.add(ROOT.resolve("bin/nntune").toString());
                    cmd.addAll(args.subList(1, args.size()));
                    cmd.add("--progress=plain");
                } else {
                    // what $SPARK_HOME/bin/spark-submit runs: SparkSubmit on the installation's jars with Spark's JVM options
                    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                    cmd.addAll(StandaloneCluster.sparkJvmFlags());
                    cmd.addAll(List.of("-cp", spark.path().resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit"));
                    for (String a : args.subList(1, args.size())) {
                        cmd.add(a.equals("nntune-spark/target/nntune-spark.jar") ? ROOT.resolve(a).toString() : a);
                    }
                }
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
                        .redirectOutput(logs.resolve(i + ".out").toFile()).redirectError(logs.resolve(i + ".err").toFile());
                pb.environment().put("SPARK_HOME", spark.path().toString());
                pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
                pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
                Process p = pb.start();
                try {
                    boolean ended = p.waitFor(300, TimeUnit.SECONDS);
                    String out = Files.readString(logs.resolve(i + ".out"));
                    String err = Files.readString(logs.resolve(i + ".err"));
                    assertThat(ended).as("%s did not end in 300 s\n%s\n%s", commands.get(i), out, err).isTrue();
                    assertThat(p.exitValue()).as("%s\n%s\n%s", commands.get(i), out, err).isZero();
                    assertThat(out).contains("Spark: 4 workers on local[2]").contains("best-params.json");
                    assertThat(err).doesNotContain("Exception");
                    // neither form shows Spark's INFO lines (Executor, DAGScheduler…) or the storage pool's (HikariPool):
                    // spark-submit's default log4j profile is quieted as bin/nntune's is
                    assertThat(out + err).as("%s\n%s\n%s", commands.get(i), out, err)
                            .doesNotContain(" INFO ", "HikariPool", "DAGScheduler", "Executor: ");
                } finally {
                    p.destroyForcibly();
                    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                }
            }
            // the first command ran 8 trials, spark-submit raised the study to 10
            assertThat(Studies.trials(db.url(), "iris")).filteredOn(t -> t.state().isFinished()).hasSize(10);
            assertThat(Studies.trials(db.url(), "iris")).extracting(t -> t.state()).doesNotContain(TrialState.RUNNING);
        }
    }

    private static void copyExamples(Path to) throws Exception {
        Path from = ROOT.resolve("examples");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.filter(p -> !p.toString().contains("-results") && !p.toString().endsWith(".db")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
