package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.tune.population.LineageEvent;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Population-based training of real networks: exact exploit, PBT replay, the checkpoint format. */
class NetworkPopulationTest {
    private static final Dataset DIGITS = Datasets.digits();
    private static final Split SPLIT = Splits.trainTest(DIGITS, 0.25, 1);

    private static MlpSpace space() {
        return MlpSpace.builder().fixedDefaults().set("hidden", List.of(24)).set("preprocessing", "pixels")
                .logRange("lr", 1e-4, 3e-2).range("dropout", 0.0, 0.5).choices("batch_size", 16, 32, 64)
                .logRange("l2", 1e-6, 1e-2).build();
    }

    private static NetworkPopulation objective() {
        return new NetworkPopulation(space(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
    }

    @Test
    void exploitCopiesTheNetworkExactlyAndReplayRetracesTheBestMember() throws Exception {
        NetworkPopulation net = objective();
        assertThat(net.tuneSpace()).containsOnlyKeys("lr", "dropout", "batch_size", "l2");
        assertThat(net.direction()).isEqualTo(StudyDirection.MAXIMIZE);
        Storage storage = new InMemoryStorage();
        PbtOptions o = PbtOptions.defaults(4, 1, 4).withSeed(2)
                .withTiming(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(5));
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "digits-pbt", net.direction(), net.tuneSpace(), o);
        Map<String, byte[]> checkpoints = new ConcurrentHashMap<>();
        pbt.addListener((t, done, h) -> checkpoints.put(done.checkpoint(), t.checkpoint(done)));
        PopulationHistory h = pbt.run(net);

        List<LineageEvent> lineage = h.lineage();
        assertThat(lineage).hasSize(3); // one bottom member per round after the first
        List<FrozenTrial> trials = storage.getAllTrials(pbt.studyId());
        for (LineageEvent ev : lineage) {
            MemberRound donorBefore = h.rounds().get(ev.round() - 1).get(ev.donor());
            MemberRound donorNext = h.rounds().get(ev.round()).get(ev.donor());
            MemberRound copied = h.rounds().get(ev.round()).get(ev.member());
            byte[] bytes = checkpoints.get(donorBefore.checkpoint());
            int epoch = o.firstEpoch(ev.round());
            // with the donor's hyperparameters the copied network takes exactly the donor's next step ...
            try (PopulationObjective.Member m = net.member(donorNext.params(), Optional.of(bytes), 99)) {
                assertThat(m.trainEpoch(epoch)).isEqualTo(trials.get(donorNext.trialNumber()).intermediateValues().get(epoch));
            }
            // ... and with its explored ones it took the step the copied member recorded
            try (PopulationObjective.Member m = net.member(copied.params(), Optional.of(bytes), 99)) {
                assertThat(m.trainEpoch(epoch)).isEqualTo(copied.value());
            }
        }

        MemberRound best = h.best().orElseThrow();
        NetworkPopulation.Replay replay = net.replay(h.schedule(best.member(), o), h.replaySeed(best.member(), o));
        assertThat(replay.score()).isEqualTo(best.value());
        NetworkCheckpoint kept = NetworkCheckpoint.fromBytes(pbt.checkpoint(best));
        List<float[]> expected = kept.weights().values();
        List<float[]> actual = replay.model().weights().values();
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).containsExactly(expected.get(i));
        }
        assertThat(kept.epoch()).isEqualTo(4);
        // the network a checkpoint holds, ready to predict, scores what the member scored
        assertThat(net.network(best.params(), pbt.checkpoint(best)).evaluate(SPLIT.test(DIGITS)).accuracy())
                .isEqualTo(best.value());
        assertThat(best.value()).isGreaterThan(0.8);
    }

    @Test
    void architectureParametersCannotBeExplored() {
        MlpSpace searchesUnits = MlpSpace.builder().fixedDefaults().intRange("units", 8, 64).logRange("lr", 1e-4, 1e-1)
                .build();
        assertThatThrownBy(() -> new NetworkPopulation(searchesUnits, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot explore 'units'")
                .hasMessageContaining("lr, l1, l2, dropout");
        // a training setting PBT keeps is refused as one, not as architecture
        MlpSpace searchesOptimizer = MlpSpace.builder().fixedDefaults().choices("optimizer", "sgd", "adam").build();
        assertThatThrownBy(() -> NetworkPopulation.tuneSpace(searchesOptimizer))
                .hasMessageContaining("cannot explore 'optimizer': it is a training setting that holds for a member's whole"
                        + " training").hasMessageNotContaining("architecture");
        MlpSpace stopsEarly = MlpSpace.builder().fixedDefaults().logRange("lr", 1e-4, 1e-1).earlyStopping(3).build();
        assertThatThrownBy(() -> new NetworkPopulation(stopsEarly, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "loss"))
                .hasMessageContaining("early_stopping must be 0");
    }

    /**
     * The space's fixed epochs and the PBT options' must agree: the options decide how long members
     * train, so a space of 6 epochs run with options of 10 trained 10 in silence. A space that never set
     * epochs (its family's default) leaves them to the options.
     */
    @Test
    void aSpaceThatFixesOtherEpochsThanTheOptionsIsRefusedBeforeTheFirstRound() {
        MlpSpace six = MlpSpace.builder().fixedDefaults().set("hidden", List.of(8)).logRange("lr", 1e-4, 1e-1).epochs(6)
                .build();
        NetworkPopulation net = new NetworkPopulation(six, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
        assertThat(net.epochs()).hasValue(6);
        Storage storage = new InMemoryStorage();
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "six", net.direction(), net.tuneSpace(),
                PbtOptions.defaults(2, 2, 10));
        assertThatThrownBy(() -> pbt.run(net)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("study 'six': the objective fixes 6 epochs per member (e.g. its network space's epochs), but the"
                        + " population-based training options say 10 (PbtOptions.epochs), which members would train instead;"
                        + " make the two agree, e.g. PbtOptions.defaults(2, 2, 6)");
        assertThat(storage.getAllTrials(pbt.studyId())).isEmpty();
        assertThat(objective().epochs()).isEmpty(); // fixedDefaults' epochs: the options decide
        assertThat(new NetworkPopulation(RnnSpace.builder().fixedDefaults().logRange("lr", 1e-3, 1e-1).build(),
                RnnSpaceTest.occurs(20, 1), RnnSpaceTest.occurs(10, 2), "loss").epochs()).isEmpty();
    }

    /**
     * A space that names its epochs is held to them even at its family's default value (the mlp's
     * fixed 50, the search defaults' 20): the options of 10 would train its members 10 in silence.
     */
    @Test
    void aSpaceThatNamesItsFamilysDefaultEpochsIsCheckedLikeAnyOtherValue() {
        MlpSpace fifty = MlpSpace.builder().fixedDefaults().set("hidden", List.of(8)).logRange("lr", 1e-4, 1e-1).epochs(50)
                .build();
        NetworkPopulation net = new NetworkPopulation(fifty, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
        assertThat(net.epochs()).hasValue(50);
        PopulationTraining pbt = PopulationTraining.createOrLoad(new InMemoryStorage(), "fifty", net.direction(), net.tuneSpace(),
                PbtOptions.defaults(2, 2, 10));
        assertThatThrownBy(() -> pbt.run(net)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the objective fixes 50 epochs per member").hasMessageContaining("options say 10");
        // the search defaults' 20 epochs: named, they are the space's; never named, the options decide
        MlpSpace.Builder search = MlpSpace.builder().set("hidden", List.of(8)).set("activation", "relu").set("optimizer", "adam");
        assertThat(new NetworkPopulation(search.build(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy").epochs()).isEmpty();
        assertThat(new NetworkPopulation(search.set("epochs", 20).build(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy")
                .epochs()).hasValue(20);
    }

    /** A metric the training set's task has not is refused at once, not after every member's first round. */
    @Test
    void aMetricOfAnotherTaskIsRefusedByTheConstructor() {
        assertThatThrownBy(() -> new NetworkPopulation(space(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "r2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("population-based training: metric 'r2' is a regression metric, and '" + DIGITS.name()
                        + "' is a classification set; rank members by one of loss, accuracy, balanced_accuracy, f1_macro,"
                        + " log_loss");
        assertThatThrownBy(() -> new NetworkPopulation(space(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "acc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric 'acc' is not one nntune knows; rank members by one of loss, accuracy");
        assertThat(new NetworkPopulation(space(), SPLIT.train(DIGITS), SPLIT.test(DIGITS), "f1_macro").direction())
                .isEqualTo(StudyDirection.MAXIMIZE);
    }

    /**
     * A member trains one epoch per fit, at the rates of that epoch of its whole run: with the rate
     * × 0.001 after every epoch, the third and fourth epochs barely move the weights, where a schedule
     * restarted by every fit would train each epoch at the full rate.
     */
    @Test
    void eachEpochTrainsAtTheWholeRunsScheduledRate() throws Exception {
        double[] moved = new double[2];
        String[] schedules = {"step", "constant"};
        for (int i = 0; i < 2; i++) {
            MlpSpace.Builder b = MlpSpace.builder().fixedDefaults().set("hidden", List.of(24)).set("preprocessing", "pixels")
                    .set("lr", 0.01).set("batch_size", 64).set("epochs", 4).set("schedule", schedules[i]).logRange("l2", 1e-6, 1e-4);
            MlpSpace space = i == 0 ? b.set("step_size", 1).set("gamma", 0.001).build() : b.build();
            NetworkPopulation net = new NetworkPopulation(space, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
            try (PopulationObjective.Member m = net.member(Map.of("l2", 1e-5), Optional.empty(), 4)) {
                m.trainEpoch(0);
                m.trainEpoch(1);
                List<float[]> before = NetworkCheckpoint.fromBytes(m.save()).weights().values();
                m.trainEpoch(2);
                m.trainEpoch(3);
                List<float[]> after = NetworkCheckpoint.fromBytes(m.save()).weights().values();
                for (int w = 0; w < before.size(); w++) {
                    for (int j = 0; j < before.get(w).length; j++) {
                        moved[i] = Math.max(moved[i], Math.abs(after.get(w)[j] - before.get(w)[j]));
                    }
                }
            }
        }
        assertThat(moved[0]).as("step: epochs 3 and 4 at 1e-8 and 1e-11").isLessThan(1e-5);
        assertThat(moved[1]).as("constant: at 0.01").isGreaterThan(1e-3);
        // the schedule runs over the space's epochs, its family's default too: PBT options must train those
        MlpSpace defaultEpochs = MlpSpace.builder().fixedDefaults().set("schedule", "cosine").logRange("l2", 1e-6, 1e-4).build();
        assertThat(new NetworkPopulation(defaultEpochs, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy").epochs())
                .hasValue(50);
        MlpSpace constant = MlpSpace.builder().fixedDefaults().logRange("l2", 1e-6, 1e-4).build();
        assertThat(new NetworkPopulation(constant, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy").epochs()).isEmpty();
    }

    /** Gradient clipping is a training setting each epoch takes up afresh: PBT explores it, and a round uses the member's own. */
    @Test
    void clipNormIsExploredAndEachRoundTrainsWithTheMembersOwn() throws Exception {
        RnnSpace space = RnnSpace.builder().fixedDefaults().set("cell", "gru").set("embedding", 8).set("hidden_size", 8)
                .set("max_length", 16).set("vocab_size", 30).set("lr", 0.05).set("epochs", 2)
                .logRange("clip_norm", 1e-3, 10).build();
        NetworkPopulation net = new NetworkPopulation(space, RnnSpaceTest.occurs(200, 1), RnnSpaceTest.occurs(100, 2), "loss");
        assertThat(net.tuneSpace()).containsOnlyKeys("clip_norm");
        byte[] bytes;
        try (PopulationObjective.Member m = net.member(Map.of("clip_norm", 1.0), Optional.empty(), 3)) {
            m.trainEpoch(0);
            bytes = m.save();
        }
        double[] scores = new double[2];
        double[] clips = {1e-3, 10};
        for (int i = 0; i < 2; i++) {
            try (PopulationObjective.Member m = net.member(Map.of("clip_norm", clips[i]), Optional.of(bytes), 3)) {
                scores[i] = m.trainEpoch(1);
            }
        }
        assertThat(scores[0]).isNotEqualTo(scores[1]);
    }

    /**
     * What lr_adapt and l2_adapt adapted is training state: a member continued from a checkpoint (its
     * own next round, or a member that copies it) goes on from the rates the saved member had reached,
     * exactly as if it had not stopped, and each epoch says what it adapted.
     */
    @Test
    void adaptedRatesSurviveACheckpointAndEachEpochReportsThem() throws Exception {
        MlpSpace space = MlpSpace.builder().fixedDefaults().set("hidden", List.of(24)).set("preprocessing", "pixels")
                .set("optimizer", "adam").set("lr", 0.01).set("lr_adapt", "hypergradient").set("l2_adapt", "implicit")
                .choices("batch_size", 32, 64).build();
        NetworkPopulation net = new NetworkPopulation(space, SPLIT.train(DIGITS), SPLIT.test(DIGITS), "accuracy");
        Map<String, Object> params = Map.of("batch_size", 32);
        double straight;
        Map<String, Double> straightRates;
        Map<String, Double> afterFirst;
        try (PopulationObjective.Member m = net.member(params, Optional.empty(), 5)) {
            m.trainEpoch(0);
            afterFirst = m.adapted();
            straight = m.trainEpoch(1);
            straightRates = m.adapted();
        }
        assertThat(afterFirst).containsKey("lr").anySatisfy((k, v) -> assertThat(k).startsWith("l2"));
        assertThat(afterFirst.get("lr")).isNotEqualTo(0.01);
        byte[] bytes;
        try (PopulationObjective.Member m = net.member(params, Optional.empty(), 5)) {
            m.trainEpoch(0);
            bytes = m.save();
        }
        try (PopulationObjective.Member m = net.member(params, Optional.of(bytes), 77)) {
            assertThat(m.trainEpoch(1)).isEqualTo(straight);
            assertThat(m.adapted()).isEqualTo(straightRates);
        }
    }

    @Test
    void checkpointsRoundTripAndRefuseCorruptBytes() throws Exception {
        NetworkPopulation net = objective();
        Map<String, Object> params = Map.of("lr", 0.01, "dropout", 0.1, "batch_size", 32L, "l2", 1e-4);
        byte[] bytes;
        try (PopulationObjective.Member m = net.member(params, Optional.empty(), 5)) {
            m.trainEpoch(0);
            bytes = m.save();
        }
        NetworkCheckpoint c = NetworkCheckpoint.fromBytes(bytes);
        assertThat(c.epoch()).isEqualTo(1);
        assertThat(c.optimizer().kind()).isEqualTo("adam");
        assertThat(c.toBytes()).isEqualTo(bytes);
        byte[] corrupt = bytes.clone();
        corrupt[corrupt.length / 2] ^= 1;
        assertThatThrownBy(() -> NetworkCheckpoint.fromBytes(corrupt)).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> NetworkCheckpoint.fromBytes(java.util.Arrays.copyOf(bytes, 40)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
