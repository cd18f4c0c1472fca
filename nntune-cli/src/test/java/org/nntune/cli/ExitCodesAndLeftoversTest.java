package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.stream.Stream;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused runs end with the documented exit code, a one-line message, and nothing left behind. */
class ExitCodesAndLeftoversTest {

    private static String study(String name, int trials) {
        return PostgresWorkersTest.TINY.formatted(name, trials);
    }

    @Test
    void aGridOverATinyStepIsAStudyFileErrorAtItsLineNotAnOutOfMemoryError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, study("tiny", 2).replace("lr: {low: 1.0e-2, high: 1.0e-1, log: true}",
                "lr: {low: 1.0e-2, high: 1.0e-1, step: 1.0e-9}").replace("units: {low: 4, high: 16}", "units: [4, 16]")
                .replace("{type: random}", "{type: grid}"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("tiny.yaml, line 12").contains("model.space.lr")
                .contains("step 1.0E-9 makes 9.00e+07 points").doesNotContain("\tat ", "OutOfMemory");
        assertThat(dir.resolve("tiny.db")).as("a refused study file leaves no database").doesNotExist();
    }

    /** {@code tune FILE} in a JVM of 256 MiB (CliProcesses' heap), checked to end with {@code code} and one line of err. */
    private static String tuneInASmallHeap(Path dir, Path file, int code) throws Exception {
        try (CliProcesses procs = new CliProcesses(dir)) {
            CliProcesses.Cli cli = procs.start("tune", file.toString(), "--progress", "none");
            int exit = cli.await(120);
            String err = cli.errText();
            assertThat(exit).as(cli.outText() + err).isEqualTo(code);
            assertThat(err).contains("NNTUNE_JAVA_OPTS=-Xmx8g").doesNotContain("\tat ", "Exception in thread");
            return err;
        }
    }

    @Test
    void aNetworkTooLargeForTheHeapEndsWithOneLineAndKeepsTheStudy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.yaml");
        // 4 inputs × 10^8 units: 1.6 GB of weights in a JVM of 256 MiB: refused before any study exists
        Files.writeString(file, study("huge", 2).replace("units: {low: 4, high: 16}", "units: 100000000"));
        assertThat(tuneInASmallHeap(dir, file, ExitCode.USAGE))
                .contains("huge.yaml: model: the space's smallest network does not fit in the JVM's heap (at most");
        assertThat(dir.resolve("huge.db")).doesNotExist();
        // a range whose small end fits: the trial that draws a huge network runs out, and the run ends with one line
        Files.writeString(file, study("huge", 2).replace("units: {low: 4, high: 16}", "units: {low: 4, high: 100000000}"));
        assertThat(tuneInASmallHeap(dir, file, ExitCode.OTHER))
                .contains("nntune: error: out of memory (Java heap space, the JVM's heap is at most");
        CliTest.Result trials = CliTest.run("trials", file.toString(), "--format", "csv");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out()).as("the trial that ran out is stored as failed").contains("FAIL").contains("OutOfMemoryError");
    }

    @Test
    void tooManyFoldsForTheDataIsADataErrorAndLeavesNoStudy(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("few.csv"), CsvEndToEndTest.fewShapes(20));
        Path file = dir.resolve("folds.yaml");
        Files.writeString(file, CsvEndToEndTest.STUDY.formatted("classification", "few.csv", "kind", "accuracy")
                .replace("validation: {method: holdout, fraction: 0.25}", "validation: {method: kfold, folds: 30}"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("validation (").contains("16 training rows").doesNotContain("\tat ");
        assertThat(dir.resolve("folds.db")).as("no database, so no empty study").doesNotExist();
    }

    @Test
    void aStudyFileRefusedAfterTheStorageOpenedLeavesNoDatabase(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.yaml");
        // the grid sampler cannot enumerate a continuous range: found when the sampler is built
        Files.writeString(file, study("grid", 2).replace("sampler: {type: random}", "sampler: {type: grid}"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("grid.yaml");
        }
    }

    @Test
    void readingCommandsOnAMistypedSqlitePathCreateNothing(@TempDir Path dir) throws Exception {
        String url = "sqlite:" + dir.resolve("mistyped.db");
        for (String[] args : List.of(new String[] {"studies", "--storage", url}, new String[] {"trials", "x", "--storage", url},
                new String[] {"delete", "x", "--storage", url}, new String[] {"best", "x", "--storage", url},
                new String[] {"dashboard", "--storage", url, "--port", "0"},
                new String[] {"copy", "x", "--from", url, "--to", "sqlite:" + dir.resolve("to.db")})) {
            CliTest.Result r = CliTest.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCode.STORAGE);
            assertThat(r.err()).contains("there is no SQLite database " + dir.resolve("mistyped.db"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        // sqlite:/// is relative (SQLAlchemy): the file it resolves to is named, with the four-slash URL that was likely meant
        Files.writeString(dir.resolve("meant.db"), "");
        String relative = dir.resolve("meant.db").toString().substring(1);
        CliTest.Result three = CliTest.run("studies", "--storage", "sqlite:///" + relative);
        assertThat(three.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(three.err()).contains("there is no SQLite database " + Path.of(relative).toAbsolutePath())
                .contains("write sqlite:////" + relative + " with four slashes");
        Files.delete(dir.resolve("meant.db"));
        // a database of other tables, and an empty file: a reading command neither adds its tables nor uses them
        Path foreign = dir.resolve("foreign.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign)) {
            c.createStatement().execute("CREATE TABLE foo (x INTEGER)");
        }
        Path empty = Files.createFile(dir.resolve("empty.db"));
        for (Path file : List.of(foreign, empty)) {
            byte[] before = Files.readAllBytes(file);
            String u = "sqlite:" + file;
            for (String[] args : List.of(new String[] {"studies", "--storage", u}, new String[] {"trials", "x", "--storage", u},
                    new String[] {"dashboard", "--storage", u, "--port", "0"}, new String[] {"worker", "x", "--storage", u})) {
                CliTest.Result r = CliTest.run(args);
                assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCode.STORAGE);
                assertThat(r.err()).contains(file + " holds no nntune or Optuna storage (" + (file.equals(empty)
                        ? "it has no tables" : "its tables: foo") + "); this command only reads, so it leaves the file as it is");
            }
            assertThat(Files.readAllBytes(file)).as(file + " unchanged").isEqualTo(before);
        }
        Files.delete(foreign);
        Files.delete(empty);
        // a source that exists but lacks the study: no destination database either
        Storages.open("sqlite:" + dir.resolve("from.db")).close();
        CliTest.Result r = CliTest.run("copy", "nosuch", "--from", "sqlite:" + dir.resolve("from.db"), "--to",
                "sqlite:" + dir.resolve("to.db"));
        assertThat(r.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err()).contains("no study named 'nosuch'");
        assertThat(dir.resolve("to.db")).doesNotExist();
    }

    @Test
    void aDatabaseOfANewerNntuneIsAStorageError(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("newer.db");
        try (Storage s = Storages.open("sqlite:" + db)) {
            s.createStudy("s", List.of(StudyDirection.MINIMIZE));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("UPDATE nntune_schema_version SET version = 999")) {
            ps.executeUpdate();
        }
        CliTest.Result r = CliTest.run("studies", "--storage", "sqlite:" + db);
        assertThat(r.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err()).contains("newer nntune").doesNotContain("\tat ");
    }

    @Test
    void aDatabaseInAReadOnlyFolderCanStillBeRead(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("archive"));
        Path file = dir.resolve("ro.yaml");
        Files.writeString(file, study("ro", 2) + "storage: sqlite:" + folder.resolve("ro.db") + "\n");
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        // read-only even for root, who ignores permission bits: the immutable attribute
        Process p = new ProcessBuilder("chattr", "+i", folder.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "chattr +i is not available here");
        try {
            assertThat(Files.isWritable(folder)).isFalse();
            CliTest.Result studies = CliTest.run("studies", "--storage", "sqlite:" + folder.resolve("ro.db"));
            assertThat(studies.code()).as(studies.err()).isZero();
            assertThat(studies.out()).contains("ro");
            CliTest.Result trials = CliTest.run("trials", file.toString());
            assertThat(trials.code()).as(trials.err()).isZero();
            assertThat(trials.out().lines().filter(l -> l.contains("COMPLETE"))).hasSize(2);
            CliTest.Result tune = CliTest.run("tune", file.toString(), "--trials", "3", "--progress", "none");
            assertThat(tune.code()).isEqualTo(ExitCode.STORAGE);
            // which file cannot be written, and why (SQLite says only "attempt to write a readonly database")
            assertThat(tune.err()).contains("nntune: storage 'sqlite:" + folder.resolve("ro.db") + "': the SQLite file "
                    + folder.resolve("ro.db") + " cannot be written: its folder " + folder + " is not writable, and SQLite"
                    + " writes its journal (ro.db-journal, or ro.db-wal and ro.db-shm) in that folder for every change")
                    .doesNotContain("SQLITE_READONLY").doesNotContain("\tat ");
        } finally {
            new ProcessBuilder("chattr", "-i", folder.toString()).start().waitFor();
        }
    }
    /**
     * A rate that held on the trial's 60 rows but not on all 120 (the refit's 24 steps against the
     * trial's 12): the refit diverges. The trials, the report and the best parameters are written
     * all the same, no model, and one line says why (exit code 1); before, the run ended with
     * nothing written, and so did every resume.
     */
    @Test
    void aRefitThatDivergesStillWritesTheSearchsResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("div.yaml");
        Files.writeString(file, """
                study: div
                seed: 3
                data: {bundled: iris}
                validation: {method: holdout, fraction: 0.5}
                model:
                  family: mlp
                  space: {layers: 1, units: 8, optimizer: sgd, activation: tanh, lr: 76849.1, epochs: 6}
                budget: {trials: 1}
                """);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OTHER);
        assertThat(r.out()).contains("1 trials: 1 complete", "the refit of trial 0 diverged: training diverged at epoch",
                "  trials       " + dir.resolve("div-results/trials.csv"));
        assertThat(r.err()).startsWith("nntune: error: no best model was written: the refit on all 120 training rows failed for the best trials")
                .contains("--study NEW-NAME").doesNotContain("\tat ");
        Path results = dir.resolve("div-results");
        try (Stream<Path> s = Files.list(results)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("best-params.json", "report.html", "trials.csv");
        }
        assertThat(Files.readString(results.resolve("best-params.json"))).contains("76849.1");
    }
}
