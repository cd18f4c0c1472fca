package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.StudyRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nntune tune --dry-run}: the study checked as a run checks it before its first trial, the
 * space shown, nothing trained, the storage not opened; and what a run refuses, a dry run refuses
 * with the same code and message.
 */
class DryRunTest {

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDryRunShowsTheStudyAndTouchesNoStorage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("iris.yaml");
        Files.writeString(file, CliTest.IRIS);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--dry-run", "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("study iris-test: bundled iris").contains("storage sqlite:" + dir.resolve("iris.db"))
                .contains("searched: activation [relu | tanh]").contains(StudyRun.DRY_RUN_DONE)
                .doesNotContain("trial 0", "best params");
        assertThat(files(dir)).as("no database, no results").containsExactly("iris.yaml");

        // a database server that does not answer: a dry run never connects, so it still checks out
        CliTest.Result away = CliTest.run("tune", file.toString(), "--dry-run", "--storage", "postgresql://nobody@127.0.0.1:1/none");
        assertThat(away.code()).as(away.out() + away.err()).isEqualTo(ExitCode.OK);
        assertThat(away.out()).contains("storage postgresql://nobody@127.0.0.1:1/none").contains(StudyRun.DRY_RUN_DONE);
        // the run itself does connect, and says it cannot
        assertThat(CliTest.run("tune", file.toString(), "--storage", "postgresql://nobody@127.0.0.1:1/none", "--progress", "none")
                .code()).isEqualTo(ExitCode.STORAGE);
    }

    @Test
    void aPopulationStudyIsCheckedToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pbt.yaml");
        Files.writeString(file, PopulationCliTest.IRIS_PBT);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("searched: lr").contains(StudyRun.DRY_RUN_DONE);
        assertThat(files(dir)).containsExactly("pbt.yaml");
    }

    @Test
    void scikitLearnsAutomaticBatchIsShownAsWhatItMeans(@TempDir Path dir) throws Exception {
        // model.defaults: sklearn fixes batch_size to scikit-learn's 'auto', which the space holds as 0
        Path file = dir.resolve("skl.yaml");
        Files.writeString(file, CliTest.IRIS.replace("  family: mlp\n", "  family: mlp\n  defaults: sklearn\n")
                .replace("    batch_size: 16\n", ""));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--dry-run", "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("batch_size*=auto (min(200, rows))").doesNotContain("batch_size*=0");
    }

    private static final String LR_LINE = "    lr: {low: 1.0e-2, high: 1.0e-1, log: true}\n";

    /**
     * A space whose smallest configuration cannot be trained (implicit L2 tuned on 0.1 % of 90
     * rows: no row) while most others can: the study goes on, with a warning that names the
     * setting, and its trials that draw such settings fail.
     */
    @Test
    void aSpaceWhoseSmallestConfigurationFailsButOthersBuildIsWarnedOf(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("l2-range.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("l2-range", 2)
                .replace(LR_LINE, LR_LINE + "    l2_adapt: implicit\n    l2_validation: {low: 0.001, high: 0.5}\n"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--dry-run", "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("warning: model: the space's smallest network cannot be built or trained for bundled iris",
                        "l2_validation: 0.001 of the 90 rows a network is fitted on holds out 0 rows",
                        "of 32 configurations drawn at random from the space can, so the study goes on, but its trials that draw"
                                + " such settings will fail")
                .contains(StudyRun.DRY_RUN_DONE);
    }

    /**
     * A setting that cannot act in its space (momentum under adam, a hypergradient step without the
     * hypergradient, text settings on a series) is named in a note when the file sets it, and not
     * shown among the defaults when it does not.
     */
    @Test
    void settingsThatCannotActAreNamedOrNotShown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inert.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("inert", 2)
                .replace(LR_LINE, LR_LINE + "    momentum: 0.5\n    hyper_lr: 0.01\n    beta1: 0.8\n"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("note: model.space.momentum has no effect here: it is the sgd optimizer's setting, and this"
                        + " space's optimizer is adam",
                "note: model.space.hyper_lr has no effect here: it is the step of lr_adapt: hypergradient, and this space's"
                        + " lr_adapt is none", "beta1=0.8")
                .doesNotContain("nesterov", "momentum=", "note: model.space.beta1");
        // an optimizer that may be sgd: momentum acts in those trials
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("inert", 2).replace("optimizer: adam", "optimizer: [adam, sgd]")
                .replace(LR_LINE, LR_LINE + "    momentum: 0.5\n"));
        assertThat(CliTest.run("tune", file.toString(), "--dry-run").out()).contains("momentum=0.5", "nesterov*=false")
                .doesNotContain("note: model.space");
        // a series: no text settings among the defaults
        CliTest.Result series = CliTest.run("tune", "../examples/sunspots.yaml", "--dry-run");
        assertThat(series.out()).contains("hidden_size").doesNotContain("embedding", "vocab_size", "max_length", "kernel")
                .doesNotContain("note: model.space");
        // a text study whose data read fewer tokens than the space's default: the data's limit is shown
        Path text = dir.resolve("text.yaml");
        Files.writeString(text, Files.readString(Path.of("..", "examples", "spam.yaml")).replace("data/spam-sample.csv.gz",
                Path.of("..", "examples", "data", "spam-sample.csv.gz").toAbsolutePath().toString())
                .replace("    max_length: 60\n", "").replace("    vocab_size: 2000\n", ""));
        assertThat(CliTest.run("tune", text.toString(), "--dry-run").out())
                .contains("max_length*=60 (data.max_length)", "vocab_size*=2000 (data.vocab_size)");
        // preprocessing on token ids scales nothing: noted at the key it is set with, not shown as a setting
        String spam = Files.readString(text);
        Files.writeString(text, spam.replace("    clip_norm: 1.0\n", "    clip_norm: 1.0\n    preprocessing: standard\n"));
        assertThat(CliTest.run("tune", text.toString(), "--dry-run").out()).contains("note: model.space.preprocessing has no"
                + " effect here: it scales numeric inputs, and these data are token ids (a text column)")
                .doesNotContain("preprocessing=standard", "preprocessing*=");
        Files.writeString(text, spam.replace("  min_count: 2", "  preprocessing: standard\n  min_count: 2"));
        assertThat(CliTest.run("tune", text.toString(), "--dry-run").out())
                .contains("note: data.preprocessing has no effect here: it scales numeric inputs").doesNotContain("preprocessing=");
        // data.preprocessing: pixel is shown as the file (and the README) spells it, not as the networks' 'pixels'
        Path pixel = dir.resolve("pixel.yaml");
        Files.writeString(pixel, CliTest.IRIS.replace("bundled: iris", "bundled: iris\n  preprocessing: pixel"));
        assertThat(CliTest.run("tune", pixel.toString(), "--dry-run").out()).contains("preprocessing=pixel")
                .doesNotContain("pixels");
        // the time-budget mode: each trial trains up to budget.max_epochs, not the space's default epochs
        assertThat(CliTest.run("tune", "../examples/digits-time-budget.yaml", "--dry-run").out())
                .contains("epochs=up to 27 (budget.max_epochs)").doesNotContain("epochs*=");
    }

    /** Each bad study: the dry run's code and message are the run's, and the dry run leaves nothing behind. */
    @Test
    void whatARunRefusesADryRunRefusesAlike(@TempDir Path dir) throws Exception {
        String tiny = PostgresWorkersTest.TINY.formatted("tiny", 2);
        record Bad(String name, String yaml, List<String> extra, int code, String says) {}
        List<Bad> bad = List.of(
                // found when the sampler is built for the space, after the file is read
                new Bad("grid", tiny.replace("sampler: {type: random}", "sampler: {type: grid}"), List.of(), ExitCode.USAGE,
                        "the grid sampler cannot enumerate"),
                // found when the validation is split on the data: 30 folds of 16 training rows
                new Bad("folds", CsvEndToEndTest.STUDY.formatted("classification", "../few.csv", "kind", "accuracy")
                        .replace("validation: {method: holdout, fraction: 0.25}", "validation: {method: kfold, folds: 30}"),
                        List.of(), ExitCode.DATA, "does not fit the 16 training rows"),
                // found by the reader
                new Bad("typo", tiny.replace("optimizer: adam", "optimizer: adma"), List.of(), ExitCode.USAGE, "adma"),
                // a population: no time budget, and no adapted lr that the population also sets
                new Bad("pbt-timeout", PopulationCliTest.IRIS_PBT, List.of("--timeout", "30s"), ExitCode.USAGE, "no time budget"),
                new Bad("pbt-adapt", PopulationCliTest.IRIS_PBT.replace("optimizer: adam", "optimizer: adam\n    lr_adapt: hypergradient"),
                        List.of(), ExitCode.USAGE, "lr_adapt hypergradient adapts it"),
                // a storage URL of no storage's form: in the file a study-file error at its line, on the command line a storage error
                new Bad("storage-form", tiny + "storage: \"foo:bar\"\n", List.of(), ExitCode.USAGE,
                        "storage-form.yaml, line 18, key 'storage': bad storage URL 'foo:bar': scheme 'foo' is not supported"),
                new Bad("storage-flag", tiny, List.of("--storage", "foo:bar"), ExitCode.STORAGE,
                        "cannot open storage foo:bar: bad storage URL 'foo:bar': scheme 'foo' is not supported"),
                // results that cannot be written: found before the first trial, not after the search and the refit
                new Bad("output-under-file", tiny + "output: {dir: ../few.csv/results}\n", List.of(), ExitCode.USAGE,
                        "few.csv is a file, so no folder can be made in it; set output.dir"),
                new Bad("pbt-output", PopulationCliTest.IRIS_PBT + "output: {dir: ../few.csv}\n", List.of(), ExitCode.USAGE,
                        "(output.dir): it is a file, not a folder"),
                // a family that cannot read the data: found when the file is read, not by every trial failing
                new Bad("cnn-table", tiny.replace("family: mlp", "family: cnn").replace("    layers: 1\n", "")
                        .replace("    units: {low: 4, high: 16}\n", ""), List.of(), ExitCode.USAGE,
                        "cnn-table.yaml, line 7, key 'model.family': the cnn family reads images ([channels, height, width]: the"
                                + " idx sets, bundled digits), but bundled iris is a table of numbers (family: mlp)"),
                // an rnn would read iris' measurements as token ids: every trial failed, after a dry run that passed
                new Bad("rnn-table", "study: fm1\nseed: 1\ndata: {bundled: iris}\nmodel: {family: rnn, space: {epochs: 2}}\n"
                        + "budget: {trials: 2}\n", List.of(), ExitCode.USAGE, "rnn-table.yaml, line 4, key 'model.family': the rnn"
                        + " family reads sequences: a text column (data.text) or a numeric series (data.series), but bundled iris is"
                        + " a table of numbers (family: mlp)"),
                // a choice whose cnn cannot read a table: half the trials failed, and the study still exited 0
                new Bad("choice-table", "study: fm2\nseed: 1\ndata: {bundled: iris}\nmodel: {family: [mlp, cnn], space: {mlp:"
                        + " {epochs: 2}, cnn: {epochs: 2}}}\nbudget: {trials: 12}\n", List.of(), ExitCode.USAGE,
                        "choice-table.yaml, line 4, key 'model.family': the choice [mlp, cnn] holds cnn, and the cnn family reads"
                                + " images ([channels, height, width]: the idx sets, bundled digits), but bundled iris is a table of"
                                + " numbers; every trial that drew it would be wasted (family: mlp)"),
                new Bad("kernel-long", """
                        study: kernel-long
                        data: {csv: ../series.csv, series: v, window: 5}
                        metric: mse
                        model: {family: rnn, space: {cell: cnn, kernel: {low: 7, high: 9}, epochs: 1}}
                        budget: {trials: 1}
                        """, List.of(), ExitCode.USAGE,
                        "(inputs [5, 1], 22 rows per fit): layer 1 (conv1d): conv1d kernel 7 is longer than the input's 5 time"
                                + " steps; nor can any of 32 configurations drawn at random from the space: every trial would fail so"),
                // implicit L2 tuned on a split of no row: 0.5 % of the 90 rows each network is fitted on
                new Bad("l2-split", tiny.replace(LR_LINE, LR_LINE + "    l2_adapt: implicit\n    l2_validation: 0.005\n"),
                        List.of(), ExitCode.USAGE, "(inputs [4], 90 rows per fit): l2_validation: 0.005 of the 90 rows a network"
                                + " is fitted on holds out 0 rows for the split the implicit L2 is tuned on and leaves 90 to train on;"
                                + " each side needs at least one row: give more training rows or raise l2_validation (at most 0.5)"),
                // a population's members are checked alike, on its hold-out's training part
                new Bad("pbt-l2-split", PopulationCliTest.IRIS_PBT.replace("    epochs: 12\n",
                        "    epochs: 12\n    l2_adapt: implicit\n    l2_validation: 0.005\n"),
                        List.of(), ExitCode.USAGE, "(inputs [4], 90 rows per fit): l2_validation: 0.005 of the 90 rows a network"
                                + " is fitted on holds out 0 rows for the split the implicit L2 is tuned on and leaves 90 to train on;"
                                + " each side needs at least one row: give more training rows or raise l2_validation (at most 0.5)"));
        Files.writeString(dir.resolve("few.csv"), CsvEndToEndTest.fewShapes(20));
        StringBuilder series = new StringBuilder("v\n");
        for (int i = 0; i < 40; i++) {
            series.append(i % 7).append('\n');
        }
        Files.writeString(dir.resolve("series.csv"), series);
        for (Bad b : bad) {
            Path sub = Files.createDirectory(dir.resolve(b.name()));
            Path file = sub.resolve(b.name() + ".yaml");
            Files.writeString(file, b.yaml());
            List<String> args = new java.util.ArrayList<>(List.of("tune", file.toString(), "--progress", "none"));
            args.addAll(b.extra());
            List<String> dry = new java.util.ArrayList<>(args);
            dry.add("--dry-run");
            CliTest.Result d = CliTest.run(dry.toArray(String[]::new));
            assertThat(d.code()).as(b.name() + ": " + d.out() + d.err()).isEqualTo(b.code());
            assertThat(d.err()).as(b.name()).contains(b.says()).doesNotContain("\tat ");
            assertThat(d.out()).as(b.name()).doesNotContain(StudyRun.DRY_RUN_DONE);
            assertThat(files(sub)).as(b.name() + ": a dry run leaves nothing").containsExactly(file.getFileName().toString());
            CliTest.Result real = CliTest.run(args.toArray(String[]::new));
            assertThat(real.code()).as(b.name() + ": " + real.out() + real.err()).isEqualTo(b.code());
            assertThat(real.err()).as(b.name()).isEqualTo(d.err());
        }
    }
}
