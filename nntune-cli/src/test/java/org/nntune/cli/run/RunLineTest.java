package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line a run of a number of trials starts with names its trials by the numbers every other line
 * shows (0-based): it said "running trials 21 to 40…" beside "trial 20 complete", and after Ctrl-C
 * "running trials 2 to 12…" when trials 1 to 12 ran (trial 1 the retry of the interrupted trial 0).
 */
class RunLineTest {

    @Test
    void aNewStudyAndAResumedOneNameTheNumbersTheirTrialsGet() {
        Study s = Study.builder("lines").create();
        assertThat(RunProgress.runLine(s, 20)).isEqualTo("running 20 trials (numbers 0 to 19)…");
        assertThat(RunProgress.runLine(s, 1)).isEqualTo("running 1 trial (number 0)…");
        for (int i = 0; i < 20; i++) {
            Trial t = s.ask();
            s.tell(t, t.suggestFloat("x", 0, 1));
        }
        assertThat(RunProgress.runLine(s, 20)).isEqualTo("running 20 more trials (numbers 20 to 39)…");
        assertThat(RunProgress.runLine(s, 1)).isEqualTo("running 1 more trial (number 20)…");
        assertThat(RunProgress.runLine(s, 0)).isNull();
    }

    @Test
    void aTrialQueuedAgainAfterAnInterruptionRunsFirstUnderItsOwnNumber() {
        InMemoryStorage storage = new InMemoryStorage();
        Study s = Study.builder("again").storage(storage).create();
        Trial t = s.ask();
        t.suggestFloat("x", 0, 1);
        s.tellFailed(t, "interrupted");
        // the retry of trial 0, queued with its parameters, as an interruption leaves it
        storage.createTrial(s.studyId(), new FrozenTrial(-1, -1, TrialState.WAITING, List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(SystemAttrs.FAILED_TRIAL, 0), new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty()));
        // the study's 12: trial 0's chain counts once, 11 new trials
        assertThat(RunProgress.runLine(s, 11)).isEqualTo("running trial 1 (trial 0 again), then 11 more trials (numbers 2 to 12)…");
        assertThat(RunProgress.runLine(s, 0)).isEqualTo("running trial 1 (trial 0 again)…");
    }

    @Test
    void trialsEnqueuedByHandRunFirstAndTakePlacesInTheBudget() {
        // as Optuna's enqueue_trial leaves them: WAITING, no retry; the run claims them before asking for new ones
        Study s = Study.builder("queued").create();
        for (int i = 0; i < 2; i++) {
            Trial t = s.ask();
            s.tell(t, t.suggestFloat("x", 0, 1));
        }
        s.enqueueTrial(Map.of("x", 0.5));
        assertThat(RunProgress.runLine(s, 2)).isEqualTo("running trial 2 (enqueued), then 1 more trial (number 3)…");
        assertThat(RunProgress.runLine(s, 1)).isEqualTo("running trial 2 (enqueued)…");
        s.enqueueTrial(Map.of("x", 0.25));
        assertThat(RunProgress.runLine(s, 1)).isEqualTo("running trial 2 (enqueued)…");
        assertThat(RunProgress.runLine(s, 5)).isEqualTo("running trials 2, 3 (enqueued), then 3 more trials (numbers 4 to 6)…");
    }
}
