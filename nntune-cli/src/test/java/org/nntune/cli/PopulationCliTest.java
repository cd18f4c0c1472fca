package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.nn.model.Sequential;
import org.nntune.storage.Storages;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sampler: {type: pbt}} in a study file, through tune, best, trials, report, predict and worker. */
class PopulationCliTest {

    static final String IRIS_PBT = """
            study: iris-pbt-test
            seed: 5
            data:
              bundled: iris
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: 1
                units: 12
                optimizer: adam
                lr: {low: 1.0e-3, high: 1.0e-1, log: true}
                batch_size: [8, 16, 32]
                epochs: 12
            sampler: {type: pbt, population: 4, interval: 4, quantile: 0.5}
            budget: {jobs: 2}
            """;

    @Test
    void aPopulationRunsFromAStudyFileAndEveryCommandReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pbt.yaml");
        Files.writeString(file, IRIS_PBT);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("space (").contains("population-based training: 4 members, 3 rounds of 4 epochs")
                .contains("round 1/3: 4/4 members done").contains("round 3/3: 4/4 members done")
                .contains("this process trained 12 of the 12 member rounds").contains("test accuracy: ");
        Path results = dir.resolve("pbt-results");
        for (String f : List.of("best.model", "best-schedule.json", "trials.csv", "report.html", "best.model.classes")) {
            assertThat(results.resolve(f)).isNotEmptyFile();
            // every file written is listed, the class names that predict reads beside the model too
            assertThat(r.out().substring(r.out().indexOf("wrote:"))).contains(results.resolve(f).toString());
        }
        assertThat(r.out()).contains("  class names    " + results.resolve("best.model.classes"));
        assertThat(Files.readString(results.resolve("report.html"))).contains("Population");
        // the checkpoints no member needs any more are deleted, and their folders with them
        try (var folders = Files.walk(dir.resolve("pbt.db.artifacts"))) {
            assertThat(folders.filter(Files::isDirectory).toList()).allSatisfy(f -> assertThat(f).isNotEmptyDirectory());
        }
        assertThat(Files.readAllLines(results.resolve("trials.csv"))).hasSize(1 + 12);

        // the stored study: 12 member rounds, each once, all complete
        PopulationHistory h;
        try (Storage s = Storages.open("sqlite:" + dir.resolve("pbt.db"))) {
            PopulationTraining pbt = PopulationTraining.load(s, "iris-pbt-test").orElseThrow();
            assertThat(pbt.options().population()).isEqualTo(4);
            assertThat(pbt.options().quantile()).isEqualTo(0.5);
            assertThat(pbt.options().seed()).isEqualTo(5);
            assertThat(s.getAllTrials(pbt.studyId())).hasSize(12).allMatch(t -> t.state() == TrialState.COMPLETE);
            h = pbt.history();
        }
        int best = h.best().orElseThrow().member();

        // best: the member, its schedule; --export the schedule, --model the member's network as trained
        Path schedule = dir.resolve("schedule.json");
        Path model = dir.resolve("best.model");
        CliTest.Result b = CliTest.run("best", file.toString(), "--export", schedule.toString(), "--model", model.toString());
        assertThat(b.code()).as(b.out() + b.err()).isZero();
        assertThat(b.out()).contains("best member " + best + ": value " + h.best().orElseThrow().value())
                .contains("schedule:").contains("  epochs 1-");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.decode(Files.readString(schedule));
        assertThat(json.get("member")).isEqualTo((long) best);
        assertThat(Files.readString(schedule)).isEqualTo(Files.readString(results.resolve("best-schedule.json")));
        Sequential fromTune = Sequential.load(results.resolve("best.model"));
        Sequential fromBest = Sequential.load(model);
        org.nntune.nn.data.Dataset iris = org.nntune.nn.data.Datasets.iris();
        assertThat(fromBest.evaluate(iris).loss()).isEqualTo(fromTune.evaluate(iris).loss());
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        CliTest.Result pred = CliTest.run("predict", model.toString(), in.toString());
        assertThat(pred.code()).as(pred.out() + pred.err()).isZero();
        assertThat(pred.out().trim().split("\\R")).hasSize(2).startsWith("prediction");

        CliTest.Result trials = CliTest.run("trials", file.toString(), "--format", "csv");
        assertThat(trials.code()).isZero();
        assertThat(trials.out().split("\r\n")).hasSize(1 + 12);
        Path report = dir.resolve("r.html");
        CliTest.Result rep = CliTest.run("report", file.toString(), "-o", report.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(Files.readString(report)).contains("Population hyperparameters by round");

        // running it again resumes the finished population: nothing is trained twice
        CliTest.Result again = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("resuming: the population has finished 12 of its 12 member rounds")
                .contains("this process trained 0 of the 12 member rounds");

        // another sampler cannot continue the population, nor a population a study of trials
        CliTest.Result tpe = CliTest.run("tune", SilentSurprisesTest.write(dir, "tpe.yaml", IRIS_PBT.replace(
                "{type: pbt, population: 4, interval: 4, quantile: 0.5}", "tpe")).toString(), "--storage",
                "sqlite:" + dir.resolve("pbt.db"));
        assertThat(tpe.code()).isEqualTo(ExitCode.USAGE);
        assertThat(tpe.err()).contains("was started with population-based training").doesNotContain("\tat ");
        CliTest.Result tpeFirst = CliTest.run("tune", SilentSurprisesTest.write(dir, "other.yaml", CliTest.IRIS).toString(), "--storage",
                "sqlite:" + dir.resolve("other.db"), "--trials", "1", "--progress", "none");
        assertThat(tpeFirst.code()).as(tpeFirst.err()).isZero();
        CliTest.Result onTpe = CliTest.run("tune", file.toString(), "--storage", "sqlite:" + dir.resolve("other.db"),
                "--study", "iris-test");
        assertThat(onTpe.code()).isEqualTo(ExitCode.USAGE);
        assertThat(onTpe.err()).contains("holds trials of another kind").doesNotContain("\tat ");
    }

    @Test
    void studyFileMistakesOfAPopulationAreExitCode2WithLineAndKey(@TempDir Path dir) throws Exception {
        CliTest.Result pruner = CliTest.tuneWith(dir, IRIS_PBT + "pruner: median\n");
        assertThat(pruner.code()).isEqualTo(ExitCode.USAGE);
        assertThat(pruner.err()).contains("line 18").contains("key 'pruner'").contains("a pruner has nothing to stop")
                .doesNotContain("\tat ");
        CliTest.Result small = CliTest.tuneWith(dir, IRIS_PBT.replace("population: 4", "population: 1"));
        assertThat(small.code()).isEqualTo(ExitCode.USAGE);
        assertThat(small.err()).contains("line 16").contains("key 'sampler.population'").contains("at least 2");
        CliTest.Result units = CliTest.tuneWith(dir, IRIS_PBT.replace("units: 12", "units: [8, 16]"));
        assertThat(units.code()).isEqualTo(ExitCode.USAGE);
        assertThat(units.err()).contains("line 11").contains("key 'model.space.units'").contains("cannot explore 'units'");
        CliTest.Result timeout = CliTest.tuneWith(dir, IRIS_PBT, "--timeout", "5m");
        assertThat(timeout.code()).isEqualTo(ExitCode.USAGE);
        assertThat(timeout.err()).contains("no time budget (--timeout)").doesNotContain("\tat ");
        assertThat(dir.resolve("s.db")).doesNotExist();
        // budget.trials has no effect on a population: said, as --trials is, not ignored in silence
        CliTest.Result trials = CliTest.tuneWith(dir, IRIS_PBT.replace("budget: {jobs: 2}", "budget: {jobs: 2, trials: 3}"), "--dry-run");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out()).contains("note: budget.trials does not apply to population-based training");
    }

    /**
     * lr_adapt with PBT: every member round stores what its training adapted, epoch by epoch; a member
     * goes on from the rate its checkpoint reached (not the starting lr); tune, best, best-schedule.json
     * and the report show it, as for an ordinary study.
     */
    @Test
    void aPopulationWithLrAdaptRecordsWhatEachMemberRoundAdapted(@TempDir Path dir) throws Exception {
        String yaml = IRIS_PBT.replace("lr: {low: 1.0e-3, high: 1.0e-1, log: true}", "lr: 0.01\n    lr_adapt: hypergradient")
                .replace("batch_size: [8, 16, 32]", "batch_size: [8, 16, 32]\n    l2: {low: 1.0e-6, high: 1.0e-2, log: true}");
        CliTest.Result r = CliTest.tuneWith(dir, yaml, "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("adapted during training (final values): {lr=");
        try (Storage s = Storages.open("sqlite:" + dir.resolve("s.db"))) {
            PopulationTraining pbt = PopulationTraining.load(s, "iris-pbt-test").orElseThrow();
            List<FrozenTrial> trials = s.getAllTrials(pbt.studyId());
            assertThat(trials).hasSize(12).allSatisfy(t -> assertThat(t.systemAttrs().get(
                    org.nntune.tune.trial.SystemAttrs.ADAPTED_HYPERPARAMETERS)).as("trial " + t.number())
                    .isInstanceOfSatisfying(Map.class, m -> assertThat((List<?>) m.get("lr")).hasSize(4)));
            PopulationHistory h = pbt.history();
            // a member that kept its own checkpoint starts its round from the rate it had reached, not from lr 0.01
            for (int round = 1; round < 3; round++) {
                for (var mr : h.rounds().get(round).values()) {
                    if (mr.exploit().isEmpty()) {
                        List<Double> before = h.rounds().get(round - 1).get(mr.member()).adapted().get("lr");
                        double reached = before.get(before.size() - 1);
                        double next = mr.adapted().get("lr").get(0);
                        assertThat(Math.abs(Math.log(next / reached))).as("member %d round %d", mr.member(), round)
                                .isLessThan(Math.abs(Math.log(next / 0.01)));
                    }
                }
            }
            int best = h.best().orElseThrow().member();
            assertThat(h.adapted(best).get("lr")).hasSize(12);
        }
        Path results = dir.resolve("s-results");
        assertThat(Files.readString(results.resolve("best-schedule.json"))).contains("\"adapted_final\":{\"lr\":")
                .contains("\"adapted\":{\"lr\":[");
        assertThat(Files.readString(results.resolve("report.html"))).contains("Adapted hyperparameters");
        CliTest.Result best = CliTest.run("best", dir.resolve("s.yaml").toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("adapted during training (final values): {lr=");
    }

    @Test
    void aDivergedMemberIsToldWhatToChangeInTheStudyFile(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.tuneWith(dir, IRIS_PBT.replace("optimizer: adam", "optimizer: sgd")
                .replace("lr: {low: 1.0e-3, high: 1.0e-1, log: true}", "lr: {low: 1.0e+29, high: 1.0e+30, log: true}"),
                "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OTHER);
        assertThat(r.err()).contains("training diverged at epoch 1").contains("Try a lower lr (it was ")
                .doesNotContain("FitOptions", "clip_norm", "Exception", "\tat ");
    }

    @Test
    void aWorkerProcessSharesThePopulationOnPostgres(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        try {
            String url = CliProcesses.pgUrl(schema);
            Path file = dir.resolve("shared.yaml");
            // digits and more rounds: enough work that the worker, started once the study exists, can share it
            Files.writeString(file, IRIS_PBT.replace("bundled: iris", "bundled: digits").replace("units: 12", "units: 32")
                    .replace("epochs: 12", "epochs: 16").replace("interval: 4", "interval: 2").replace("jobs: 2", "jobs: 1"));
            try (CliProcesses jvms = new CliProcesses(dir)) {
                CliProcesses.Cli tune = jvms.start("tune", file.toString(), "--storage", url, "--progress", "plain");
                long deadline = System.nanoTime() + 120_000_000_000L;
                try (Storage s = Storages.open(url)) {
                    while (s.findStudyId("iris-pbt-test").isEmpty() || s.getAllTrials(s.getStudyId("iris-pbt-test")).isEmpty()) {
                        assertThat(System.nanoTime()).as("the study did not appear: %s %s", tune.outText(), tune.errText())
                                .isLessThan(deadline);
                        Thread.sleep(100);
                    }
                }
                CliProcesses.Cli worker = jvms.start("worker", "iris-pbt-test", "--storage", url);
                assertThat(tune.await(300)).as("%s\n%s", tune.outText(), tune.errText()).isZero();
                assertThat(worker.await(300)).as("%s\n%s", worker.outText(), worker.errText()).isZero();
                assertThat(worker.outText()).contains("worker done: every member of study 'iris-pbt-test' has trained its 16 epochs");
                // every member round was trained by exactly one of the two processes
                assertThat(trainedHere(tune.outText()) + trainedHere(worker.outText())).isEqualTo(4 * 8);
            }
            try (Storage s = Storages.open(url)) {
                List<FrozenTrial> all = s.getAllTrials(s.getStudyId("iris-pbt-test"));
                assertThat(all).allMatch(t -> t.state() == TrialState.COMPLETE).hasSize(4 * 8);
                Set<String> units = new HashSet<>();
                for (FrozenTrial t : all) {
                    units.add(t.systemAttrs().get("pbt.round") + "." + t.systemAttrs().get("pbt.member"));
                }
                assertThat(units).hasSize(4 * 8);
            }
        } finally {
            CliProcesses.dropSchema(schema);
        }
    }

    private static int trainedHere(String out) {
        Matcher m = Pattern.compile("this process trained (\\d+) of the").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
