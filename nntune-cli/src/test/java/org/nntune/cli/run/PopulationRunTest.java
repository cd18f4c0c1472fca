package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.CliException;
import org.nntune.cli.ExitCode;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.model.Sequential;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkPopulation;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.InMemoryArtifactStore;
import org.nntune.tune.storage.InMemoryStorage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CLI's population-based training run: settings from a sampler section, progress by round, the exported best member. */
class PopulationRunTest {
    private static final Dataset DIGITS = Datasets.digits();
    private static final Split SPLIT = Splits.trainTest(DIGITS, 0.2, 3);

    private static NetworkPopulation objective() {
        MlpSpace space = MlpSpace.builder().fixedDefaults().set("hidden", List.of(32)).set("preprocessing", "standard")
                .logRange("lr", 1e-3, 3e-2).range("dropout", 0.0, 0.3).choices("batch_size", 32, 64).build();
        return new NetworkPopulation(space, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
    }

    @Test
    void settingsComeFromTheSamplerSectionWithRayTunesDefaults() {
        PbtOptions o = PopulationRun.settings(Map.of("population", 6L, "interval", 2L), 10, 7);
        assertThat(o.population()).isEqualTo(6);
        assertThat(o.rounds()).isEqualTo(5);
        assertThat(o.quantile()).isEqualTo(0.25);
        assertThat(o.resampleProbability()).isEqualTo(0.25);
        assertThat(o.downFactor()).isEqualTo(0.8);
        assertThat(o.upFactor()).isEqualTo(1.2);
        assertThat(o.synchronous()).isTrue();
        assertThat(o.seed()).isEqualTo(7);
        PbtOptions all = PopulationRun.settings(Map.of("population", 4L, "interval", 1L, "quantile", 0.5,
                "resample_probability", 0.0, "factors", List.of(0.5, 2L), "synchronous", false, "max_attempts", 5L), 3, 0);
        assertThat(all.quantile()).isEqualTo(0.5);
        assertThat(all.downFactor()).isEqualTo(0.5);
        assertThat(all.upFactor()).isEqualTo(2.0);
        assertThat(all.synchronous()).isFalse();
        assertThat(all.maxAttempts()).isEqualTo(5);

        assertThatThrownBy(() -> PopulationRun.settings(Map.of("population", 1L), 4, 0)).hasMessageContaining("population 1");
        assertThatThrownBy(() -> PopulationRun.settings(Map.of("interval", 9L), 4, 0))
                .hasMessageContaining("interval 9 is larger than the 4 epochs");
        assertThatThrownBy(() -> PopulationRun.settings(Map.of("quantile", 0.7), 4, 0)).hasMessageContaining("(0, 0.5]");
        assertThatThrownBy(() -> PopulationRun.settings(Map.of("factors", List.of(0.8)), 4, 0))
                .hasMessageContaining("factors: expected two numbers");
        assertThatThrownBy(() -> PopulationRun.settings(Map.of("synchronous", "yes"), 4, 0))
                .hasMessageContaining("synchronous: expected true or false");
        assertThatThrownBy(() -> PopulationRun.settings(Map.of("population", 2.5), 4, 0))
                .hasMessageContaining("population: expected a whole number");
    }

    @Test
    void aSectionIsCheckedAgainstTheNetworkSpace() {
        MlpSpace ok = MlpSpace.builder().fixedDefaults().logRange("lr", 1e-3, 1e-1).epochs(6).build();
        assertThat(PopulationRun.checked(Map.of("population", 4L, "interval", 2L), ok, 1).rounds()).isEqualTo(3);
        assertThatThrownBy(() -> PopulationRun.checked(Map.of("interval", 7L), ok, 1)).hasMessageContaining("larger than the 6");
        MlpSpace units = MlpSpace.builder().fixedDefaults().logRange("lr", 1e-3, 1e-1).choices("units", 16, 32).build();
        assertThatThrownBy(() -> PopulationRun.checked(Map.of(), units, 1)).hasMessageContaining("cannot explore 'units'");
        MlpSpace fixed = MlpSpace.builder().fixedDefaults().build();
        assertThatThrownBy(() -> PopulationRun.checked(Map.of(), fixed, 1)).hasMessageContaining("nothing to explore");
    }

    @Test
    void aRunPrintsProgressByRoundAndExportsTheBestMember(@TempDir Path dir) throws Exception {
        NetworkPopulation net = objective();
        StringWriter text = new StringWriter();
        PbtOptions o = PopulationRun.settings(Map.of("population", 4L, "interval", 1L), 3, 5);
        InMemoryStorage storage = new InMemoryStorage();
        PopulationHistory h = PopulationRun.run(storage, "digits-pbt", net, o, 2, dir, new PrintWriter(text, true));
        String out = text.toString();
        assertThat(out).contains("population-based training: 4 members, 3 rounds of 1 epoch(s), synchronous rounds")
                .contains("round 1/3: 4/4 members done").contains("round 3/3: 4/4 members done").contains("best: member");
        MemberRound best = h.best().orElseThrow();
        Sequential model = Sequential.load(dir.resolve("best.model"));
        assertThat(model.evaluate(SPLIT.test(DIGITS)).accuracy()).isEqualTo(best.value());
        @SuppressWarnings("unchecked")
        Map<String, Object> schedule = (Map<String, Object>) Json.decode(Files.readString(dir.resolve("best-schedule.json")));
        assertThat(schedule.get("member")).isEqualTo((long) best.member());
        List<?> steps = (List<?>) schedule.get("schedule");
        assertThat(steps.stream().mapToLong(s -> (Long) ((Map<?, ?>) s).get("epochs")).sum()).isEqualTo(3);
        // replaying the exported schedule gives the exported network's score
        assertThat(net.replay(h.schedule(best.member(), o), (Long) schedule.get("replay_seed")).score()).isEqualTo(best.value());
    }

    @Test
    void aFullArtifactStoreIsAStorageExitWithTheFinishedRoundsKept(@TempDir Path dir) {
        NetworkPopulation net = objective();
        InMemoryStorage storage = new InMemoryStorage(Clock.systemUTC(), new InMemoryArtifactStore(30_000));
        PbtOptions o = PopulationRun.settings(Map.of("population", 2L, "interval", 1L), 3, 5);
        assertThatThrownBy(() -> PopulationRun.run(storage, "full", net, o, 1, dir, new PrintWriter(new StringWriter())))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORAGE))
                .hasMessageContaining("is full");
        assertThat(storage.getAllTrials(storage.getStudyId("full"))).isNotEmpty();
        assertThat(dir.resolve("best.model")).doesNotExist();
    }
}
