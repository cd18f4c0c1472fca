package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.Sequential;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bad-input cases of the CLI that CliTest does not cover: exit code and message from the err writer. */
class BadInputTest {

    private static CliTest.Result tune(Path dir, String yaml, String... extra) throws Exception {
        return CliTest.tuneWith(dir, yaml, extra);
    }

    private static void assertFails(CliTest.Result r, int code, String... fragments) {
        assertThat(r.code()).as("exit code; err: %s", r.err()).isEqualTo(code);
        assertThat(r.err()).contains(fragments).doesNotContain("\tat ");
    }

    @Test
    void commandLineValues(@TempDir Path dir) throws Exception {
        assertFails(tune(dir, CliTest.IRIS, "--timeout", "nonsense"), ExitCode.USAGE, "--timeout 'nonsense' is not a duration");
        // a timeout past the clocks' range (it overflowed a long of nanoseconds after the dry run passed it)
        assertFails(tune(dir, CliTest.IRIS, "--timeout", "3000000h"), ExitCode.USAGE,
                "--timeout '3000000h' is longer than the longest allowed, 8760h (a year)");
        assertFails(tune(dir, CliTest.IRIS.replace("budget: {", "budget: {timeout: 1e300h, "), "--dry-run"), ExitCode.USAGE,
                "key 'budget.timeout': '1e300h' is longer than the longest allowed, 8760h");
        assertFails(tune(dir, CliTest.IRIS, "--trials", "0"), ExitCode.USAGE, "--trials must be at least 1, got 0");
        assertFails(tune(dir, CliTest.IRIS, "--trials", "many"), ExitCode.USAGE, "--trials", "many");
        // --jobs allows what budget.jobs allows, 1 to 1024, with the same words (5000 was accepted, even by --dry-run)
        assertFails(tune(dir, CliTest.IRIS, "--jobs", "0"), ExitCode.USAGE, "--jobs 0 is out of range (allowed: 1 to 1024");
        assertFails(tune(dir, CliTest.IRIS, "--jobs", "5000", "--dry-run"), ExitCode.USAGE,
                "--jobs 5000 is out of range (allowed: 1 to 1024, as for budget.jobs)");
        assertFails(tune(dir, CliTest.IRIS.replace("budget: {", "budget: {jobs: 5000, "), "--dry-run"), ExitCode.USAGE,
                "key 'budget.jobs': 5000 is out of range (allowed: 1 to 1024)");
        assertFails(CliTest.run("k8s", dir.resolve("s.yaml").toString(), "--storage", "postgresql://postgres@127.0.0.1:1/test",
                "--workers", "2", "--image", "nntune:dev", "--jobs", "5000"), ExitCode.USAGE, "--jobs 5000 is out of range");
        assertFails(tune(dir, CliTest.IRIS, "--study", " "), ExitCode.USAGE, "--study must name a study, got ' '");
        assertFails(tune(dir, CliTest.IRIS, "--study", "", "--dry-run"), ExitCode.USAGE, "--study must name a study");
        assertFails(tune(dir, CliTest.IRIS, "--progress", "loud"), ExitCode.USAGE, "--progress", "loud");
        assertFails(CliTest.run("trials", "x", "--storage", "sqlite:" + dir.resolve("t.db"), "--format", "xml"),
                ExitCode.USAGE, "--format", "xml");
        assertFails(CliTest.run("frobnicate"), ExitCode.USAGE, "frobnicate");
        assertFails(CliTest.run("worker", "x", "--storage", "sqlite:" + dir.resolve("w.db"), "--jobs", "0"), ExitCode.USAGE,
                "--jobs 0 is out of range (allowed: 1 to 1024");
        assertFails(CliTest.run("worker", "x", "--storage", "sqlite:" + dir.resolve("w.db"), "--jobs", "5000"), ExitCode.USAGE,
                "--jobs 5000 is out of range (allowed: 1 to 1024");
        assertFails(CliTest.run("worker", "x"), ExitCode.USAGE, "--storage");
        assertFails(CliTest.run("report", "x", "--storage", "sqlite:" + dir.resolve("t.db")), ExitCode.USAGE, "-o");
        // nothing ran, so no storage was created
        assertThat(dir.resolve("s.db")).doesNotExist();
    }

    @Test
    void studyFileValues(@TempDir Path dir) throws Exception {
        String grid = CliTest.IRIS.replace("sampler: {type: tpe, startup_trials: 2}", "sampler: grid");
        assertFails(tune(dir, grid), ExitCode.USAGE, "s.yaml", "the grid sampler cannot enumerate the continuous range of 'lr'");
        assertFails(tune(dir, ""), ExitCode.USAGE, "s.yaml");
        assertFails(tune(dir, "- just\n- a list\n"), ExitCode.USAGE, "s.yaml");
        assertFails(tune(dir, CliTest.IRIS.replace("bundled: iris", "bundled: irsi")), ExitCode.USAGE, "irsi", "iris");
        assertFails(tune(dir, CliTest.IRIS.replace("sampler: {type: tpe,", "sampler: {type: tpee,")), ExitCode.USAGE,
                "tpee", "did you mean 'tpe'?");
        assertFails(tune(dir, CliTest.IRIS.replace("metric: accuracy", "metric: acuracy")), ExitCode.USAGE, "acuracy");
        assertFails(tune(dir, CliTest.IRIS.replace("metric: accuracy", "metric: []")), ExitCode.USAGE, "key 'metric': the list of"
                + " metrics is empty");
        assertFails(tune(dir, CliTest.IRIS.replace("startup_trials: 2}", "startup_trials: 2, clip_exponent: 0}")),
                ExitCode.USAGE, "s.yaml", "sampler.clip_exponent", "magicClipExponent must be > 0");
        assertFails(tune(dir, CliTest.IRIS.replace("startup_trials: 2}", "startup_trials: 2, prior_weight: -1}")),
                ExitCode.USAGE, "s.yaml", "sampler.prior_weight", "priorWeight must be > 0");
        assertFails(tune(dir, CliTest.IRIS.replace("family: mlp", "family: transformer")), ExitCode.USAGE, "transformer");
        assertFails(tune(dir, CliTest.IRIS.replace("bundled: iris", "bundled: iris\n  csv: x.csv")), ExitCode.USAGE,
                "more than one data source");
        Files.createDirectories(dir.resolve("folder.yaml"));
        assertFails(CliTest.run("tune", dir.resolve("folder.yaml").toString()), ExitCode.USAGE, "folder.yaml");
    }

    @Test
    void resumingWithAnotherDirection(@TempDir Path dir) throws Exception {
        String tiny = PostgresWorkersTest.TINY.formatted("turn", 1);
        CliTest.Result first = tune(dir, tiny, "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        assertFails(tune(dir, tiny.replace("metric: accuracy", "metric: log_loss"), "--trials", "2"), ExitCode.USAGE,
                "s.yaml", "study 'turn'", "was started with direction(s) [maximize]", "[minimize]", "nntune delete turn");
    }

    @Test
    void resumingWithAnotherMetricOrValidation(@TempDir Path dir) throws Exception {
        String tiny = PostgresWorkersTest.TINY.formatted("rescore", 1);
        CliTest.Result first = tune(dir, tiny, "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        // the same direction, another metric: its values would sit beside the accuracies as if comparable
        assertFails(tune(dir, tiny.replace("metric: accuracy", "metric: f1_macro"), "--trials", "2"), ExitCode.USAGE,
                "s.yaml", "study 'rescore'", "was started with other scoring", "was: maximize accuracy by hold-out 0.25",
                "now: maximize f1_macro by hold-out 0.25", "--study rescore-2");
        assertFails(tune(dir, tiny.replace("{method: holdout, fraction: 0.25}", "{method: stratified_kfold, folds: 3}"),
                "--trials", "2"), ExitCode.USAGE, "was started with other scoring",
                "now: maximize accuracy by stratified 3-fold validation");
        // nothing was lost, and the unchanged file resumes
        CliTest.Result again = tune(dir, tiny, "--trials", "2", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 1 finished trials of 2");
    }

    @Test
    void dataFiles(@TempDir Path dir) throws Exception {
        byte[] binary = new byte[4096];
        new java.util.Random(1).nextBytes(binary);
        Files.write(dir.resolve("blob.csv"), binary);
        String csv = CliTest.IRIS.replace("bundled: iris", "csv: blob.csv\n  label: species");
        assertFails(tune(dir, csv), ExitCode.DATA, "blob.csv");

        Files.writeString(dir.resolve("empty.csv"), "");
        assertFails(tune(dir, csv.replace("blob.csv", "empty.csv")), ExitCode.DATA, "empty.csv");

        Files.writeString(dir.resolve("gaps.csv"), "a,b,species\n1,,x\n3,4,y\n5,6,x\n7,8,y\n");
        assertFails(tune(dir, csv.replace("blob.csv", "gaps.csv")), ExitCode.DATA, "gaps.csv", "line 2",
                "set data.missing: drop, mean or most_frequent in the study file");
        // the advice is in the study file's words, never the Java API's policy names
        assertThat(tune(dir, csv.replace("blob.csv", "gaps.csv")).err()).doesNotContain("DROP_ROW", "FILL_");
        Files.writeString(dir.resolve("nolabel.csv"), "a,b,species\n1,2,x\n3,4,\n5,6,x\n7,8,y\n");
        CliTest.Result noLabel = tune(dir, csv.replace("blob.csv", "nolabel.csv"));
        assertFails(noLabel, ExitCode.DATA, "nolabel.csv", "line 3", "missing label", "set data.missing: drop in the study file");
        assertThat(noLabel.err()).doesNotContain("DROP_ROW");
        Files.writeString(dir.resolve("allgaps.csv"), "a,b,species\n1,,x\n,4,y\n");
        CliTest.Result allGaps = tune(dir, csv.replace("blob.csv", "allgaps.csv").replace("label: species", "label: species\n  missing: drop"));
        assertFails(allGaps, ExitCode.DATA, "allgaps.csv", "were dropped (data.missing: drop)");

        String idx = CliTest.IRIS.replace("bundled: iris", "idx: fashion_mnist\n  folder: no-such-folder");
        CliTest.Result noIdx = tune(dir, idx);
        // in the study file's words, not the Java loader's ("or pass the folder to load(Path)")
        assertFails(noIdx, ExitCode.DATA, "no-such-folder", "NNTUNE_DATA", "or name the folder in the study file (data.folder)");
        assertThat(noIdx.err()).doesNotContain("load(Path)");
    }

    /**
     * A column the study file names and the CSV lacks is a typo in the study file: exit code 2 at
     * the key's line with a did-you-mean among the CSV's columns (it was exit code 3 at the CSV's
     * line 1, which is right), with --dry-run as with a run; a test file without the column stays a
     * data error.
     */
    @Test
    void aColumnTheCsvLacksIsAStudyFileErrorAtItsKey(@TempDir Path dir) throws Exception {
        StringBuilder rows = new StringBuilder("size,color,species\n");
        for (int i = 0; i < 12; i++) {
            rows.append(i).append(i % 2 == 0 ? ",red," : ",blue,").append(i % 3 == 0 ? "x" : "y").append('\n');
        }
        Files.writeString(dir.resolve("d.csv"), rows);
        String csv = CliTest.IRIS.replace("bundled: iris", "csv: d.csv\n  label: species");
        for (String[] run : new String[][] {{}, {"--dry-run"}}) {
            assertFails(tune(dir, csv.replace("label: species", "label: specis"), run), ExitCode.USAGE,
                    "s.yaml, line 5, key 'data.label': 'specis' is not a column of d.csv; did you mean 'species'?",
                    "its header's columns: size, color, species");
            assertFails(tune(dir, csv.replace("label: species", "label: species\n  categorical:\n    - size\n    - colour"), run),
                    ExitCode.USAGE, "s.yaml, line 8, key 'data.categorical': 'colour' is not a column of d.csv; did you mean 'color'?");
            // every name of the lists that the header lacks, each at its line, not only the first
            assertFails(tune(dir, csv.replace("label: species", "label: species\n  categorical:\n    - colour\n    - size\n    - sise"
                    + "\n  ignore: [idd]"), run), ExitCode.USAGE,
                    "s.yaml, line 7, key 'data.categorical': 'colour' is not a column of d.csv; did you mean 'color'?",
                    "s.yaml, line 9, key 'data.categorical': 'sise' is not a column of d.csv; did you mean 'size'?",
                    "s.yaml, line 10, key 'data.ignore': 'idd' is not a column of d.csv");
        }
        assertFails(tune(dir, csv.replace("label: species", "label: 3")), ExitCode.USAGE,
                "key 'data.label': column index 3 is outside d.csv's 3 columns (0 to 2)");
        String text = csv.replace("label: species", "label: species\n  text: colr").replace("family: mlp", "family: rnn");
        assertFails(tune(dir, text, "--dry-run"), ExitCode.USAGE, "s.yaml, line 6, key 'data.text': 'colr' is not a column of d.csv");
        String series = "data:\n  csv: d.csv\n  series: sise\n  window: 2\nmodel: {family: rnn, space: {epochs: 1}}\n";
        assertFails(tune(dir, series, "--dry-run"), ExitCode.USAGE, "s.yaml, line 3, key 'data.series': 'sise' is not a column of d.csv");

        // the test file is wrong, not the study file (exit code 3), but the error points at the key that names it
        Files.writeString(dir.resolve("t.csv"), "size,color,kind\n1,red,x\n");
        assertFails(tune(dir, csv.replace("label: species", "label: species\n  categorical: [color]\n  test_csv: t.csv"), "--dry-run"), ExitCode.DATA,
                "s.yaml, line 7, key 'data.test_csv': the test file t.csv has no label column 'species', which the training file d.csv has"
                        + " (t.csv's columns: size, color, kind)");
    }

    /** A CSV file the study file names and that is not there: exit code 2 at its key's line, as any other key's mistake. */
    @Test
    void aMissingCsvIsAStudyFileErrorAtItsKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("d.csv"), "size,species\n1,x\n2,y\n3,x\n4,y\n");
        String csv = CliTest.IRIS.replace("bundled: iris", "csv: nosuch.csv\n  label: species");
        for (String[] run : new String[][] {{}, {"--dry-run"}}) {
            CliTest.Result r = tune(dir, csv, run);
            assertFails(r, ExitCode.USAGE, "s.yaml, line 4, key 'data.csv': file " + dir.resolve("nosuch.csv") + " does not exist",
                    "a relative path is read from the study file's folder");
            assertThat(r.err()).doesNotContain("data: file");
        }
        String test = CliTest.IRIS.replace("bundled: iris", "csv: d.csv\n  label: species\n  test_csv: nosuch-test.csv");
        assertFails(tune(dir, test, "--dry-run"), ExitCode.USAGE,
                "s.yaml, line 6, key 'data.test_csv': file " + dir.resolve("nosuch-test.csv") + " does not exist");
        assertFails(tune(dir, CliTest.IRIS.replace("bundled: iris", "csv: .\n  label: species"), "--dry-run"), ExitCode.USAGE,
                "key 'data.csv': ", " is a folder, not a CSV file");
    }

    @Test
    void modelAndInputFiles(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder().input(4).dense(8, Activation.RELU).dense(3).build();
        Path model = dir.resolve("good.model");
        m.save(model);
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "1,2,3,4\n5,6,7,8\n");
        CliTest.Result ok = CliTest.run("predict", model.toString(), in.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out().lines().toList()).hasSize(3);
        assertThat(ok.err()).as("a model without its class names says it prints ids")
                .contains("note: no class names beside " + model, "good.model.csv-encoder", "ids 0 to 2");

        byte[] bytes = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.model");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertFails(CliTest.run("predict", truncated.toString(), in.toString()), ExitCode.DATA,
                "truncated.model", "not a readable nntune model");
        Path empty = dir.resolve("empty.model");
        Files.write(empty, new byte[0]);
        assertFails(CliTest.run("predict", empty.toString(), in.toString()), ExitCode.DATA, "empty.model");
        assertFails(CliTest.run("predict", dir.resolve("none.model").toString(), in.toString()), ExitCode.DATA,
                "none.model", "no such model file");

        assertFails(CliTest.run("predict", model.toString(), dir.resolve("none.csv").toString()), ExitCode.DATA, "none.csv");
        Files.writeString(in, "1,2,3\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv", "line 1",
                "expected 4 features");
        Files.writeString(in, "a,b,c,d\n1,2,3,4\n5,x,7,8\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv", "line 3");
        Files.writeString(in, "a,b,c,d\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "no rows");
        Files.write(in, new byte[] {0, (byte) 0xff, (byte) 0xfe, 1, 2, 3});
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv");
    }

    /**
     * A model of the bundled iris set (as tune saves it: its class names beside it) reads a header's
     * names: columns in another order were predicted on silently wrong.
     */
    @Test
    void aHeaderOfOtherColumnsThanTheBundledSetsIsRefused(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder().input(4).dense(8, Activation.RELU).dense(3).seed(1).build();
        m.fit(org.nntune.nn.data.Datasets.iris(), org.nntune.nn.model.FitOptions.builder().epochs(1).build());
        Path model = dir.resolve("iris.model");
        m.save(model);
        Files.writeString(dir.resolve("iris.model.classes"), "setosa\nversicolor\nvirginica\n");
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "petal_length,petal_width,sepal_length,sepal_width\n1.4,0.2,5.1,3.5\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv line 1",
                "[petal_length, petal_width, sepal_length, sepal_width]", "the bundled iris set's columns "
                        + "[sepal_length, sepal_width, petal_length, petal_width]", "column 1 is 'petal_length' where the model has 'sepal_length'");
        Files.writeString(in, "Sepal_Length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        CliTest.Result ok = CliTest.run("predict", model.toString(), in.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out().lines().toList()).hasSize(2);
        Files.writeString(in, "5.1,3.5,1.4,0.2\n");
        assertThat(CliTest.run("predict", model.toString(), in.toString()).code()).as("no header: nothing to check").isZero();
        // scikit-learn's and R's names for the same columns are the same columns
        for (String header : List.of("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)",
                "\"Sepal.Length\",\"Sepal.Width\",\"Petal.Length\",\"Petal.Width\"")) {
            Files.writeString(in, header + "\n5.1,3.5,1.4,0.2\n");
            CliTest.Result named = CliTest.run("predict", model.toString(), in.toString());
            assertThat(named.code()).as(header + ": " + named.err()).isZero();
        }
        Files.writeString(in, "petal length (cm),petal width (cm),sepal length (cm),sepal width (cm)\n1.4,0.2,5.1,3.5\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv line 1",
                "column 1 is 'petal length (cm)' where the model has 'sepal_length'");

        // the model copied alone, without its class names: the set is known by name alone (a CSV file
        // iris.csv of other columns has it too), so only the set's own columns in another order are refused
        Files.delete(dir.resolve("iris.model.classes"));
        Files.writeString(in, "petal_length,petal_width,sepal_length,sepal_width\n1.4,0.2,5.1,3.5\n");
        assertFails(CliTest.run("predict", model.toString(), in.toString()), ExitCode.DATA, "in.csv line 1",
                "column 1 is 'petal_length' where the model has 'sepal_length'");
        Files.writeString(in, "a,b,c,d\n1.4,0.2,5.1,3.5\n");
        CliTest.Result other = CliTest.run("predict", model.toString(), in.toString());
        assertThat(other.code()).as(other.err()).isZero();
    }

    @Test
    void storages(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        assertFails(CliTest.run("studies", "--storage", "postgresql://postgres@127.0.0.1:1/test"), ExitCode.STORAGE,
                "127.0.0.1:1");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to report a server that does not answer").isLessThan(20);
        assertFails(CliTest.run("studies", "--storage", "sqlite:" + dir.resolve("no/such/dir/x.db")), ExitCode.STORAGE,
                "no/such/dir");
        Path notDb = dir.resolve("text.db");
        Files.writeString(notDb, "this is not an SQLite database, just some text that is long enough to matter\n".repeat(20));
        assertFails(CliTest.run("studies", "--storage", "sqlite:" + notDb), ExitCode.STORAGE, "text.db");
        // an existing database without the study (reading commands never create one: ExitCodesAndLeftoversTest)
        org.nntune.storage.Storages.open("sqlite:" + dir.resolve("ok.db")).close();
        assertFails(CliTest.run("best", "nothing", "--storage", "sqlite:" + dir.resolve("ok.db")), ExitCode.STORAGE,
                "no study named 'nothing'");
        assertFails(CliTest.run("report", "nothing", "--storage", "sqlite:" + dir.resolve("ok.db"), "-o",
                dir.resolve("r.html").toString()), ExitCode.STORAGE, "no study named 'nothing'");
        assertFails(CliTest.run("delete", "nothing", "--storage", "sqlite:" + dir.resolve("ok.db")), ExitCode.STORAGE,
                "no study named 'nothing'");
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path dir) throws Exception {
        CliTest.Result r = tune(dir, CliTest.IRIS, "--storage", "bogus://nowhere", "--verbose");
        assertThat(r.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(r.err()).contains("bogus://nowhere").contains("\tat ");
    }

    @Test
    void helpAndVersion() {
        CliTest.Result version = CliTest.run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).containsPattern("\\d+\\.\\d+");
        CliTest.Result help = CliTest.run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: nntune", "tune", "worker", "copy", "Exit codes");
        for (String cmd : new String[] {"tune", "studies", "trials", "best", "predict", "report", "worker", "copy", "delete"}) {
            CliTest.Result h = CliTest.run(cmd, "--help");
            assertThat(h.code()).as(cmd).isZero();
            // every option's value has a name a person understands (no picocli default like <progress>)
            assertThat(h.out()).as(cmd).contains("Usage: nntune " + cmd).contains("--help").doesNotContain("=<");
            assertThat(h.err()).as(cmd).isEmpty();
            assertThat(CliTest.run("help", cmd).out()).as(cmd).isEqualTo(h.out());
        }
    }
}
