package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A study's life across runs: edited spaces, shared budgets, repeated failures, bad values. */
class StudyLifecycleTest {

    private static Path write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static String tiny(String name, int trials) {
        return PostgresWorkersTest.TINY.formatted(name, trials);
    }

    @Test
    void aRelativeSqliteStorageInTheFileIsBesideItWhateverTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path file = write(sub, "rel", tiny("rel", 1) + "storage: sqlite:db/rel.db\n");
        Files.createDirectory(sub.resolve("db"));
        Path inWorkingDir = Path.of("db", "rel.db").toAbsolutePath();
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("storage sqlite:" + sub.resolve("db/rel.db"));
        assertThat(sub.resolve("db/rel.db")).exists();
        assertThat(inWorkingDir).as("the tests' working directory is not the study file's").doesNotExist();
        // the reading commands find it through the file too
        CliTest.Result trials = CliTest.run("trials", file.toString(), "--format", "csv");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out().lines().count()).isEqualTo(2);
        // a mistyped study file is said to be one, not taken for a study name without a storage
        CliTest.Result typo = CliTest.run("trials", sub.resolve("rle.yaml").toString());
        assertThat(typo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("rle.yaml: no such study file").doesNotContain("no storage given");
    }

    @Test
    void anEditedSpaceIsRefusedBeforeAnyTrialWithTheWayOut(@TempDir Path dir) throws Exception {
        Path file = write(dir, "edit", tiny("edit", 1));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        // widen the space and run again: no stream of failing trials, a clear choice instead
        write(dir, "edit", tiny("edit", 2).replace("{low: 4, high: 16}", "{low: 4, high: 32}"));
        CliTest.Result again = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(again.code()).isEqualTo(ExitCode.USAGE);
        assertThat(again.err()).contains("another search space").contains("--study edit-2").contains("nntune delete edit")
                // what changed, not two whole spaces to compare by eye
                .contains("(changed: units 4..16 → 4..32)").doesNotContain("MlpSpace{");
        assertThat(again.out()).doesNotContain("trial 1");
        String keptParams = Files.readString(dir.resolve("edit-results/best-params.json"));
        CliTest.Result fresh = CliTest.run("tune", file.toString(), "--study", "edit-2", "--progress", "none");
        assertThat(fresh.code()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("study edit-2:").contains("2 trials: 2 complete").contains("edit-2-results");
        // the new study's results are its own: the stored study keeps its model, report and tables
        assertThat(Files.readString(dir.resolve("edit-2-results/best-params.json"))).contains("\"edit-2\"");
        assertThat(Files.readString(dir.resolve("edit-results/best-params.json"))).isEqualTo(keptParams);
    }

    /** A study keeps the seed it was started with: an edited seed: is not used (one study, one seed), and is said. */
    @Test
    void aResumedStudyKeepsItsSeedAndSaysSoWhenTheFileAsksAnother(@TempDir Path dir) throws Exception {
        Path file = write(dir, "seeded", tiny("seeded", 2));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        write(dir, "seeded", tiny("seeded", 3).replace("seed: 11", "seed: 12"));
        CliTest.Result resumed = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("note: study 'seeded' was started with seed 11 and keeps it").contains("seed 12 is not used")
                .contains("--study seeded-2");
        // its third trial is the one a study of seed 11 draws, not seed 12's
        Path same = write(Files.createDirectory(dir.resolve("same")), "seeded", tiny("seeded", 3));
        assertThat(CliTest.run("tune", same.toString(), "--progress", "none").code()).isZero();
        Path other = write(Files.createDirectory(dir.resolve("other")), "seeded", tiny("seeded", 3).replace("seed: 11", "seed: 12"));
        assertThat(CliTest.run("tune", other.toString(), "--progress", "none").code()).isZero();
        try (var a = org.nntune.storage.Storages.open("sqlite:" + dir.resolve("seeded.db"));
             var b = org.nntune.storage.Storages.open("sqlite:" + dir.resolve("same/seeded.db"));
             var c = org.nntune.storage.Storages.open("sqlite:" + dir.resolve("other/seeded.db"))) {
            java.util.function.Function<org.nntune.tune.storage.Storage, Object> third =
                    st -> st.getAllTrials(st.getStudyId("seeded")).get(2).params();
            assertThat(third.apply(a)).isEqualTo(third.apply(b)).isNotEqualTo(third.apply(c));
        }
    }

    @Test
    void tuneTrialsIsStoredSoThatAWorkerHonoursIt(@TempDir Path dir) throws Exception {
        Path file = write(dir, "shared", tiny("shared", 1));
        String url = "sqlite:" + dir.resolve("shared.db");
        assertThat(CliTest.run("tune", file.toString(), "--trials", "2", "--progress", "none").code()).isZero();
        CliTest.Result more = CliTest.run("tune", file.toString(), "--trials", "3", "--progress", "none");
        assertThat(more.out()).contains("resuming: the study already has 2 finished trials of 3");
        // the worker uses the budget the last tune asked for (3, not the file's 1)...
        CliTest.Result worker = CliTest.run("worker", "shared", "--storage", url, "--progress", "none");
        assertThat(worker.code()).as(worker.err()).isZero();
        assertThat(worker.out()).contains("finished trials of 3").contains("worker done: the study has 3 trials");
        // ...or its own --trials
        CliTest.Result raised = CliTest.run("worker", "shared", "--storage", url, "--trials", "4", "--progress", "none");
        assertThat(raised.out()).contains("worker done: the study has 4 trials");
    }

    /** --trials is the study's total: below the finished trials it runs nothing, and says so (not "9 finished trials of 2"). */
    @Test
    void aBudgetBelowTheFinishedTrialsRunsNothingAndSaysSo(@TempDir Path dir) throws Exception {
        Path file = write(dir, "fewer", tiny("fewer", 3));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        CliTest.Result fewer = CliTest.run("tune", file.toString(), "--trials", "2", "--progress", "plain");
        assertThat(fewer.code()).as(fewer.err()).isZero();
        assertThat(fewer.out()).contains("resuming: the study already has 3 finished trials, more than the 2 asked, so no trial is run;"
                + " the results below are of those 3").contains("3 trials: 3 complete").doesNotContain("finished trials of", "trial 3 ");
        CliTest.Result worker = CliTest.run("worker", "fewer", "--storage", "sqlite:" + dir.resolve("fewer.db"), "--trials", "1",
                "--progress", "none");
        assertThat(worker.code()).as(worker.err()).isZero();
        assertThat(worker.out()).contains("the study already has 3 finished trials, more than the 1 asked, so no trial is run\n")
                .contains("worker done: the study has 3 trials");
    }

    /**
     * A grid smaller than the budget: the run says it runs the grid's points (it said "running
     * trials 1 to 10…" and ran 4), and resumed once every point is done, that nothing is run (it
     * said "running trials 5 to 12…" and ran nothing, with no word why).
     */
    @Test
    void aGridSmallerThanTheBudgetSaysItsPointsAndThatItIsComplete(@TempDir Path dir) throws Exception {
        Path file = write(dir, "grid", """
                study: grid
                seed: 11
                data: {bundled: iris}
                validation: {method: holdout, fraction: 0.25}
                model:
                  family: mlp
                  space:
                    hidden: [[8], [16]]
                    lr: [0.01, 0.1]
                    epochs: 3
                sampler: grid
                budget: {trials: 10}
                """);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("running the grid's 4 points (budget.trials 10 is more than the grid)…", "4/4 done",
                "4 trials: 4 complete").doesNotContain("running trials", "/10 done");
        CliTest.Result again = CliTest.run("tune", file.toString(), "--trials", "12", "--progress", "plain");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the grid is complete, all its 4 points done in 4 finished trials, so no trial is run",
                "4 trials: 4 complete").doesNotContain("running", "finished trials of");
    }

    @Test
    void repeatedIdenticalFailuresStopTheStudy(@TempDir Path dir) throws Exception {
        // a learning rate that makes every trial's log loss NaN: the same failure, trial after trial
        Path file = write(dir, "nan", tiny("nan", 50).replace("metric: accuracy", "metric: log_loss")
                .replace("optimizer: adam", "optimizer: sgd").replace("lr: {low: 1.0e-2, high: 1.0e-1, log: true}", "lr: 1.0e+30")
                .replace("budget: {trials: 50}", "budget: {trials: 50, max_repeated_failures: 2}"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).isEqualTo(ExitCode.OTHER);
        assertThat(r.out()).contains("stopped: 2 trials in a row failed with the same error (budget.max_repeated_failures: 2)")
                .doesNotContain("trial 5 ");
    }

    @Test
    void aMisspeltChoiceIsExitCode2BeforeAnyTrial(@TempDir Path dir) throws Exception {
        Path file = write(dir, "typo", tiny("typo", 3).replace("optimizer: adam", "activation: [relu, tahn]"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("typo.yaml, line 11, key 'model.space.activation'").contains("did you mean 'tanh'?");
        assertThat(dir.resolve("typo.db")).doesNotExist();
    }

    @Test
    void deleteWantsConfirmation(@TempDir Path dir) throws Exception {
        Path file = write(dir, "keep", tiny("keep", 1));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        CliTest.Result asked = CliTest.run("delete", file.toString());
        assertThat(asked.code()).isEqualTo(ExitCode.USAGE);
        assertThat(asked.err()).contains("--yes");
        assertThat(CliTest.run("trials", file.toString()).code()).isZero();
        assertThat(CliTest.run("delete", file.toString(), "--yes").out()).contains("deleted study 'keep' (1 trials)");
    }

    @Test
    void trialsTableAndCsvSayWhyATrialFailed(@TempDir Path dir) throws Exception {
        Path file = write(dir, "why", tiny("why", 1).replace("metric: accuracy", "metric: log_loss")
                .replace("optimizer: adam", "optimizer: sgd").replace("lr: {low: 1.0e-2, high: 1.0e-1, log: true}", "lr: 1.0e+30"));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isEqualTo(ExitCode.OTHER);
        CliTest.Result table = CliTest.run("trials", file.toString());
        assertThat(table.out().lines().findFirst().orElseThrow()).endsWith("failure");
        // the reason in words, without the engine's Java class names
        assertThat(table.out()).contains("FAIL").contains("training diverged").doesNotContain("Exception", "org.nntune");
        // the advice in the study file's keys: lr; no clip_norm, which the mlp family has not; not the Java API
        CliTest.Result json = CliTest.run("trials", file.toString(), "--format", "json");
        assertThat(json.out()).contains("Try a lower lr (it was 1.0E30)").doesNotContain("FitOptions", "clip");
        String csv = CliTest.run("trials", file.toString(), "--format", "csv").out();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",failure");
        assertThat(csv).contains("training diverged").doesNotContain("Exception", "org.nntune");
    }

    @Test
    void predictOnABundledSetPrintsClassNames(@TempDir Path dir) throws Exception {
        Path file = write(dir, "names", tiny("names", 1));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        CliTest.Result p = CliTest.run("predict", dir.resolve("names-results/best.model").toString(), rows.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().lines().skip(1).toList()).isNotEmpty().allMatch(l -> l.matches("setosa|versicolor|virginica"));
        assertThat(Files.readString(dir.resolve("names-results/best-params.json"))).contains("\"fixed\"").contains("\"epochs\" : 8");
    }

    @Test
    void aStorageThatCannotBeOpenedIsSaidOnce() {
        CliTest.Result r = CliTest.run("studies", "--storage", "postgresql://postgres@127.0.0.1:1/test");
        assertThat(r.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err().split("cannot open", -1)).as(r.err()).hasSize(2);
    }
}
