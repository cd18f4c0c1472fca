package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a mistake on the command line or in a study file looks like on the terminal. */
class UsageErrorTest {

    @Test
    void aBadOptionIsOneLineAndWhereToReadMoreNotTheWholeHelp(@TempDir Path dir) throws Exception {
        for (String[] bad : List.of(new String[] {"--trials", "abc"}, new String[] {"--jobs", "0"}, new String[] {"--no-such-option"})) {
            CliTest.Result r = CliTest.tuneWith(dir, CliTest.IRIS, bad);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(String.join(" ", bad)).doesNotContain("Usage:").contains("see nntune tune --help").startsWith("nntune: ");
            assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(3);
        }
        assertThat(CliTest.tuneWith(dir, CliTest.IRIS, "--trials", "abc").err()).contains("--trials", "abc");
    }

    @Test
    void aMissingStudyFileHasNoLine(@TempDir Path dir) {
        CliTest.Result r = CliTest.run("tune", dir.resolve("nosuch.yaml").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("nosuch.yaml: no such study file").doesNotContain("line 1");
    }

    @Test
    void everyMistakeOfAStudyFileIsALineOfItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo1.yaml");
        // the tester's file (AllMistakesTest has each line)
        Files.writeString(file, """
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
                """);
        for (String[] args : List.of(new String[] {"tune", file.toString(), "--dry-run"}, new String[] {"tune", file.toString()})) {
            CliTest.Result r = CliTest.run(args);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.USAGE);
            List<String> lines = r.err().lines().toList();
            assertThat(lines).hasSize(10).allSatisfy(l -> assertThat(l).startsWith("nntune: " + file + ", line "));
            assertThat(lines.get(0)).contains("line 5, key 'data.lable'");
            assertThat(lines.get(9)).contains("line 18, key 'pruner'");
        }
    }

    @Test
    void aRegressionOfAWordLabelHintsAtTheTask(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("flowers.csv"), "a,b,species\n" + "1,2,setosa\n2,3,virginica\n".repeat(10));
        CliTest.Result r = CliTest.tuneWith(dir, "task: regression\ndata: {csv: flowers.csv, label: species}\n", "--dry-run");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("expected a number").contains("if 'species' holds classes, set task: classification");
    }
}
