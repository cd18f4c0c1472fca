package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** class_weight in a study file: searched like any word-valued hyperparameter; refused for a regression before trial 0. */
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
        assertThat(bad.err()).contains("class_weight", "balance", "balanced");

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
                  space: {units: 8, epochs: 2, class_weight: balanced}
                budget: {trials: 1}
                """);
        CliTest.Result regression = CliTest.run("tune", reg.toString(), "--dry-run");
        assertThat(regression.code()).as(regression.out() + regression.err()).isEqualTo(2);
        assertThat(regression.err()).contains("class_weight", "regression");
    }
}
