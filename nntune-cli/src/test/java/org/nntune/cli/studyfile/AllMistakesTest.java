package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A study file's mistakes are listed all at once, in line order, each in its one-line form. */
class AllMistakesTest {
    private final Path file = Path.of("/tmp/studies/typo1.yaml");

    private StudyFileException mistakes(String yaml) {
        return catchThrowableOfType(() -> new StudyFileReader().read(file, yaml), StudyFileException.class);
    }

    private static List<String> lines(StudyFileException e) {
        return List.of(e.getMessage().split("\n"));
    }

    /** The file of the tester's report: ten mistakes, ten lines, one reading. */
    static final String TEN = """
            study: tester1_typo1
            seed: 1
            data:
              csv: flowers.csv
              lable: species
              test_fracton: 0.2
            metric: acuracy
            validaton:
              method: kfold
            model:
              family: mlp
              space:
                activation: [relu, tahn]
                lr: {low: 0.1, high: 0.001, log: true}
                units: {low: 8, hihg: 64}
                optimiser: adam
            sampler: tpee
            pruner: medain
            budget:
              trials: 3
            """;

    @Test
    void everyMistakeOfAFileIsListedInLineOrder() {
        StudyFileException e = mistakes(TEN);
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(10);
        assertThat(e.problems()).extracting(p -> p.where().line()).containsExactly(5, 6, 7, 8, 13, 14, 15, 16, 17, 18);
        List<String> lines = lines(e);
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).startsWith("/tmp/studies/typo1.yaml, line 5, key 'data.lable': unknown key 'lable'; did you mean 'label'?");
        assertThat(lines.get(1)).contains("line 6, key 'data.test_fracton'").contains("did you mean 'test_fraction'?");
        assertThat(lines.get(2)).contains("line 7, key 'metric'").contains("did you mean 'accuracy'?");
        assertThat(lines.get(3)).contains("line 8, key 'validaton'").contains("did you mean 'validation'?");
        assertThat(lines.get(4)).contains("line 13, key 'model.space.activation'").contains("did you mean 'tanh'?");
        assertThat(lines.get(5)).contains("line 14, key 'model.space.lr.low'").contains("inverted");
        assertThat(lines.get(6)).contains("line 15, key 'model.space.units.hihg'").contains("did you mean 'high'?");
        assertThat(lines.get(7)).contains("line 16, key 'model.space.optimiser'").contains("did you mean 'optimizer'?");
        assertThat(lines.get(8)).contains("line 17, key 'sampler'").contains("did you mean 'tpe'?");
        assertThat(lines.get(9)).contains("line 18, key 'pruner'").contains("did you mean 'median'?");
        assertThat(e.getMessage()).doesNotContain("needs 'label:'");
        // the first mistake is the exception's own place, for callers that read one
        assertThat(e.where().line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("data.lable");
    }

    @Test
    void aMissingRequiredKeyWhoseMisspellingIsThereIsReportedAsTheMisspelling() {
        StudyFileException e = mistakes("""
                data: {csv: flowers.csv, lable: species}
                model: {family: mlp}
                """);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).contains("key 'data.lable': unknown key 'lable'; did you mean 'label'?").doesNotContain("needs");
        StudyFileException range = mistakes("""
                data: {bundled: iris}
                model:
                  space:
                    units: {low: 8, hihg: 64}
                """);
        assertThat(range.problems()).hasSize(1);
        assertThat(range.getMessage()).contains("line 4, key 'model.space.units.hihg'").doesNotContain("needs 'high:'");
    }

    @Test
    void mistakesInEverySectionAreFoundButChecksAcrossSectionsWaitForAFileWithoutThem() {
        StudyFileException e = mistakes("""
                seed: -1
                data: {bundled: irsi, test_fraction: 2}
                task: classifcation
                validation: {method: kfold, folds: 1}
                model:
                  space:
                    dropout: {low: 0.5, high: 0.1}
                    batch_size: [32, 32]
                sampler: {type: grid, candidates: 4}
                budget: {trials: 0, jobs: 0}
                output: {folder: x}
                """);
        List<String> lines = lines(e);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 1, key 'seed'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 2, key 'data.bundled'").contains("did you mean 'iris'?"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 3, key 'task'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 2, key 'data.test_fraction'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 4, key 'validation.folds'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 7, key 'model.space.dropout.low'").contains("inverted"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 8, key 'model.space.batch_size'").contains("twice"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("key 'sampler.candidates'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 10, key 'budget.trials'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 10, key 'budget.jobs'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 11, key 'output.folder'"));
        assertThat(e.problems()).extracting(p -> p.where().line()).isSorted();
    }

    @Test
    void aLongListIsCut() {
        StringBuilder yaml = new StringBuilder("data: {bundled: iris}\nmodel:\n  space:\n");
        for (int i = 0; i < 25; i++) {
            yaml.append("    nosuch").append(i).append(": 1\n");
        }
        StudyFileException e = mistakes(yaml.toString());
        assertThat(e.problems()).hasSize(25);
        List<String> lines = lines(e);
        assertThat(lines).hasSize(StudyFileException.MAX_LISTED + 1);
        assertThat(lines.get(StudyFileException.MAX_LISTED)).isEqualTo("and 5 more mistakes in /tmp/studies/typo1.yaml");
    }
}
