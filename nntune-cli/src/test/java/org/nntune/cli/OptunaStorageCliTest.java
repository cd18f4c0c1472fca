package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;

import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.JsonNull;
import org.nntune.tune.study.Study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI on Optuna's tables: {@code tune} with an {@code optuna+} storage URL, and {@code copy} from
 * Optuna's schema to nntune's and back, every trial kept.
 */
class OptunaStorageCliTest {
    @TempDir
    Path dir;

    @Test
    void tunesIntoOptunasTablesAndCopiesBothWays() throws Exception {
        Path file = dir.resolve("iris.yaml");
        Files.writeString(file, CliTest.IRIS);
        String optuna = "optuna+sqlite:///" + dir.resolve("optuna.db");
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--storage", optuna, "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("3 trials:");

        String nntune = "sqlite:" + dir.resolve("nntune.db");
        CliTest.Result toNntune = CliTest.run("copy", "iris-test", "--from", optuna, "--to", nntune);
        assertThat(toNntune.code()).as(toNntune.err()).isZero();
        assertThat(toNntune.out()).contains("copied study 'iris-test' (3 trials)");
        String back = "optuna+sqlite:///" + dir.resolve("back.db");
        CliTest.Result toOptuna = CliTest.run("copy", "iris-test", "--from", nntune, "--to", back);
        assertThat(toOptuna.code()).as(toOptuna.err()).isZero();

        try (Storage original = Storages.open(optuna); Storage copy = Storages.open(back)) {
            List<FrozenTrial> a = original.getAllTrials(original.getStudyId("iris-test"));
            List<FrozenTrial> b = copy.getAllTrials(copy.getStudyId("iris-test"));
            assertThat(b).hasSameSizeAs(a).hasSize(3);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).number()).isEqualTo(a.get(i).number());
                assertThat(b.get(i).state()).isEqualTo(a.get(i).state());
                assertThat(b.get(i).values()).isEqualTo(a.get(i).values());
                assertThat(b.get(i).params()).isEqualTo(a.get(i).params());
                assertThat(b.get(i).distributions()).isEqualTo(a.get(i).distributions());
                assertThat(b.get(i).userAttrs()).isEqualTo(a.get(i).userAttrs());
                assertThat(b.get(i).intermediateValues()).isEqualTo(a.get(i).intermediateValues());
                assertThat(b.get(i).systemAttrs()).isEqualTo(a.get(i).systemAttrs());
                // the times the trial ran, through nntune's tables and back (Optuna's SQLite columns: microseconds)
                assertThat(b.get(i).datetimeStart()).isPresent().isEqualTo(a.get(i).datetimeStart());
                assertThat(b.get(i).datetimeComplete()).isPresent().isEqualTo(a.get(i).datetimeComplete());
            }
            assertThat(copy.getStudy(copy.getStudyId("iris-test")).systemAttrs())
                    .isEqualTo(original.getStudy(original.getStudyId("iris-test")).systemAttrs());
        }
        CliTest.Result trials = CliTest.run("trials", "iris-test", "--storage", back, "--format", "csv");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out().split("\r\n")).hasSize(1 + 3);
        // the copy's times are the trials' own: a duration beside a start and a completion that span it
        CliTest.Result json = CliTest.run("trials", "iris-test", "--storage", back, "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        for (var t : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out())) {
            java.time.Duration ran = java.time.Duration.between(java.time.Instant.parse(t.get("datetime_start").asText()),
                    java.time.Instant.parse(t.get("datetime_complete").asText()));
            assertThat(ran).isPositive();
            assertThat(t.get("duration_s").asDouble()).isCloseTo(ran.toNanos() / 1e9, org.assertj.core.data.Offset.offset(1e-6));
        }

        CliTest.Result bad = CliTest.run("studies", "--storage", "optuna+sqlite:///" + dir.resolve("x.db") + "?optuna_revision=v9");
        assertThat(bad.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(bad.err()).contains("optuna_revision=v9").contains("v3.0.0.d").contains("v3.2.0.a");
    }

    /**
     * A categorical whose choices hold None (Python's {@code suggest_categorical("c", ["a", None])}) is read by
     * every command; a study nntune cannot read is named in {@code studies} (exit code 4) while the others list.
     */
    @Test
    void aNoneChoiceIsShownAndOneUnreadableStudyDoesNotHideTheOthers() throws Exception {
        Path db = dir.resolve("pyo.db");
        String url = "optuna+sqlite:///" + db;
        try (Storage storage = Storages.open(url)) {
            Study none = Study.builder("py1").storage(storage).sampler(new RandomSampler(1)).create();
            none.enqueueTrial(Map.of("c", JsonNull.INSTANCE));
            none.enqueueTrial(Map.of("c", "a"));
            none.optimize(t -> t.suggestCategorical("c", Arrays.asList("a", JsonNull.INSTANCE)) == JsonNull.INSTANCE ? 0.0 : 1.0, 2);
            Study other = Study.builder("alien").storage(storage).sampler(new RandomSampler(2)).create();
            other.optimize(t -> t.suggestFloat("u", 0, 1), 1);
            Study plain = Study.builder("plain").storage(storage).sampler(new RandomSampler(3)).create();
            plain.optimize(t -> t.suggestFloat("x", 0, 1), 2);
            Study unset = Study.builder("unset").storage(storage).sampler(new RandomSampler(4)).create();
            unset.optimize(t -> t.suggestFloat("x", 0, 1), 1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            // a distribution no Optuna nntune knows writes
            st.executeUpdate("UPDATE trial_params SET distribution_json = '{\"name\": \"BetaDistribution\", \"attributes\": {}}'"
                    + " WHERE param_name = 'u'");
            // a study Optuna created and never set up: its direction is NOT_SET
            st.executeUpdate("UPDATE study_directions SET direction = 'NOT_SET'"
                    + " WHERE study_id = (SELECT study_id FROM studies WHERE study_name = 'unset')");
        }
        CliTest.Result studies = CliTest.run("studies", "--storage", url);
        assertThat(studies.code()).as(studies.err()).isEqualTo(ExitCode.STORAGE);
        assertThat(studies.out()).containsPattern("py1 +\\[minimize\\] +2 .*0\\.0+ \\(trial 0\\)")
                .containsPattern("alien +\\(cannot be read").containsPattern("plain +\\[minimize\\] +2 ")
                .containsPattern("unset +\\(cannot be read");
        assertThat(studies.err()).contains("study 'alien'").contains("parameter 'u'").contains("BetaDistribution")
                .contains("cannot read study 'unset': study 'unset' has an objective whose direction is NOT_SET")
                .doesNotContain("py1").doesNotContain("plain");
        CliTest.Result unsetTrials = CliTest.run("trials", "unset", "--storage", url);
        assertThat(unsetTrials.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(unsetTrials.err()).contains("NOT_SET").doesNotContain("\tat ");

        CliTest.Result csv = CliTest.run("trials", "py1", "--storage", url, "--format", "csv");
        assertThat(csv.code()).as(csv.err()).isZero();
        assertThat(csv.out()).contains("0,COMPLETE,0,").contains(",null,").contains("1,COMPLETE,1,");
        CliTest.Result json = CliTest.run("trials", "py1", "--storage", url, "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out().replaceAll("\\s", "")).contains("\"params\":{\"c\":null}").contains("\"params\":{\"c\":\"a\"}");
        CliTest.Result best = CliTest.run("best", "py1", "--storage", url);
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("c=null");

        String copy = "optuna+sqlite:///" + dir.resolve("copy.db");
        CliTest.Result copied = CliTest.run("copy", "py1", "--from", url, "--to", copy);
        assertThat(copied.code()).as(copied.err()).isZero();
        try (Storage storage = Storages.open(copy)) {
            FrozenTrial first = storage.getAllTrials(storage.getStudyId("py1")).get(0);
            assertThat(first.params()).isEqualTo(Map.of("c", JsonNull.INSTANCE));
            assertThat(first.distributions().get("c").toJson()).contains("[\"a\",null]");
        }
        CliTest.Result trials = CliTest.run("trials", "alien", "--storage", url);
        assertThat(trials.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(trials.err()).contains("study 'alien', trial 0: parameter 'u'");
    }
}
