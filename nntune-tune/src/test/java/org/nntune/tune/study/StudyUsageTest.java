package org.nntune.tune.study;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a user driving nntune as a Java library ran into: a trial told to the wrong study, budgets, types. */
class StudyUsageTest {

    private static Study study(String name, Storage storage) {
        return Study.builder(name).storage(storage).sampler(new RandomSampler()).seed(1).create();
    }

    // ---------------------------------------------------------------- a trial told to another study

    @Test
    void aTrialOfAnotherStudyOnTheSameStorageIsRefusedBeforeAnythingIsWritten() {
        Storage storage = new InMemoryStorage();
        Study c = study("C", storage);
        Study d = study("D", storage);
        Trial fromD = d.ask();
        fromD.suggestFloat("x", 0, 1);
        assertThatThrownBy(() -> c.tell(fromD, 7.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trial 0 belongs to study 'D', not 'C'; tell it to the study that asked for it");
        assertThatThrownBy(() -> c.tellPruned(fromD)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'D', not 'C'");
        assertThatThrownBy(() -> c.tellFailed(fromD, "no")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'D', not 'C'");
        // the wrong number of values is not what is said first: the trial is not this study's at all
        assertThatThrownBy(() -> c.tell(fromD, 1.0, 2.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'D', not 'C'");
        assertThat(storage.getTrial(fromD.trialId()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(c.trials()).isEmpty();
        assertThat(d.tell(fromD, 7.0).state()).isEqualTo(TrialState.COMPLETE);
    }

    @Test
    void aTrialOfAStudyOnAnotherStorageIsRefusedAndNeitherStudysTrialIsFinished() {
        Study a = study("A", new InMemoryStorage());
        Study b = study("B", new InMemoryStorage());
        Trial own = a.ask();
        Trial fromB = b.ask();
        assertThat(own.trialId()).isEqualTo(fromB.trialId()); // ids only mean something in their own storage
        assertThatThrownBy(() -> a.tell(fromB, 3.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'B', not 'A'");
        assertThat(a.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.RUNNING));
        assertThat(b.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.RUNNING));
        // two studies of one name in two storages are told apart by their storage
        Study a2 = study("A", new InMemoryStorage());
        Trial fromA2 = a2.ask();
        assertThatThrownBy(() -> a.tell(fromA2, 3.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'A' of another storage, not to this study 'A'");
        assertThat(a.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.RUNNING));
    }

    @Test
    void aTrialAskedOfAnotherObjectOfTheSameStudyMayBeToldToThisOne() {
        Storage storage = new InMemoryStorage();
        Study first = study("same", storage);
        Study second = Study.builder("same").storage(storage).load();
        Trial t = first.ask();
        assertThat(second.tell(t, 2.0).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(first.bestValue()).isEqualTo(2.0);
    }

    // ---------------------------------------------------------------- optimize's budget

    @Test
    void optimizeSaysSoWhenTheStudyHoldsItsBudgetAlready() {
        Storage storage = new InMemoryStorage();
        Study s = study("x", storage);
        List<String> logged = capture(() -> {
            s.optimize(t -> t.suggestFloat("v", 0, 1), 5);
            Study again = Study.builder("x").storage(storage).load(); // the program run again on the stored study
            again.optimize(t -> t.suggestFloat("v", 0, 1), 5);
        });
        assertThat(s.trials()).hasSize(5);
        assertThat(logged).containsExactly("study 'x' already has 5 finished trials of the 5 asked for; nothing to run"
                + " — the number is the study's total: ask for more, e.g. optimize(objective, 15), or add some with"
                + " optimize(objective, OptimizeOptions.moreTrials(10))");
        List<String> more = capture(() -> s.optimize(t -> t.suggestFloat("v", 0, 1), 7));
        assertThat(more).isEmpty();
        assertThat(s.trials()).hasSize(7);
    }

    /** The INFO and louder messages {@link Study} logs while {@code run} runs. */
    private static List<String> capture(Runnable run) {
        CapturedLog captured = new CapturedLog(System.Logger.Level.INFO);
        System.Logger before = Study.log;
        Study.log = captured;
        try {
            run.run();
        } finally {
            Study.log = before;
        }
        return captured.messages();
    }

    // ---------------------------------------------------------------- single-objective entry points

    @Test
    void singleObjectiveEntryPointsOfAMultiObjectiveStudyNameWhatToUse() {
        Study mo = Study.builder("mo").directions(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE).create();
        assertThatThrownBy(() -> mo.optimize(t -> 1.0, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessage("study 'mo' has 2 objectives; optimize(objective, …) is for one: use optimizeMulti(objective,"
                        + " options), whose objective returns 2 values");
        assertThat(mo.trials()).isEmpty();
        mo.optimizeMulti(t -> new double[] {t.suggestFloat("x", 0, 1), 1}, OptimizeOptions.trials(2));
        assertThatThrownBy(mo::bestTrial).isInstanceOf(IllegalStateException.class)
                .hasMessage("study 'mo' has 2 objectives, so there is no single best trial; use bestTrials() (the Pareto"
                        + " front)");
        assertThatThrownBy(mo::bestValue).hasMessageContaining("use bestTrials()");
        assertThatThrownBy(mo::bestParams).hasMessageContaining("use bestTrials()");
        assertThatThrownBy(mo::findBestTrial).hasMessageContaining("use bestTrials()");
        Trial t = mo.ask();
        assertThatThrownBy(() -> t.report(0, 1.0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("study 'mo' has 2 objectives");
        assertThatThrownBy(t::shouldPrune).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("study 'mo' has 2 objectives");
    }

    // ---------------------------------------------------------------- enqueued values of another number type

    @Test
    void anEnqueuedIntegralDoubleIsTakenForAnInt() {
        Study s = study("enq", new InMemoryStorage());
        s.enqueueTrial(Map.of("n", 2.0, "f", 3.0f, "i", 4, "l", 5L));
        s.enqueueTrial(Map.of("n", 2.5));
        s.optimize(t -> t.suggestInt("n", 0, 5) + t.suggestInt("f", 0, 5) + t.suggestInt("i", 0, 5) + t.suggestInt("l", 0, 5), 2);
        FrozenTrial first = s.trials().get(0);
        assertThat(first.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(first.params()).containsEntry("n", 2L).containsEntry("f", 3L).containsEntry("i", 4L)
                .containsEntry("l", 5L);
        assertThat(first.value()).isEqualTo(14.0);
        FrozenTrial second = s.trials().get(1);
        assertThat(second.state()).isEqualTo(TrialState.FAIL);
        assertThat(second.failureReason()).hasValue("trial 1: the enqueued value 2.5 of 'n' is not in "
                + "IntDistribution[low=0, high=5, log=false, step=1]");
    }

    @Test
    void anEnqueuedNumberIsTakenForTheCategoricalChoiceItEquals() {
        Study s = study("cat", new InMemoryStorage());
        s.enqueueTrial(Map.of("units", 32L, "batch", 64.0, "rate", 1));
        s.enqueueTrial(Map.of("units", 24L));
        s.optimize(t -> {
            Integer units = t.suggestCategorical("units", List.of(16, 32));
            Integer batch = t.suggestCategorical("batch", List.of(32, 64));
            Double rate = t.suggestCategorical("rate", List.of(0.5, 1.0));
            assertThat(units).isInstanceOf(Integer.class);
            return units + batch + rate;
        }, 2);
        FrozenTrial first = s.trials().get(0);
        assertThat(first.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(first.params()).containsEntry("units", 32L).containsEntry("batch", 64L).containsEntry("rate", 1.0);
        assertThat(s.trials().get(1).failureReason()).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("trial 1: the enqueued value 24 of 'units' is not in CategoricalDistribution[choices=[16, 32]]"));
    }

    // ---------------------------------------------------------------- parameter types

    @Test
    void paramsAreLongsAndDoublesAndTheTypedGettersConvert() {
        Study s = study("types", new InMemoryStorage());
        s.optimize(t -> {
            t.suggestInt("n", 1, 9);
            t.suggestFloat("lr", 0.1, 0.2);
            t.suggestCategorical("units", List.of(16, 32));
            t.suggestCategorical("opt", List.of("sgd", "adam"));
            return 1.0;
        }, 1);
        Map<String, Object> best = s.bestParams();
        assertThat(best.get("n")).isInstanceOf(Long.class);
        assertThat(best.get("units")).isInstanceOf(Long.class);
        FrozenTrial t = s.bestTrial();
        assertThat(t.intParam("n")).isEqualTo(((Long) best.get("n")).intValue());
        assertThat(t.intParam("units")).isIn(16, 32);
        assertThat(t.doubleParam("lr")).isEqualTo((Double) best.get("lr"));
        assertThat(t.doubleParam("n")).isEqualTo(((Long) best.get("n")).doubleValue());
        assertThatThrownBy(() -> t.intParam("lr")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0: parameter 'lr' is " + best.get("lr") + ", not an int; use doubleParam");
        assertThatThrownBy(() -> t.doubleParam("opt")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0: parameter 'opt' is \"" + best.get("opt") + "\" (a String), not a number");
        assertThatThrownBy(() -> t.intParam("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trial 0 has no parameter 'nope'; it has [n, lr, units, opt]");
    }
}
