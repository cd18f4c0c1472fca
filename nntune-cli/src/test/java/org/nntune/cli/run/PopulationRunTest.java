package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
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
import org.nntune.tune.population.PopulationTraining;
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

/** The CLI's population-based training run: progress by round, the exported best member, a full artifact store. */
class PopulationRunTest {
    private static final Dataset DIGITS = Datasets.digits();
    private static final Split SPLIT = Splits.trainTest(DIGITS, 0.2, 3);

    private static NetworkPopulation objective() {
        MlpSpace space = MlpSpace.builder().fixedDefaults().set("hidden", List.of(32)).set("preprocessing", "standard")
                .logRange("lr", 1e-3, 3e-2).range("dropout", 0.0, 0.3).choices("batch_size", 32, 64).build();
        return new NetworkPopulation(space, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
    }

    @Test
    void aRunPrintsProgressByRoundAndExportsTheBestMember(@TempDir Path dir) throws Exception {
        NetworkPopulation net = objective();
        StringWriter text = new StringWriter();
        PbtOptions o = PbtOptions.defaults(4, 1, 3).withSeed(5);
        PopulationTraining pbt = PopulationTraining.createOrLoad(new InMemoryStorage(), "digits-pbt", net.direction(),
                net.tuneSpace(), o);
        PopulationHistory h = PopulationRun.run(pbt, net, 2, new PrintWriter(text, true));
        PopulationRun.export(pbt, net, h, dir.resolve("best.model"), dir.resolve("best-schedule.json"));
        String out = text.toString();
        assertThat(out).contains("population-based training: 4 members, 3 rounds of 1 epoch, synchronous rounds")
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
    void theRoundsArePrintedAsTrainedWithAShorterLastRound() {
        assertThat(PopulationRun.roundsWords(PbtOptions.defaults(4, 4, 12))).isEqualTo("3 rounds of 4 epochs");
        assertThat(PopulationRun.roundsWords(PbtOptions.defaults(4, 1, 3))).isEqualTo("3 rounds of 1 epoch");
        assertThat(PopulationRun.roundsWords(PbtOptions.defaults(4, 6, 6))).isEqualTo("1 round of 6 epochs");
        assertThat(PopulationRun.roundsWords(PbtOptions.defaults(4, 4, 6))).isEqualTo("2 rounds: 4 epochs, then 2");
        assertThat(PopulationRun.roundsWords(PbtOptions.defaults(4, 4, 13))).isEqualTo("4 rounds: 3 of 4 epochs, then 1");
    }

    @Test
    void aFullArtifactStoreIsAStorageExitWithTheFinishedRoundsKept() {
        NetworkPopulation net = objective();
        InMemoryStorage storage = new InMemoryStorage(Clock.systemUTC(), new InMemoryArtifactStore(30_000));
        PbtOptions o = PbtOptions.defaults(2, 1, 3).withSeed(5);
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "full", net.direction(), net.tuneSpace(), o);
        assertThatThrownBy(() -> PopulationRun.run(pbt, net, 1, new PrintWriter(new StringWriter())))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORAGE))
                .hasMessageContaining("is full");
        assertThat(storage.getAllTrials(storage.getStudyId("full"))).isNotEmpty();
    }
}
