package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the CLI in-process, reading what it wrote to its own out and err writers. */
class CliTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static final String IRIS = """
            study: iris-test
            seed: 3
            data:
              bundled: iris
            metric: accuracy
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: 1
                units: {low: 8, high: 32, log: true}
                activation: [relu, tanh]
                optimizer: adam
                lr: {low: 1.0e-2, high: 5.0e-2, log: true}
                batch_size: 16
                epochs: 40
            sampler: {type: tpe, startup_trials: 2}
            pruner: {type: median, startup_trials: 2, warmup_steps: 10}
            budget: {trials: 3}
            """;

    @Test
    void onlyTheCommandNamedFirstIsBuiltAndTheHelpStillListsThemAll() {
        // picocli reads every option of every command it is given: a command named first is built alone (a quicker start)
        List<String> all = Main.COMMANDS.stream().map(c -> c.getAnnotation(picocli.CommandLine.Command.class).name()).toList();
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(all);
        assertThat(Main.commandLine("tune", "x.yaml").getSubcommands().keySet()).containsExactly("tune");
        assertThat(Main.commandLine("worker", "--help").getSubcommands().keySet()).containsExactly("worker");
        assertThat(Main.commandLine("--verbose", "tune").getSubcommands().keySet()).containsExactlyElementsOf(all);
        assertThat(Main.commandLine("help", "tune").getSubcommands().keySet()).containsExactlyElementsOf(all);
        Result help = run("--help");
        assertThat(help.code()).isZero();
        all.forEach(name -> assertThat(help.out()).containsPattern("(?m)^  " + name + " "));
        Result mistyped = run("tunee", "x.yaml");
        assertThat(mistyped.code()).isEqualTo(ExitCode.USAGE);
        assertThat(mistyped.err()).contains("tunee").contains("tune");
        Result commandHelp = run("tune", "--help");
        assertThat(commandHelp.code()).isZero();
        assertThat(commandHelp.out()).startsWith("Usage: nntune tune ").contains("--verbose");
    }

    @Test
    void irisEndToEndThenResumed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("iris.yaml");
        Files.writeString(file, IRIS);
        Result r = run("tune", file.toString(), "--progress", "plain");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 trials:").contains("best params:").contains("test accuracy:");
        assertThat(r.out()).contains("parameter importance (fANOVA, ");
        assertThat(dir.resolve("iris.db")).exists();
        Path results = dir.resolve("iris-results");
        assertThat(results.resolve("best.model")).isNotEmptyFile();
        // the class names predict reads beside the model are written, and listed
        assertThat(r.out()).contains("  class names  " + results.resolve("best.model.classes"));
        assertThat(Files.readString(results.resolve("best-params.json"))).contains("\"study\" : \"iris-test\"");
        assertThat(Files.readAllLines(results.resolve("trials.csv"))).hasSize(1 + 3);
        assertThat(Files.readString(results.resolve("report.html"))).contains("<svg").doesNotContain("http://cdn", "https://cdn");

        Result again = run("tune", file.toString(), "--trials", "4", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 3 finished trials of 4").contains("4 trials:");

        Result trials = run("trials", file.toString(), "--format", "csv");
        assertThat(trials.code()).isZero();
        assertThat(trials.out().split("\r\n")).hasSize(1 + 4);
        Result json = run("trials", "iris-test", "--storage", "sqlite:" + dir.resolve("iris.db"), "--format", "json");
        assertThat(json.out()).contains("\"number\" : 3");
        Result studies = run("studies", "--storage", "sqlite:" + dir.resolve("iris.db"));
        assertThat(studies.out()).contains("iris-test");

        Path params = dir.resolve("p.json");
        Path model = dir.resolve("m.model");
        Result best = run("best", file.toString(), "--export", params.toString(), "--model", model.toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("parameter importance (fANOVA, ");
        assertThat(params).isNotEmptyFile();
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        Result pred = run("predict", model.toString(), in.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        assertThat(pred.out().trim().split("\\R")).containsExactly("prediction", "setosa", "virginica");

        Path report = dir.resolve("r.html");
        assertThat(run("report", file.toString(), "-o", report.toString()).code()).isZero();
        assertThat(report).isNotEmptyFile();
        Result del = run("delete", file.toString(), "--yes");
        assertThat(del.out()).contains("deleted study 'iris-test' (4 trials)");
        assertThat(run("trials", file.toString()).code()).isEqualTo(ExitCode.STORAGE);
    }

    static Result tuneWith(Path dir, String yaml, String... extra) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, yaml);
        String[] args = new String[2 + extra.length];
        args[0] = "tune";
        args[1] = file.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return run(args);
    }

    @Test
    void studyFileMistakesAreExitCode2WithFileLineAndKey(@TempDir Path dir) throws Exception {
        Result syntax = tuneWith(dir, "study: x\ndata:\n  bundled: [iris\n");
        assertThat(syntax.code()).isEqualTo(ExitCode.USAGE);
        assertThat(syntax.err()).contains("s.yaml, line").contains("YAML syntax error").doesNotContain("\tat ");

        Result unknown = tuneWith(dir, IRIS.replace("pruner:", "prunr:"));
        assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("line 18").contains("unknown key 'prunr'").contains("did you mean 'pruner'?");

        Result param = tuneWith(dir, IRIS.replace("activation:", "activaton:"));
        assertThat(param.code()).isEqualTo(ExitCode.USAGE);
        assertThat(param.err()).contains("model.space.activaton").contains("did you mean 'activation'?");

        Result type = tuneWith(dir, IRIS.replace("budget: {trials: 3}", "budget: {trials: lots}"));
        assertThat(type.code()).isEqualTo(ExitCode.USAGE);
        assertThat(type.err()).contains("budget.trials").contains("expected a whole number but found 'lots'");

        Result inverted = tuneWith(dir, IRIS.replace("{low: 8, high: 32, log: true}", "{low: 32, high: 8}"));
        assertThat(inverted.code()).isEqualTo(ExitCode.USAGE);
        assertThat(inverted.err()).contains("line 11").contains("inverted");

        Result empty = tuneWith(dir, IRIS.replace("[relu, tanh]", "[]"));
        assertThat(empty.code()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.err()).contains("empty");

        Result badOption = tuneWith(dir, IRIS.replace("startup_trials: 2}", "startup_trails: 2}"));
        assertThat(badOption.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badOption.err()).contains("did you mean 'startup_trials'?");

        Result missingFile = run("tune", dir.resolve("nope.yaml").toString());
        assertThat(missingFile.code()).isEqualTo(ExitCode.USAGE);
        assertThat(missingFile.err()).contains("nope.yaml").contains("no such study file");
    }

    @Test
    void dataMistakesAreExitCode3(@TempDir Path dir) throws Exception {
        String csvStudy = IRIS.replace("bundled: iris", "csv: flowers.csv\n  label: species");
        // a CSV the study file names and that is not there is the study file's mistake, at its key (BadInputTest)
        Result missing = tuneWith(dir, csvStudy);
        assertThat(missing.code()).as(missing.err()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("key 'data.csv': file " + dir.resolve("flowers.csv") + " does not exist");

        Files.writeString(dir.resolve("flowers.csv"), "a,b,species\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n");
        // a label column the file lacks is the study file's typo, at its key (BadInputTest)
        Result column = tuneWith(dir, csvStudy.replace("label: species", "label: kind"));
        assertThat(column.code()).isEqualTo(ExitCode.USAGE);
        assertThat(column.err()).contains("key 'data.label': 'kind' is not a column of flowers.csv");

        Files.writeString(dir.resolve("flowers.csv"), "a,b,species\n1,2,x\n3,4\n5,6,x\n");
        Result bad = tuneWith(dir, csvStudy);
        assertThat(bad.code()).isEqualTo(ExitCode.DATA);
        assertThat(bad.err()).contains("flowers.csv").contains("line 3");

        Path notAModel = dir.resolve("x.model");
        Files.writeString(notAModel, "hello");
        Files.writeString(dir.resolve("in.csv"), "1,2,3,4\n");
        Result model = run("predict", notAModel.toString(), dir.resolve("in.csv").toString());
        assertThat(model.code()).isEqualTo(ExitCode.DATA);
        assertThat(model.err()).contains("x.model").contains("not a readable nntune model");
    }

    @Test
    void storageThatCannotBeOpenedIsExitCode4(@TempDir Path dir) throws Exception {
        Result bogus = tuneWith(dir, IRIS, "--storage", "bogus://nowhere");
        assertThat(bogus.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(bogus.err()).contains("bogus://nowhere");
        Result noStorage = run("studies");
        if (System.getenv("NNTUNE_STORAGE") == null) {
            assertThat(noStorage.code()).isEqualTo(ExitCode.USAGE);
            assertThat(noStorage.err()).contains("--storage");
        }
    }

    @Test
    void usageErrorsAndHelp() {
        Result unknown = run("tune", "x.yaml", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("--frobnicate");
        Result help = run("tune", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--trials").contains("--storage");
        for (String cmd : new String[] {"studies", "trials", "best", "predict", "export", "report", "worker", "copy", "delete"}) {
            assertThat(run(cmd, "--help").out()).as(cmd).contains("Usage: nntune " + cmd);
        }
        assertThat(run().code()).isEqualTo(ExitCode.USAGE);
    }
}
