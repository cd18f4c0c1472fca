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

    /** Each bad item of a list is its own mistake, at its own line, with its did-you-mean; the good items are not named. */
    @Test
    void everyBadItemOfAListIsListed() {
        StudyFileException space = mistakes("""
                data: {bundled: iris}
                metric:
                  - acuracy
                  - parameter_cont
                direction: [maximise, minimse]
                model:
                  space:
                    activation: [relu, sigmod, tanhh]
                    optimizer:
                      - adamm
                      - sgd
                      - rmsprp
                    batch_size: [32, 32, 64, 64]
                    hidden: [[0], [8, -1], [8], [8]]
                """);
        List<String> lines = lines(space);
        assertThat(lines).hasSize(13);
        assertThat(space.problems()).extracting(p -> p.where().line()).containsExactly(3, 4, 5, 5, 8, 8, 10, 12, 13, 13, 14, 14, 14);
        assertThat(lines.get(0)).contains("line 3, key 'metric': unknown metric 'acuracy'").contains("did you mean 'accuracy'?");
        assertThat(lines.get(1)).contains("line 4, key 'metric': unknown metric 'parameter_cont'").contains("did you mean 'parameter_count'?");
        assertThat(lines.get(2)).contains("line 5, key 'direction': 'maximise' is not a direction");
        assertThat(lines.get(3)).contains("line 5, key 'direction': 'minimse' is not a direction");
        assertThat(lines.get(4)).contains("line 8, key 'model.space.activation': 'sigmod'").contains("did you mean 'sigmoid'?");
        assertThat(lines.get(5)).contains("line 8, key 'model.space.activation': 'tanhh'").contains("did you mean 'tanh'?");
        assertThat(lines.get(6)).contains("line 10, key 'model.space.optimizer': 'adamm'").contains("did you mean 'adam'?");
        assertThat(lines.get(7)).contains("line 12, key 'model.space.optimizer': 'rmsprp'").contains("did you mean 'rmsprop'?");
        assertThat(lines.get(8)).contains("line 13, key 'model.space.batch_size': value 32 is listed twice");
        assertThat(lines.get(9)).contains("line 13, key 'model.space.batch_size': value 64 is listed twice");
        assertThat(lines.get(10)).contains("line 14, key 'model.space.hidden'").contains("got 0");
        assertThat(lines.get(11)).contains("line 14, key 'model.space.hidden'").contains("got -1");
        assertThat(lines.get(12)).contains("line 14, key 'model.space.hidden': architecture 8 is listed twice");
        assertThat(space.getMessage()).doesNotContain("'relu'").doesNotContain("'sgd'");

        StudyFileException data = mistakes("""
                data:
                  csv: flowers.csv
                  label: species
                  categorical: [color, [shape], {size: 1}]
                model:
                  family: [mlp, cnnn, mlpp]
                """);
        assertThat(lines(data)).hasSize(4);
        assertThat(data.problems()).extracting(p -> p.where().line()).containsExactly(4, 4, 6, 6);
        assertThat(data.problems()).extracting(StudyFileException::key).containsExactly("data.categorical", "data.categorical",
                "model.family", "model.family");
        assertThat(lines(data).get(0)).contains("an item is a list");
        assertThat(lines(data).get(1)).contains("an item is a mapping");
        assertThat(lines(data).get(2)).contains("'cnnn' is not a family").contains("did you mean 'cnn'?");
        assertThat(lines(data).get(3)).contains("'mlpp' is not a family").contains("did you mean 'mlp'?");

        StudyFileException ignore = mistakes("""
                data:
                  csv: flowers.csv
                  label: species
                  categorical: [color]
                  ignore:
                    - species
                    - id
                    - color
                """);
        assertThat(ignore.problems()).extracting(p -> p.where().line()).containsExactly(6, 8);
        assertThat(lines(ignore).get(0)).contains("key 'data.ignore': 'species' is the label column");
        assertThat(lines(ignore).get(1)).contains("key 'data.ignore': 'color' is also listed in data.categorical");
    }

    /** A mistake in the data source (several, none, a series given a label) hides none of the source's other keys. */
    @Test
    void theSourcesKeysAreCheckedWhenTheSourceHasAMistake() {
        StudyFileException two = mistakes("""
                data:
                  csv: flowers.csv
                  bundled: iris
                  missing: dorp
                  separator: ";;"
                  lable: species
                """);
        assertThat(lines(two)).hasSize(4);
        assertThat(lines(two).get(0)).contains("line 2, key 'data': more than one data source");
        assertThat(lines(two).get(1)).contains("line 4, key 'data.missing': 'dorp' is not allowed; did you mean 'drop'?");
        assertThat(lines(two).get(2)).contains("line 5, key 'data.separator'").contains("not a single character");
        assertThat(lines(two).get(3)).contains("line 6, key 'data.lable': unknown key 'lable'; did you mean 'label'?");

        StudyFileException none = mistakes("""
                data:
                  cvs: flowers.csv
                  label: species
                  missing: dorp
                """);
        assertThat(lines(none)).hasSize(3);
        assertThat(lines(none).get(0)).contains("line 2, key 'data': no data source");
        assertThat(lines(none).get(1)).contains("line 2, key 'data.cvs'").contains("did you mean 'csv'?");
        assertThat(lines(none).get(2)).contains("line 4, key 'data.missing'").contains("did you mean 'drop'?");

        StudyFileException series = mistakes("""
                data:
                  csv: sales.csv
                  series: sales
                  window: 12
                  label: species
                  missing: dorp
                  header: maybe
                  lable: x
                """);
        assertThat(series.problems()).extracting(StudyFileException::key).containsExactly("data.label", "data.missing", "data.header",
                "data.lable");
        assertThat(lines(series).get(0)).contains("line 5").contains("'label' does not apply to a series");

        // keys of another kind of source, each named
        StudyFileException table = mistakes("""
                data:
                  csv: mail.csv
                  label: spam
                  window: 3
                  horizon: 2
                  tokens: chars
                  max_length: 50
                """);
        assertThat(table.problems()).extracting(StudyFileException::key).containsExactly("data.window", "data.horizon", "data.tokens",
                "data.max_length");
        StudyFileException text = mistakes("""
                data:
                  csv: mail.csv
                  label: spam
                  text: body
                  categorical: [sender]
                  ignore: [id]
                  missing: dorp
                """);
        assertThat(text.problems()).extracting(StudyFileException::key).containsExactly("data.categorical", "data.ignore", "data.missing");
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
