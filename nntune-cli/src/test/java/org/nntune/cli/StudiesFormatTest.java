package org.nntune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code studies --format csv|json}: every study with its counts and best trial, for scripts. */
class StudiesFormatTest {

    @Test
    void csvAndJsonListEveryStudyWithWhatTheTableShows(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("s.db");
        String url = "optuna+sqlite:///" + db;
        try (Storage storage = Storages.open(url)) {
            Study one = Study.builder("one, with a comma").storage(storage).sampler(new RandomSampler(1)).create();
            one.optimize(t -> {
                double x = t.suggestFloat("x", 0, 1);
                if (t.number() == 1) {
                    throw new TrialPrunedException();
                }
                return t.number() == 2 ? -1.0 : x;
            }, 4);
            one.enqueueTrial(Map.of("x", 0.5));
            Study two = Study.builder("two").storage(storage).directions(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)
                    .sampler(new RandomSampler(2)).create();
            for (int i = 0; i < 2; i++) {
                org.nntune.tune.study.Trial t = two.ask();
                two.tell(t, t.suggestFloat("x", 0, 1), 1.0);
            }
            Study copy = Study.builder("copy").storage(storage).sampler(new RandomSampler(3)).create();
            copy.optimize(t -> t.suggestFloat("x", 0, 1), 1);
            storage.setStudySystemAttr(storage.getStudyId("copy"), SystemAttrs.COPY_IN_PROGRESS, Map.of("trials", 5, "started", "2025-01-01T00:00:00Z"));
            Study alien = Study.builder("alien").storage(storage).sampler(new RandomSampler(4)).create();
            alien.optimize(t -> t.suggestFloat("u", 0, 1), 1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE trial_params SET distribution_json = '{\"name\": \"BetaDistribution\", \"attributes\": {}}'"
                    + " WHERE param_name = 'u'");
        }

        CliTest.Result json = CliTest.run("studies", "--storage", url, "--format", "json");
        assertThat(json.code()).as(json.err()).isEqualTo(ExitCode.STORAGE); // one study cannot be read, as in the table
        assertThat(json.err()).contains("cannot read study 'alien'").contains("BetaDistribution");
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list).hasSize(4);
        JsonNode one = list.get(0);
        assertThat(one.get("study").asText()).isEqualTo("one, with a comma");
        assertThat(one.get("directions").toString()).isEqualTo("[\"minimize\"]");
        assertThat(one.get("trials").asInt()).isEqualTo(5);
        assertThat(List.of(one.get("complete").asInt(), one.get("pruned").asInt(), one.get("fail").asInt(),
                one.get("running").asInt(), one.get("waiting").asInt())).containsExactly(3, 1, 0, 0, 1);
        assertThat(one.get("best").get("trial").asInt()).isEqualTo(2);
        assertThat(one.get("best").get("value").asDouble()).isEqualTo(-1.0);
        assertThat(one.has("incomplete_copy")).isFalse();
        JsonNode two = list.get(1);
        assertThat(two.get("directions").toString()).isEqualTo("[\"minimize\",\"maximize\"]");
        assertThat(two.get("best").isNull()).isTrue(); // several objectives: no single best
        JsonNode copy = list.get(2);
        assertThat(copy.get("incomplete_copy").toString()).isEqualTo("{\"arrived\":1,\"expected\":5}");
        assertThat(copy.get("best").isNull()).isTrue();
        JsonNode alien = list.get(3);
        assertThat(alien.get("study").asText()).isEqualTo("alien");
        assertThat(alien.get("error").asText()).contains("BetaDistribution");
        assertThat(alien.has("trials")).isFalse();

        CliTest.Result csv = CliTest.run("studies", "--storage", url, "--format", "csv");
        assertThat(csv.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(csv.out().split("\r\n")).containsExactly(
                "study,directions,trials,complete,pruned,failed,running,waiting,best_trial,best_value,note",
                "\"one, with a comma\",minimize,5,3,1,0,0,1,2,-1,",
                "two,minimize maximize,2,2,0,0,0,0,,,",
                "copy,minimize,1,1,0,0,0,0,,,\"INCOMPLETE COPY (1 of 5 trials arrived): copy it again, or delete it\"",
                csv.out().split("\r\n")[4]);
        assertThat(csv.out().split("\r\n")[4]).startsWith("alien,,,,,,,,,,\"cannot be read: ").contains("BetaDistribution");

        // no studies: an empty list for a script, the sentence for a person
        String empty = "sqlite:///" + dir.resolve("empty.db");
        try (Storage storage = Storages.open(empty)) {
            assertThat(storage.getAllStudies()).isEmpty();
        }
        assertThat(CliTest.run("studies", "--storage", empty, "--format", "json").out().trim()).isEqualTo("[ ]");
        assertThat(CliTest.run("studies", "--storage", empty).out()).contains("no studies in");
        assertThat(CliTest.run("studies", "--storage", empty, "--format", "yaml").code()).isEqualTo(ExitCode.USAGE);
    }
}
