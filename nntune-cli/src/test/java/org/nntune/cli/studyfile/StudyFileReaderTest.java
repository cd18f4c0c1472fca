package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StudyFileReaderTest {
    private final StudyFileReader reader = new StudyFileReader();
    private final Path file = Path.of("/tmp/studies/iris.yaml");

    private StudyFile read(String yaml) {
        return reader.read(file, yaml);
    }

    private static final String GOOD = """
            study: iris-mlp
            seed: 7
            data:
              bundled: iris
            metric: accuracy
            validation: {method: stratified_kfold, folds: 3}
            model:
              family: mlp
              space:
                layers: {low: 1, high: 2}
                units: {low: 8, high: 64, log: true}
                lr: {low: 1e-4, high: 1e-1, log: true}
                activation: [relu, tanh]
                epochs: 40
            sampler: {type: tpe, startup_trials: 5}
            pruner: median
            budget: {trials: 12, timeout: 2m, jobs: 2}
            """;

    @Test
    void aRelativeSqliteStorageLivesBesideTheStudyFileAndAMalformedOneIsRefusedAtItsLine() {
        assertThat(read(GOOD + "storage: sqlite:iris.db\n").storage()).contains("sqlite:/tmp/studies/iris.db");
        assertThat(read(GOOD + "storage: sqlite:db/iris.db?busy_timeout_ms=5000\n").storage())
                .contains("sqlite:/tmp/studies/db/iris.db?busy_timeout_ms=5000");
        assertThat(read(GOOD + "storage: sqlite:../iris.db\n").storage()).contains("sqlite:/tmp/iris.db");
        assertThat(read(GOOD + "storage: sqlite:///iris.db\n").storage()).contains("sqlite:////tmp/studies/iris.db");
        assertThat(read(GOOD + "storage: optuna+sqlite:///o.db\n").storage()).contains("optuna+sqlite:////tmp/studies/o.db");
        // absolute paths, JDBC, memory and servers stay as written
        for (String kept : List.of("sqlite:/var/lib/x.db", "sqlite:////var/lib/x.db", "jdbc:sqlite:x.db", "memory",
                "postgresql://me@dbhost:5432/studies", "optuna+mysql://root@127.0.0.1:3306/test")) {
            assertThat(read(GOOD + "storage: \"" + kept + "\"\n").storage()).as(kept).contains(kept);
        }
        assertThatThrownBy(() -> read(GOOD + "storage: \"foo:bar\"\n"))
                .isInstanceOf(StudyFileException.class)
                .hasMessageContaining("iris.yaml, line 18, key 'storage'")
                .hasMessageContaining("scheme 'foo' is not supported");
        assertThatThrownBy(() -> read(GOOD + "storage: \"sqlite://host/x.db\"\n"))
                .isInstanceOf(StudyFileException.class).hasMessageContaining("line 18").hasMessageContaining("no host");
    }

    @Test
    void readsAFullStudyFile() {
        StudyFile s = read(GOOD);
        assertThat(s.name()).isEqualTo("iris-mlp");
        assertThat(s.seed()).contains(7L);
        assertThat(s.data().source()).isEqualTo(new StudyFile.DataSource.Bundled("iris"));
        assertThat(s.data().testFraction()).isEqualTo(0.2);
        assertThat(s.objectives()).containsExactly(new StudyFile.Objective("accuracy", "maximize"));
        assertThat(s.validation()).isEqualTo(new StudyFile.Validation("stratified_kfold", 3, 0.2));
        assertThat(s.model().space().get("layers")).isEqualTo(new StudyFile.ParamSpec.Range(1, 2, false, java.util.Optional.empty(), true));
        assertThat(s.model().space().get("lr")).isEqualTo(new StudyFile.ParamSpec.Range(1e-4, 1e-1, true, java.util.Optional.empty(), false));
        assertThat(s.model().space().get("activation")).isEqualTo(new StudyFile.ParamSpec.Choice(List.of("relu", "tanh")));
        assertThat(s.model().space().get("epochs")).isEqualTo(new StudyFile.ParamSpec.Fixed(40L));
        assertThat(s.sampler().type()).isEqualTo("tpe");
        assertThat(s.sampler().options()).containsEntry("startup_trials", 5L);
        assertThat(s.pruner().type()).isEqualTo("median");
        assertThat(List.of(s.budget().trials(), s.budget().timeout(), s.budget().jobs(), s.budget().maxRepeatedFailures(), s.budget().trialsGiven()))
                .containsExactly(12, java.util.Optional.of(Duration.ofMinutes(2)), 2, 3, true);
        assertThat(s.outputDir()).isEqualTo(Path.of("/tmp/studies/iris-results"));
    }

    @Test
    void syntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> read("study: x\ndata:\n  bundled: [iris\nmodel: {}\n"))
                .isInstanceOf(StudyFileException.class)
                .hasMessageStartingWith("/tmp/studies/iris.yaml, line ")
                .hasMessageContaining("YAML syntax error");
    }

    @Test
    void unknownKeyGetsDidYouMean() {
        assertThatThrownBy(() -> read(GOOD.replace("sampler:", "samplr:")))
                .hasMessageContaining("line 15").hasMessageContaining("unknown key 'samplr'")
                .hasMessageContaining("did you mean 'sampler'?");
        assertThatThrownBy(() -> read(GOOD.replace("units:", "unit:")))
                .hasMessageContaining("key 'model.space.unit'").hasMessageContaining("did you mean 'units'?");
    }

    @Test
    void wrongTypeIsNamed() {
        assertThatThrownBy(() -> read(GOOD.replace("trials: 12", "trials: many")))
                .hasMessageContaining("key 'budget.trials'").hasMessageContaining("expected a whole number but found 'many'");
        assertThatThrownBy(() -> read(GOOD.replace("folds: 3", "folds: [3]")))
                .hasMessageContaining("key 'validation.folds'").hasMessageContaining("found a list");
    }

    @Test
    void emptyAndInvertedRangesAreErrors() {
        assertThatThrownBy(() -> read(GOOD.replace("{low: 8, high: 64, log: true}", "{low: 64, high: 8}")))
                .hasMessageContaining("line 11").hasMessageContaining("inverted");
        assertThatThrownBy(() -> read(GOOD.replace("{low: 8, high: 64, log: true}", "{low: 8, high: 8}")))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> read(GOOD.replace("{low: 8, high: 64, log: true}", "{low: 0, high: 8, log: true}")))
                .hasMessageContaining("log range needs low > 0");
        assertThatThrownBy(() -> read(GOOD.replace("[relu, tanh]", "[]")))
                .hasMessageContaining("empty");
    }

    /** An integer beyond Java's int is refused at its key: it would wrap around (4294967304 trained 8 units). */
    @Test
    void integersTooLargeForTheNetworkAreRefusedNotWrappedAround() {
        for (String[] c : new String[][] {
                {"{low: 8, high: 64, log: true}", "4294967304", "out of range"},
                {"{low: 8, high: 64, log: true}", "{low: 4294967304, high: 4294967310}", "low 4294967304 is out of range"},
                {"{low: 8, high: 64, log: true}", "{low: 8, high: 3200000000}", "high 3200000000 is out of range"},
                {"epochs: 40", "epochs: 3000000000", "out of range"},
                {"{low: 8, high: 64, log: true}", "[8, 4294967304]", "out of range"}}) {
            assertThatThrownBy(() -> read(GOOD.replace(c[0], c[1]))).as(c[1]).isInstanceOf(StudyFileException.class)
                    .hasMessageContaining(c[2]).hasMessageContaining("2147483647");
        }
        assertThatThrownBy(() -> read(GOOD.replace("layers: {low: 1, high: 2}", "dropout: 0")
                .replace("units: {low: 8, high: 64, log: true}", "hidden: [[4294967304]]"))).hasMessageContaining("4294967304 is out of range");
    }

    /** Without a header line no column has a name: a label or text column given by name is the study file's mistake. */
    @Test
    void aColumnNameWithoutAHeaderLineIsRefusedAtItsKey() {
        String csv = "study: c\ndata:\n  csv: x.csv\n  label: species\n  header: false\nmodel: {family: mlp}\n";
        assertThatThrownBy(() -> read(csv)).isInstanceOf(StudyFileException.class).hasMessageContaining("line 4, key 'data.label'")
                .hasMessageContaining("'species' is a column name, but data.header: false").hasMessageContaining("0-based index");
        StudyFile byIndex = read(csv.replace("label: species", "label: 4"));
        assertThat(((StudyFile.DataSource.Csv) byIndex.data().source()).header()).isFalse();
        assertThatThrownBy(() -> read(csv.replace("label: species", "label: 1\n  text: message").replace("family: mlp", "family: rnn")))
                .hasMessageContaining("key 'data.header'").hasMessageContaining("a text column (data.text) is found by its name");
    }

    @Test
    void missingSectionsAndBadChoices() {
        assertThatThrownBy(() -> read("study: x\nmodel: {family: mlp}\n")).hasMessageContaining("names no data");
        assertThatThrownBy(() -> read(GOOD.replace("bundled: iris", "bundled: irsi")))
                .hasMessageContaining("did you mean 'iris'?").hasMessageContaining("one of: iris, digits");
        assertThatThrownBy(() -> read(GOOD.replace("metric: accuracy", "metric: mse")))
                .hasMessageContaining("unknown metric 'mse' for classification");
        assertThatThrownBy(() -> read(GOOD.replace("timeout: 2m", "timeout: soon")))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> read("")).hasMessageContaining("empty");
    }

    @Test
    void gridNeedsEnumerableDimensions() {
        // every such parameter in one run, one line each
        StudyFileException all = catchThrowableOfType(() -> read(GOOD.replace("{type: tpe, startup_trials: 5}", "grid")),
                StudyFileException.class);
        assertThat(all.problems()).hasSize(3);
        assertThat(all.getMessage()).contains("cannot enumerate the continuous range of 'lr'")
                .contains("cannot enumerate the range of 'layers' without a step").contains("cannot enumerate the range of 'units' without a step");
        String stepped = GOOD.replace("{low: 1e-4, high: 1e-1, log: true}", "{low: 0.01, high: 0.03, step: 0.01}")
                .replace("{low: 8, high: 64, log: true}", "16").replace("{type: tpe, startup_trials: 5}", "grid");
        assertThatThrownBy(() -> read(stepped)).hasMessageContaining("cannot enumerate the range of 'layers' without a step")
                .hasMessageContaining("or a range with a step");
        // a stepped range is a grid axis; a whole step is needed for an int range
        assertThat(read(stepped.replace("{low: 1, high: 2}", "1")).model().network().gridAxes())
                .containsEntry("lr", List.of(0.01, 0.02, 0.03)).containsEntry("activation", List.of("relu", "tanh"));
        assertThatThrownBy(() -> read(GOOD.replace("{low: 1, high: 2}", "{low: 1, high: 4, step: 1.5, type: int}")))
                .hasMessageContaining("line 10").hasMessageContaining("an int range needs a whole step, got 1.5");
    }

    @Test
    void durations() {
        assertThat(Section.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Section.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Section.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> Section.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void didYouMeanDistance() {
        assertThat(DidYouMean.distance("samplr", "sampler")).isEqualTo(1);
        assertThat(DidYouMean.distance("purner", "pruner")).isEqualTo(1);
        assertThat(DidYouMean.suggest("zzzzzz", List.of("sampler"))).isEmpty();
    }

    @Test
    void everyChoiceValueIsCheckedAtItsLine() {
        // line 13 is the activation list; 'tahn' is refused before any trial, with a did-you-mean
        assertThatThrownBy(() -> read(GOOD.replace("[relu, tanh]", "[relu, tahn]")))
                .hasMessageContaining("line 13").hasMessageContaining("key 'model.space.activation'")
                .hasMessageContaining("'tahn'").hasMessageContaining("did you mean 'tanh'?");
        assertThatThrownBy(() -> read(GOOD.replace("epochs: 40", "dropout: [0.0, 1.5]\n    epochs: 40")))
                .hasMessageContaining("key 'model.space.dropout'").hasMessageContaining("1.5");
        assertThatThrownBy(() -> read(GOOD.replace("epochs: 40", "optimizer: [adam, adamm]\n    epochs: 40")))
                .hasMessageContaining("did you mean 'adam")
                .hasMessageContaining("line 14");
    }

    @Test
    void learningRateAliasIsRefusedWithBothMeanings() {
        assertThatThrownBy(() -> read(GOOD.replace("lr: {low: 1e-4", "learning_rate: {low: 1e-4")))
                .hasMessageContaining("key 'model.space.learning_rate'").hasMessageContaining("ambiguous")
                .hasMessageContaining("schedule").hasMessageContaining("'lr'");
        // words are scikit-learn's schedule
        StudyFile s = read(GOOD.replace("epochs: 40", "learning_rate: [constant, adaptive]\n    epochs: 40"));
        assertThat(s.model().network().params().get("schedule")).isInstanceOf(org.nntune.search.ParamSpec.Choice.class);
    }

    @Test
    void samplerAndPrunerRequirementsAreCheckedAtTheOptionsLine() {
        String gp = GOOD.replace("{type: tpe, startup_trials: 5}", "\n  type: gp\n  candidates: 5");
        assertThatThrownBy(() -> read(gp)).isInstanceOf(StudyFileException.class)
                .hasMessageContaining("line 17").hasMessageContaining("key 'sampler.candidates'").hasMessageContaining("10");
        assertThatThrownBy(() -> read(GOOD.replace("pruner: median", "pruner: {type: hyperband, min_resource: 5, max_resource: 2}")))
                .hasMessageContaining("key 'pruner.m").hasMessageContaining("maxResource");
        assertThatThrownBy(() -> read(GOOD.replace("pruner: median", "pruner: percentile")))
                .hasMessageContaining("needs 'percentile'");
        assertThatThrownBy(() -> read(GOOD.replace("{type: tpe, startup_trials: 5}", "{type: tpe, startup_trails: 5}")))
                .hasMessageContaining("did you mean 'startup_trials'?");
    }

    @Test
    void unnamedParametersAreFixedUnlessTheFileAsksForTheDefaultSearch() {
        StudyFile fixed = read(GOOD);
        assertThat(fixed.model().defaults()).isEqualTo("fixed");
        assertThat(fixed.model().network().params().get("dropout")).isEqualTo(new org.nntune.search.ParamSpec.Fixed(0.0));
        assertThat(fixed.model().network().params().get("l2")).isInstanceOf(org.nntune.search.ParamSpec.Fixed.class);
        StudyFile searched = read(GOOD.replace("family: mlp", "family: mlp\n  defaults: search"));
        assertThat(searched.model().network().params().get("dropout")).isInstanceOf(org.nntune.search.ParamSpec.FloatRange.class);
        // the grid cannot enumerate what the default search adds, and says why it is searched
        assertThatThrownBy(() -> read(GOOD.replace("family: mlp", "family: mlp\n  defaults: search")
                .replace("{low: 1, high: 2}", "[1, 2]").replace("{low: 8, high: 64, log: true}", "[8, 64]")
                .replace("{low: 1e-4, high: 1e-1, log: true}", "[0.01]").replace("{type: tpe, startup_trials: 5}", "grid")
                .replace("pruner: median\n", "")))
                .hasMessageContaining("model.defaults: search");
    }

    @Test
    void hiddenTakesAListOfArchitectures() {
        String base = GOOD.replace("    layers: {low: 1, high: 2}\n    units: {low: 8, high: 64, log: true}\n", "    hidden: HIDDEN\n");
        StudyFile nested = read(base.replace("HIDDEN", "[[100, 50], [64]]"));
        assertThat(nested.model().network().gridAxes().get("hidden")).containsExactly("100,50", "64");
        StudyFile sklearn = read(base.replace("hidden: HIDDEN", "hidden_layer_sizes: [[50], [100], [100, 50]]"));
        assertThat(sklearn.model().network().gridAxes().get("hidden_layer_sizes")).containsExactly("50", "100", "100,50");
        StudyFile one = read(base.replace("HIDDEN", "[[100, 50]]"));
        assertThat(one.model().network().params().get("hidden")).isEqualTo(new org.nntune.search.ParamSpec.Fixed("100,50"));
        assertThatThrownBy(() -> read(base.replace("HIDDEN", "[100, 50]")))
                .hasMessageContaining("ambiguous").hasMessageContaining("[[100, 50]]").hasMessageContaining("[[100], [50]]");
    }

    @Test
    void gridPointsAreEnumeratedBeforeTrialZero() {
        // units per layer are asked as units_1, units_2: a grid cannot hold them
        String grid = GOOD.replace("{low: 1, high: 2}", "[1, 2]").replace("{low: 8, high: 64, log: true}", "[8, 64]")
                .replace("{low: 1e-4, high: 1e-1, log: true}", "[0.01]").replace("{type: tpe, startup_trials: 5}", "grid");
        assertThatThrownBy(() -> read(grid)).hasMessageContaining("key 'sampler'").hasMessageContaining("hidden: [[");
    }

    @Test
    void aStudyStopsAfterRepeatedFailuresSettable() {
        assertThat(read(GOOD).budget().maxRepeatedFailures()).isEqualTo(StudyFile.Budget.DEFAULT_MAX_REPEATED_FAILURES);
        assertThat(read(GOOD.replace("jobs: 2}", "jobs: 2, max_repeated_failures: 7}")).budget().maxRepeatedFailures()).isEqualTo(7);
    }

    private static final String PBT = """
            study: iris-pbt
            data:
              bundled: iris
            metric: accuracy
            model:
              family: mlp
              space:
                layers: 1
                units: 16
                lr: {low: 1e-4, high: 1e-1, log: true}
                batch_size: [16, 32]
                epochs: 12
            sampler: {type: pbt, population: 6, interval: 3}
            """;

    private org.nntune.tune.population.PbtOptions pbt(String yaml) {
        StudyFile s = read(yaml);
        assertThat(Strategies.isPopulation(s.sampler())).isTrue();
        return Strategies.population(s.sampler(), 12, 7);
    }

    @Test
    void aPbtSamplerSectionKeepsRayTunesDefaultsAndTakesEveryOption() {
        org.nntune.tune.population.PbtOptions o = pbt(PBT);
        assertThat(o.population()).isEqualTo(6);
        assertThat(o.rounds()).isEqualTo(4);
        assertThat(o.quantile()).isEqualTo(0.25);
        assertThat(o.resampleProbability()).isEqualTo(0.25);
        assertThat(o.downFactor()).isEqualTo(0.8);
        assertThat(o.upFactor()).isEqualTo(1.2);
        assertThat(o.synchronous()).isTrue();
        assertThat(o.seed()).isEqualTo(7);
        org.nntune.tune.population.PbtOptions bare = pbt(PBT.replace("{type: pbt, population: 6, interval: 3}", "pbt"));
        assertThat(bare.population()).isEqualTo(org.nntune.tune.population.PbtOptions.DEFAULT_POPULATION);
        assertThat(bare.interval()).isEqualTo(org.nntune.tune.population.PbtOptions.DEFAULT_INTERVAL);
        org.nntune.tune.population.PbtOptions all = pbt(PBT.replace("interval: 3}", """
                interval: 3, quantile: 0.5, resample_probability: 0,
                  factors: [0.5, 2], synchronous: false, max_attempts: 5}"""));
        assertThat(all.quantile()).isEqualTo(0.5);
        assertThat(all.resampleProbability()).isZero();
        assertThat(all.downFactor()).isEqualTo(0.5);
        assertThat(all.upFactor()).isEqualTo(2.0);
        assertThat(all.synchronous()).isFalse();
        assertThat(all.maxAttempts()).isEqualTo(5);
        // YAML's yes and no are booleans
        assertThat(pbt(PBT.replace("interval: 3}", "interval: 3, synchronous: no}")).synchronous()).isFalse();
        assertThat(pbt(PBT.replace("interval: 3}", "interval: 3, synchronous: yes}")).synchronous()).isTrue();
    }

    @Test
    void badPbtOptionsAreRefusedAtTheirLineAndKey() {
        String[][] cases = {
                {"population: 6", "population: 1", "key 'sampler.population'", "at least 2"},
                {"population: 6", "population: 2.5", "key 'sampler.population'", "expected a whole number"},
                {"interval: 3", "interval: 13", "key 'sampler.interval'", "larger than the 12 epochs"},
                {"interval: 3", "interval: 3, quantile: 0.7", "key 'sampler.quantile'", "(0, 0.5]"},
                {"interval: 3", "interval: 3, resample_probability: 2", "key 'sampler.resample_probability'", "[0, 1]"},
                {"interval: 3", "interval: 3, factors: [0.8]", "key 'sampler.factors'", "expected 2 numbers [down, up]"},
                {"interval: 3", "interval: 3, factors: [1, 1]", "key 'sampler.factors'", "would never change"},
                {"interval: 3", "interval: 3, synchronous: 1", "key 'sampler.synchronous'", "true or false"},
                {"interval: 3", "interval: 3, max_attempts: 0", "key 'sampler.max_attempts'", "must be >= 1"},
                {"interval: 3", "interval: 3, quantil: 0.5", "key 'sampler.quantil'", "did you mean 'quantile'?"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> read(PBT.replace(c[0], c[1]))).as(c[1]).isInstanceOf(StudyFileException.class)
                    .hasMessageContaining("line 13").hasMessageContaining(c[2]).hasMessageContaining(c[3]);
        }
    }

    @Test
    void whatPbtCannotWorkWithIsRefusedBeforeTrialZero() {
        assertThatThrownBy(() -> read(PBT + "pruner: {type: asha}\n")).hasMessageContaining("line 14")
                .hasMessageContaining("key 'pruner'").hasMessageContaining("remove 'pruner:'");
        assertThatThrownBy(() -> read(PBT + "validation: {method: kfold, folds: 3}\n")).hasMessageContaining("line 14")
                .hasMessageContaining("key 'validation.method'").hasMessageContaining("method: holdout");
        assertThatThrownBy(() -> read(PBT + "budget: {timeout: 5m}\n")).hasMessageContaining("key 'budget.timeout'")
                .hasMessageContaining("no time budget");
        assertThatThrownBy(() -> read(PBT.replace("epochs: 12", "epochs: [6, 12]"))).hasMessageContaining("line 12")
                .hasMessageContaining("key 'model.space.epochs'").hasMessageContaining("same number of epochs");
        assertThatThrownBy(() -> read(PBT.replace("units: 16", "units: {low: 8, high: 32}"))).hasMessageContaining("line 9")
                .hasMessageContaining("key 'model.space.units'").hasMessageContaining("architecture");
        assertThatThrownBy(() -> read(PBT.replace("lr: {low: 1e-4, high: 1e-1, log: true}", "lr: 0.01")
                .replace("[16, 32]", "32"))).hasMessageContaining("key 'model.space'").hasMessageContaining("nothing to explore");
        assertThatThrownBy(() -> read(PBT.replace("epochs: 12", "epochs: 12\n    early_stopping: 3")))
                .hasMessageContaining("key 'model.space.early_stopping'");
        assertThatThrownBy(() -> read(PBT.replace("metric: accuracy", "metric: [accuracy, parameter_count]")))
                .hasMessageContaining("the pbt sampler searches for one objective");
        // the grid sampler and pbt are two sampler types: one file has one
        assertThat(Strategies.samplerNames()).contains("grid", "pbt");
    }

    private static final String CHOICE = """
            study: digits-families
            data:
              bundled: digits
            metric: accuracy
            model:
              family: [mlp, cnn]
              defaults: fixed
              space:
                mlp:
                  units: {low: 16, high: 64, log: true}
                cnn:
                  filters: [8, 16]
                  activation: relu
            budget: {timeout: 1m}
            """;

    @Test
    void aListOfFamiliesIsAChoiceWithOneSpacePerFamily() {
        StudyFile s = read(CHOICE);
        assertThat(s.model().family()).isEqualTo("mlp,cnn");
        assertThat(s.model().network()).isInstanceOf(org.nntune.search.FamilySpace.class);
        assertThat(s.model().network().params()).containsKeys("family", "mlp.units", "cnn.filters", "cnn.conv_blocks");
        assertThat(s.model().space()).containsOnlyKeys("mlp.units", "cnn.filters", "cnn.activation");
        assertThat(s.model().positions().get("cnn.filters").line()).isEqualTo(12);
        assertThat(org.nntune.cli.studyfile.Families.images(s.model().family())).isTrue();
        assertThat(org.nntune.cli.studyfile.Families.images("mlp")).isFalse();

        assertThatThrownBy(() -> read(CHOICE.replace("[mlp, cnn]", "[mlp, cnm]")))
                .hasMessageContaining("line 6").hasMessageContaining("'cnm' is not a family a choice can hold")
                .hasMessageContaining("did you mean 'cnn'?");
        assertThatThrownBy(() -> read(CHOICE.replace("[mlp, cnn]", "[mlp, rnn]"))).hasMessageContaining("'rnn' is not a family");
        assertThatThrownBy(() -> read(CHOICE.replace("[mlp, cnn]", "[mlp]"))).hasMessageContaining("needs at least two");
        assertThatThrownBy(() -> read(CHOICE.replace("[mlp, cnn]", "[cnn, cnn]"))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> read(CHOICE.replace("    cnn:\n", "    cnnn:\n")))
                .hasMessageContaining("key 'model.space.cnnn'").hasMessageContaining("is not one of [mlp, cnn]");
        // a family's parameters are checked against that family, at their line, under their family's key
        assertThatThrownBy(() -> read(CHOICE.replace("activation: relu", "activation: rleu")))
                .hasMessageContaining("line 13").hasMessageContaining("key 'model.space.cnn.activation'")
                .hasMessageContaining("did you mean 'relu'?");
        assertThatThrownBy(() -> read(CHOICE.replace("units: {low", "filters_x: {low")))
                .hasMessageContaining("key 'model.space.mlp.filters_x'").hasMessageContaining("unknown hyperparameter");
        // the time-budget mode's epochs come from budget.max_epochs, in any family
        assertThatThrownBy(() -> read(CHOICE.replace("activation: relu", "epochs: 5")))
                .hasMessageContaining("key 'model.space.cnn.epochs'").hasMessageContaining("budget.max_epochs");
        // a grid or a population does not draw the family
        assertThatThrownBy(() -> read(CHOICE.replace("budget: {timeout: 1m}", "sampler: grid\nbudget: {trials: 4}")))
                .hasMessageContaining("key 'model.family'").hasMessageContaining("not by the grid sampler");
    }

    /**
     * A text model's max_length and vocab_size act within the data's (the texts are encoded once at
     * data.max_length tokens and data.vocab_size ids): a space value or range reaching above them is
     * refused at the space key's line, against data.* given or defaulted (200, 20,000).
     */
    @Test
    void aTokenLimitAboveTheDatasIsRefusedAtTheSpaceKeysLine() {
        String study = """
                study: t
                data: {csv: t.csv, text: text, label: label, max_length: 20, vocab_size: 100}
                model:
                  family: rnn
                  space:
                    epochs: 1
                    %s
                """;
        assertThatThrownBy(() -> read(study.formatted("max_length: {low: 10, high: 400}"))).hasMessage("/tmp/studies/iris.yaml,"
                + " line 7, key 'model.space.max_length': model.space.max_length reaches 400, but data.max_length is 20: the texts"
                + " are encoded with at most 20 tokens, so a longer limit reads no more of them (raise data.max_length or keep the"
                + " range within it)");
        assertThatThrownBy(() -> read(study.formatted("vocab_size: [50, 5000]"))).hasMessageContaining("line 7, key"
                + " 'model.space.vocab_size': model.space.vocab_size reaches 5000, but data.vocab_size is 100: the texts are encoded"
                + " with at most 100 ids (padding and unknown included)").hasMessageContaining("keep the range within it");
        assertThatThrownBy(() -> read(study.formatted("max_length: 21")))
                .hasMessageContaining("model.space.max_length is 21, but data.max_length is 20").hasMessageContaining("keep the value");
        // data.* not given: their defaults, 200 tokens and 20,000 ids
        String defaulted = study.replace(", max_length: 20, vocab_size: 100", "");
        assertThatThrownBy(() -> read(defaulted.formatted("vocab_size: {low: 1000, high: 50000, log: true}")))
                .hasMessageContaining("reaches 50000, but data.vocab_size is 20000");
        assertThatThrownBy(() -> read(defaulted.formatted("max_length: {low: 50, high: 300}")))
                .hasMessageContaining("reaches 300, but data.max_length is 200");
        // within the data's: accepted
        assertThat(read(study.formatted("max_length: {low: 10, high: 20}")).model().space()).containsKey("max_length");
        assertThat(read(study.formatted("vocab_size: [50, 100]")).model().space()).containsKey("vocab_size");
        assertThat(read(defaulted.formatted("max_length: 200")).model().space()).containsKey("max_length");
    }

    /** A study of {@code family} (a word or a list) on {@code data} (the data section's mapping). */
    private StudyFile readFamily(String data, String family) {
        return read("study: f\ndata: " + data + "\nmodel:\n  family: " + family + "\nbudget: {trials: 2}\n");
    }

    /**
     * Every family a file names, alone or in a choice, must read its data, else every trial it runs
     * fails or learns nothing: refused at model.family's line (the member's, in a choice), saying what
     * the family reads and what the data are, with the families that can.
     */
    @Test
    void aFamilyThatCannotReadTheDataIsRefusedAtItsLine() {
        String iris = "{bundled: iris}";
        String digits = "{bundled: digits}";
        String table = "{csv: sales.csv, label: price}";
        String text = "{csv: spam.csv, text: text, label: label}";
        String series = "{csv: sun.csv, series: v, window: 4}";
        // an rnn reads sequences only: iris' measurements or digits' pixels would be its token ids
        assertThatThrownBy(() -> readFamily(iris, "rnn")).hasMessage("/tmp/studies/iris.yaml, line 4, key 'model.family': the rnn"
                + " family reads sequences: a text column (data.text) or a numeric series (data.series), but bundled iris is a"
                + " table of numbers (family: mlp)");
        assertThatThrownBy(() -> readFamily(digits, "rnn")).hasMessageContaining("line 4, key 'model.family'")
                .hasMessageContaining("but bundled digits is a set of images (family: mlp or cnn)");
        assertThatThrownBy(() -> readFamily(table, "rnn")).hasMessageContaining("but CSV sales.csv is a table of numbers and"
                + " categories (family: mlp; or name the CSV's text column with data.text, or with data.series a column of numbers to"
                + " forecast from its own past values; a row of numbers read as a sequence (readings over time, and a class) is"
                + " classified by an rnn only in the Java API: Dataset.classification with the feature shape {T, 1} and"
                + " Sequential.builder().input(T, 1) (README, Text and sequences))");
        // a cnn reads images only
        assertThatThrownBy(() -> readFamily(table, "cnn")).hasMessageContaining("line 4, key 'model.family': the cnn family reads"
                + " images ([channels, height, width]: the idx sets, bundled digits), but CSV sales.csv is a table of numbers and"
                + " categories (family: mlp)");
        assertThatThrownBy(() -> readFamily(text, "cnn")).hasMessageContaining("a text column (data.text) is read by family rnn")
                .hasMessageContaining("not cnn (family: rnn with cell: cnn, its text CNN)");
        assertThatThrownBy(() -> readFamily(series, "cnn")).hasMessageContaining("line 4, key 'model.family': a series"
                + " (data.series) is read by family rnn (an LSTM or GRU over its windows) or mlp, not cnn (family: mlp or rnn)");
        // a choice: the member that cannot is named, at its own line, and the way out is the choice without it
        assertThatThrownBy(() -> readFamily(iris, "\n    - mlp\n    - cnn")).hasMessage("/tmp/studies/iris.yaml, line 6, key"
                + " 'model.family': the choice [mlp, cnn] holds cnn, and the cnn family reads images ([channels, height, width]: the"
                + " idx sets, bundled digits), but bundled iris is a table of numbers; every trial that drew it would be wasted"
                + " (family: mlp)");
        assertThatThrownBy(() -> readFamily(series, "[cnn, mlp]")).hasMessageContaining("line 4, key 'model.family': the choice"
                + " [cnn, mlp] holds cnn, and a series (data.series) is read by family rnn").hasMessageContaining("(family: mlp)");
        assertThatThrownBy(() -> readFamily(text, "[mlp, cnn]")).hasMessageContaining("the choice [mlp, cnn] holds mlp, and a text"
                + " column (data.text) is read by family rnn").hasMessageContaining("not mlp;").hasMessageContaining("(family: rnn)");
        // what each family reads
        assertThat(readFamily(iris, "mlp").model().family()).isEqualTo("mlp");
        assertThat(readFamily(table, "mlp").model().family()).isEqualTo("mlp");
        assertThat(readFamily(digits, "cnn").model().family()).isEqualTo("cnn");
        assertThat(readFamily("{idx: fashion_mnist}", "[mlp, cnn]").model().family()).isEqualTo("mlp,cnn");
        assertThat(readFamily(text, "rnn").model().family()).isEqualTo("rnn");
        assertThat(readFamily(series, "rnn").model().family()).isEqualTo("rnn");
        assertThat(readFamily(series, "mlp").model().family()).isEqualTo("mlp");
    }

    @Test
    void stratifiedKFoldIsRefusedForARegressionTask() {
        // the search refuses it when it starts; the file says so at the key's line
        assertThatThrownBy(() -> read(GOOD.replace("metric: accuracy", "task: regression\nmetric: r2")))
                .hasMessageContaining("line 7").hasMessageContaining("key 'validation.method'")
                .hasMessageContaining("stratified k-fold keeps each class's share and needs a classification task; this task is regression")
                .hasMessageContaining("method: kfold");
        assertThat(read(GOOD.replace("metric: accuracy", "task: regression\nmetric: r2").replace("stratified_kfold", "kfold"))
                .validation().method()).isEqualTo("kfold");
    }

    @Test
    void twoNamesOfOneHyperparameterAreRefusedAtTheSecondOnesLine() {
        // epochs (line 14) and scikit-learn's max_iter: one of them used to be dropped, depending on the order
        assertThatThrownBy(() -> read(GOOD.replace("    epochs: 40\n", "    epochs: 40\n    max_iter: 30\n")))
                .hasMessageContaining("line 15").hasMessageContaining("key 'model.space.max_iter'")
                .hasMessageContaining("parameters 'epochs' and 'max_iter' name the same hyperparameter (epochs); give one");
    }
}
