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
import java.util.concurrent.CopyOnWriteArrayList;

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
}
