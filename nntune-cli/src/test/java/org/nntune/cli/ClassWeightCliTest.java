package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * class_weight in a study file: searched like any word-valued hyperparameter, weights per class as a map (alone or as
 * one of a list's choices, stored as its text); refused for a regression, and a map's mistakes, before trial 0.
 */
class ClassWeightCliTest {

    @Test
    void aStudyFileSearchesClassWeightsAndARegressionRefusesThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weights.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("weights", 4)
                .replace("    optimizer: adam\n", "    optimizer: adam\n    class_weight: [none, balanced]\n"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("class_weight [none | balanced]", "4 trials: 4 complete");
        CliTest.Result trials = CliTest.run("trials", file.toString(), "--format", "csv");
        assertThat(trials.out()).contains("param_class_weight");

        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(file).replace("[none, balanced]", "balance"));
        CliTest.Result bad = CliTest.run("tune", typo.toString(), "--dry-run");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("class_weight", "balance", "balanced", "or weights per class such as {spam: 5}");

        Path reg = regression(dir, "balanced");
        CliTest.Result regression = CliTest.run("tune", reg.toString(), "--dry-run");
        assertThat(regression.code()).as(regression.out() + regression.err()).isEqualTo(2);
        assertThat(regression.err()).contains("class_weight", "regression");
    }

    /** Iris, grid-searched over class_weight alone (one trial per choice); class_weight on line 15. */
    private static final String GRID = PostgresWorkersTest.TINY.formatted("weights", 3)
            .replace("units: {low: 4, high: 16}", "units: 8").replace("lr: {low: 1.0e-2, high: 1.0e-1, log: true}", "lr: 0.05")
            .replace("{type: random}", "{type: grid}")
            .replace("    epochs: 8\n", "    epochs: 8\n    class_weight: [none, balanced, {virginica: 5, setosa: 0.5}]\n");

    /** A regression study file on a CSV of 40 rows whose space sets class_weight to {@code classWeight} (on line 7). */
    private static Path regression(Path dir, String classWeight) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(',').append(i * 0.5 + 0.25).append('\n');
        }
        Files.writeString(dir.resolve("reg.csv"), csv);
        Path reg = dir.resolve("reg.yaml");
        Files.writeString(reg, """
                study: reg
                data: {csv: reg.csv, label: y}
                task: regression
                metric: r2
                validation: {method: holdout, fraction: 0.25}
                model:
                  space: {units: 8, epochs: 2, class_weight: %s}
                budget: {trials: 1}
                """.formatted(classWeight));
        return reg;
    }

    @Test
    void aMapOfWeightsIsSearchedStoredExportedRefittedAndPredicts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weights.yaml");
        Files.writeString(file, GRID);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("class_weight [none | balanced | setosa=0.5,virginica=5]", "3 trials: 3 complete");
        CliTest.Result trials = CliTest.run("trials", file.toString(), "--format", "csv");
        assertThat(trials.out()).contains("param_class_weight", ",none", ",balanced", ",\"setosa=0.5,virginica=5\"");
        // the trial of the map: its stored value read back for the export and the refit, whose model predicts
        String mapTrial = trials.out().lines().filter(l -> l.contains("virginica=5")).findFirst().orElseThrow().split(",")[0];
        Path json = dir.resolve("p.json");
        Path model = dir.resolve("p.model");
        CliTest.Result best = CliTest.run("best", file.toString(), "--trial", mapTrial, "--export", json.toString(),
                "--model", model.toString());
        assertThat(best.code()).as(best.out() + best.err()).isZero();
        assertThat(Files.readString(json)).contains("\"class_weight\" : \"setosa=0.5,virginica=5\"");
        assertThat(best.out()).contains("class_weight=setosa=0.5,virginica=5");
        assertThat(Files.readString(dir.resolve("weights-results").resolve("report.html"))).contains("setosa=0.5,virginica=5");
        CliTest.Result predicted = CliTest.run("predict", model.toString(), Path.of("..", "examples", "new-flowers.csv").toString());
        assertThat(predicted.code()).as(predicted.err()).isZero();
        assertThat(predicted.out()).containsAnyOf("setosa", "versicolor", "virginica");
        // resumed with the same file: the stored map is the space's own choice
        CliTest.Result again = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(again.code()).as(again.out() + again.err()).isZero();

        // in Optuna's tables a map is one of the categorical distribution's choices, read back as it was stored
        String optuna = "optuna+sqlite:///" + dir.resolve("optuna.db").toAbsolutePath();
        CliTest.Result inOptuna = CliTest.run("tune", file.toString(), "--storage", optuna, "--progress", "none");
        assertThat(inOptuna.code()).as(inOptuna.out() + inOptuna.err()).isZero();
        assertThat(CliTest.run("trials", file.toString(), "--storage", optuna, "--format", "csv").out())
                .contains(",\"setosa=0.5,virginica=5\"", ",balanced", ",none");

        // a map alone is fixed: every trial, the saved model and the exported parameters weigh the classes so
        Path fixed = dir.resolve("fixed.yaml");
        Files.writeString(fixed, GRID.replace("study: weights", "study: fixed").replace("[none, balanced, {virginica: 5, setosa: 0.5}]",
                "{virginica: 5}").replace("lr: 0.05", "lr: [0.05, 0.02]").replace("trials: 3", "trials: 2"));
        CliTest.Result one = CliTest.run("tune", fixed.toString(), "--progress", "none");
        assertThat(one.code()).as(one.out() + one.err()).isZero();
        assertThat(one.out()).contains("virginica=5");
        Path fixedJson = dir.resolve("f.json");
        assertThat(CliTest.run("best", fixed.toString(), "--export", fixedJson.toString()).code()).isZero();
        assertThat(Files.readString(fixedJson)).contains("\"class_weight\" : \"virginica=5\"");
        Path saved = dir.resolve("fixed-results").resolve("best.model");
        assertThat(saved).isNotEmptyFile();
        assertThat(CliTest.run("predict", saved.toString(), Path.of("..", "examples", "new-flowers.csv").toString()).code()).isZero();
    }

    @Test
    void aMapsMistakesAreRefusedAtTheirLinesBeforeTrialZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        // line 15: class_weight; the map's weights on lines 16 to 18
        Files.writeString(file, GRID.replace("class_weight: [none, balanced, {virginica: 5, setosa: 0.5}]",
                "class_weight:\n      virginica: 0\n      setosa: five\n      versicolor: -2"));
        CliTest.Result bad = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("line 16", "model.space.class_weight.virginica", "weight of class 'virginica' must be a number > 0, got 0")
                .contains("line 17", "got 'five'").contains("line 18", "got -2");

        // a class the data do not have: with the data's classes and a did-you-mean, in the study file's words
        Files.writeString(file, GRID.replace("{virginica: 5, setosa: 0.5}", "{virginca: 5}"));
        CliTest.Result unknown = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(unknown.code()).as(unknown.out() + unknown.err()).isEqualTo(2);
        assertThat(unknown.err()).contains("line 15", "model.space.class_weight", "class 'virginca' is not a class of",
                "did you mean 'virginica'?", "setosa, versicolor, virginica");
        assertThat(unknown.out()).doesNotContain("trial 0");

        // a regression refuses a map as it refuses balanced, at its line
        Path reg = regression(dir, "{a: 2}");
        CliTest.Result regression = CliTest.run("tune", reg.toString(), "--dry-run");
        assertThat(regression.code()).as(regression.out() + regression.err()).isEqualTo(2);
        assertThat(regression.err()).contains("line 7", "class_weight a=2", "regression");
    }

    @Test
    void theReadmesSpamWeightsNameTheSpamExamplesClasses(@TempDir Path dir) throws Exception {
        // README: class_weight: {spam: 5, ham: 1} on examples/spam.yaml's data
        Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
        String spam = Files.readString(examples.resolve("spam.yaml")).replace("csv: data/", "csv: " + examples.resolve("data") + "/")
                .replace("    epochs: 4\n", "    epochs: 4\n    class_weight: {spam: 5, ham: 1}\n");
        Path file = dir.resolve("spam.yaml");
        Files.writeString(file, spam);
        CliTest.Result ok = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("ham=1,spam=5");
        Files.writeString(file, spam.replace("{spam: 5, ham: 1}", "{spma: 5}"));
        CliTest.Result typo = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("class 'spma'", "did you mean 'spam'?");
    }

    @Test
    void aPopulationTrainsEveryMemberWithTheWeights(@TempDir Path dir) throws Exception {
        Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
        String pbt = Files.readString(examples.resolve("iris-pbt.yaml")).replace("epochs: 40 ", "epochs: 4 ")
                .replace("{type: pbt, population: 6, interval: 10}", "{type: pbt, population: 3, interval: 2}")
                .replace("    activation: relu\n", "    activation: relu\n    class_weight: {virginica: 5}\n");
        assertThat(pbt).contains("class_weight: {virginica: 5}", "epochs: 4 ", "population: 3");
        Path file = dir.resolve("pbt.yaml");
        Files.writeString(file, pbt);
        CliTest.Result run = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("virginica=5");
        assertThat(dir.resolve("pbt-results").resolve("best.model")).isNotEmptyFile();

        Files.writeString(file, pbt.replace("{virginica: 5}", "{virginia: 5}"));
        CliTest.Result typo = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("model.space.class_weight", "class 'virginia'", "did you mean 'virginica'?");
    }
}
