package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Study files with two objectives (a metric and parameter_count), searched by TPE. */
class TwoObjectivesTest {

    static final String SIZE = """
            study: size-tpe
            seed: 5
            data:
              bundled: iris
            metric: [accuracy, parameter_count]
            direction: [maximize, minimize]
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: {low: 1, high: 2}
                units: {low: 2, high: 64, log: true}
                activation: [relu, tanh]
                optimizer: adam
                lr: 0.03
                batch_size: 16
                epochs: 15
            sampler: {type: tpe, startup_trials: 3}
            budget: {trials: 8}
            """;

    @Test
    void tpeWithTwoObjectivesRunsEndToEndAndWritesItsParetoFront(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.tuneWith(dir, SIZE, "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("maximize accuracy and minimize parameter_count")
                .contains("8 trials: 8 complete, 0 failed; Pareto front of")
                .contains("[maximize accuracy, minimize parameter_count]");
        Path results = dir.resolve("s-results");
        List<String> front = Files.readAllLines(results.resolve("pareto-front.csv"));
        List<String> all = Files.readAllLines(results.resolve("trials.csv"));
        assertThat(all).hasSize(1 + 8);
        assertThat(front.size()).isBetween(2, 1 + 8);
        // every front trial is a trial of the study with the same values, and no trial of the study dominates it
        List<String> header = List.of(all.get(0).split(","));
        assertThat(List.of(front.get(0).split(","))).startsWith("number", "state", "value_0", "value_1");
        assertThat(header).startsWith("number", "state", "value_0", "value_1");
        List<String> studyValues = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (String row : all.subList(1, all.size())) {
            String[] c = row.split(",");
            studyValues.add(c[0] + "," + c[2] + "," + c[3]);
            points.add(new double[] {Double.parseDouble(c[2]), Double.parseDouble(c[3])});
        }
        for (String row : front.subList(1, front.size())) {
            String[] c = row.split(",");
            assertThat(studyValues).contains(c[0] + "," + c[2] + "," + c[3]);
            double a = Double.parseDouble(c[2]);
            double s = Double.parseDouble(c[3]);
            for (double[] p : points) {
                boolean dominates = p[0] >= a && p[1] <= s && (p[0] > a || p[1] < s);
                assertThat(dominates).as("%s dominates front row %s", List.of(p[0], p[1]), row).isFalse();
            }
        }
        // the report calls the objectives by the metrics tune prints (from the scoring the run records)
        assertThat(Files.readString(results.resolve("report.html"))).contains("Pareto front")
                .contains("maximize accuracy, minimize parameter_count", "accuracy (maximize)", "Optimisation history of parameter_count")
                .doesNotContain("objective 0", "objective 1");

        CliTest.Result again = CliTest.tuneWith(dir, SIZE, "--trials", "10", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("resuming: the study already has 8 finished trials of 10").contains("10 trials:");

        // no one best trial: best says how to take one of the front's, and --trial takes it
        String file = dir.resolve("s.yaml").toString();
        CliTest.Result best = CliTest.run("best", file);
        assertThat(best.code()).isEqualTo(ExitCode.USAGE);
        assertThat(best.err()).contains("Pareto front").contains("--trial N");
        String frontTrial = front.get(1).split(",")[0];
        CliTest.Result picked = CliTest.run("best", file, "--trial", frontTrial, "--export", dir.resolve("p.json").toString(),
                "--model", dir.resolve("p.model").toString());
        assertThat(picked.code()).as(picked.err()).isZero();
        assertThat(picked.out()).contains("trial " + frontTrial + ": values [").contains("refitted trial " + frontTrial);
        assertThat(Files.readString(dir.resolve("p.json"))).contains("\"trial\" : " + frontTrial).contains("\"values\" : [");
        assertThat(dir.resolve("p.model")).isNotEmptyFile();
        CliTest.Result predicted = CliTest.run("predict", dir.resolve("p.model").toString(), Path.of("..", "examples", "new-flowers.csv").toString());
        assertThat(predicted.code()).as(predicted.err()).isZero();
        CliTest.Result none = CliTest.run("best", file, "--trial", "99");
        assertThat(none.code()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("has no trial 99");
    }

    @Test
    void mistakesWithTwoObjectivesAreClear(@TempDir Path dir) throws Exception {
        assertFails(CliTest.tuneWith(dir, SIZE.replace("budget:", "pruner: {type: median}\nbudget:")), ExitCode.USAGE,
                "s.yaml, line", "pruning needs a single objective");
        assertFails(CliTest.tuneWith(dir, SIZE.replace("{type: tpe, startup_trials: 3}", "gp")), ExitCode.USAGE,
                "s.yaml", "sampler", "gp", "one objective", "nsga2, tpe");
        assertFails(CliTest.tuneWith(dir, SIZE.replace("{type: tpe, startup_trials: 3}", "cmaes")), ExitCode.USAGE,
                "s.yaml", "sampler", "cmaes", "one objective", "nsga2, tpe");
        assertFails(CliTest.tuneWith(dir, SIZE.replace("[accuracy, parameter_count]", "[accuracy, log_loss]")
                .replace("[maximize, minimize]", "[maximize, minimize]")), ExitCode.USAGE, "at most one validated metric");
        assertFails(CliTest.tuneWith(dir, SIZE.replace("direction: [maximize, minimize]", "direction: [maximize]")),
                ExitCode.USAGE, "s.yaml", "direction");
    }

    private static void assertFails(CliTest.Result r, int code, String... fragments) {
        assertThat(r.code()).as("exit code; out: %s err: %s", r.out(), r.err()).isEqualTo(code);
        assertThat(r.err()).contains(fragments).doesNotContain("\tat ");
    }
}
