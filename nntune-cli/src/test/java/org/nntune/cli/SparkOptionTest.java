package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nntune tune --spark} without nntune-spark on the class path (this module's tests never have
 * it: the CLI does not depend on it), and the storages no cluster can share. The runs on Spark
 * itself are nntune-spark's tests.
 */
class SparkOptionTest {

    private static Path study(Path dir) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("s", 3));
        return file;
    }

    @Test
    void sqliteAndMemoryStoragesAreRefusedForClusterRunsSayingWhy(@TempDir Path dir) throws Exception {
        Path file = study(dir);
        CliTest.Result beside = CliTest.run("tune", file.toString(), "--spark", "local[2]", "--workers", "2", "--progress", "none");
        assertThat(beside.code()).isEqualTo(ExitCode.USAGE);
        assertThat(beside.err()).contains("an SQLite file").contains("workers on other machines").contains("cannot share")
                .contains("--storage postgresql://").doesNotContain("\tat ");
        CliTest.Result memory = CliTest.run("tune", file.toString(), "--spark", "local[2]", "--storage", "memory", "--progress", "none");
        assertThat(memory.code()).isEqualTo(ExitCode.USAGE);
        assertThat(memory.err()).contains("in this JVM's memory").contains("cannot share");
        CliTest.Result optuna = CliTest.run("tune", file.toString(), "--spark", "local[2]", "--storage",
                "optuna+sqlite:///" + dir.resolve("o.db"), "--progress", "none");
        assertThat(optuna.code()).isEqualTo(ExitCode.USAGE);
        assertThat(optuna.err()).contains("an SQLite file");
        // nothing was created: the refusal comes before any storage is opened
        assertThat(dir.resolve("s.db")).doesNotExist();
        assertThat(dir.resolve("o.db")).doesNotExist();
    }

    @Test
    void withoutNntuneSparkOnTheClassPathTheErrorSaysHowToGetIt(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.run("tune", study(dir).toString(), "--spark", "spark://sparkhost:7077", "--workers", "2",
                "--storage", "postgresql://tuner@dbhost:5432/studies", "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--spark needs nntune-spark and Apache Spark on the class path").contains("SPARK_HOME")
                .contains("spark-submit --class org.nntune.spark.SparkMain").doesNotContain("\tat ");
    }

    @Test
    void aDryRunForAClusterRefusesWhatTheClusterRunRefuses(@TempDir Path dir) throws Exception {
        Path file = study(dir);
        CliTest.Result beside = CliTest.run("tune", file.toString(), "--spark", "local[2]", "--dry-run");
        assertThat(beside.code()).isEqualTo(ExitCode.USAGE);
        assertThat(beside.err()).contains("an SQLite file").contains("cannot share");
        CliTest.Result noSpark = CliTest.run("tune", file.toString(), "--spark", "spark://sparkhost:7077", "--dry-run",
                "--storage", "postgresql://tuner@dbhost:5432/studies");
        assertThat(noSpark.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noSpark.err()).contains("--spark needs nntune-spark and Apache Spark on the class path");
        assertThat(dir.resolve("s.db")).doesNotExist();
    }

    @Test
    void workersWithoutSparkIsAUsageError(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.run("tune", study(dir).toString(), "--workers", "2", "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--workers needs --spark");
        CliTest.Result zero = CliTest.run("tune", study(dir).toString(), "--spark", "local[2]", "--workers", "0",
                "--storage", "postgresql://tuner@dbhost:5432/studies");
        assertThat(zero.code()).isEqualTo(ExitCode.USAGE);
        assertThat(zero.err()).contains("--workers must be at least 1, got 0");
    }
}
