package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyFileReaderTest {
    private static final Set<String> MLP = Set.of("hidden_layers", "units", "activation", "learning_rate", "batch_size", "epochs", "optimizer");
    private final StudyFileReader reader = new StudyFileReader(MLP, Set.of("filters"));
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
                hidden_layers: {low: 1, high: 2}
                units: {low: 8, high: 64, log: true}
                learning_rate: {low: 1e-4, high: 1e-1, log: true}
                activation: [relu, tanh]
                epochs: 40
            sampler: {type: tpe, startup_trials: 5}
            pruner: median
            budget: {trials: 12, timeout: 2m, jobs: 2}
            """;

    @Test
    void readsAFullStudyFile() {
        StudyFile s = read(GOOD);
        assertThat(s.name()).isEqualTo("iris-mlp");
        assertThat(s.seed()).contains(7L);
        assertThat(s.data().source()).isEqualTo(new StudyFile.DataSource.Bundled("iris"));
        assertThat(s.data().testFraction()).isEqualTo(0.2);
        assertThat(s.objectives()).containsExactly(new StudyFile.Objective("accuracy", "maximize"));
        assertThat(s.validation()).isEqualTo(new StudyFile.Validation("stratified_kfold", 3, 0.2));
        assertThat(s.model().space().get("hidden_layers")).isEqualTo(new StudyFile.ParamSpec.Range(1, 2, false, java.util.Optional.empty(), true));
        assertThat(s.model().space().get("learning_rate")).isEqualTo(new StudyFile.ParamSpec.Range(1e-4, 1e-1, true, java.util.Optional.empty(), false));
        assertThat(s.model().space().get("activation")).isEqualTo(new StudyFile.ParamSpec.Choice(List.of("relu", "tanh")));
        assertThat(s.model().space().get("epochs")).isEqualTo(new StudyFile.ParamSpec.Fixed(40L));
        assertThat(s.sampler().type()).isEqualTo("tpe");
        assertThat(s.sampler().options()).containsEntry("startup_trials", 5L);
        assertThat(s.pruner().type()).isEqualTo("median");
        assertThat(s.budget()).isEqualTo(new StudyFile.Budget(12, java.util.Optional.of(Duration.ofMinutes(2)), 2));
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
        assertThatThrownBy(() -> read(GOOD.replace("{type: tpe, startup_trials: 5}", "grid")))
                .hasMessageContaining("cannot enumerate the continuous range of 'learning_rate'");
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
}
