package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.cli.output.Progress;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress of a run counts the study's finished trials, as its budget does, not only the ones
 * this process ran: with other workers on the study it said "2/20 done" when the study held ten.
 * And a run's closing count names the trials still running in other workers.
 */
class RunProgressTest {

    /** Another worker's trial: started and finished on the same storage by another Study object. */
    private static void finishedElsewhere(Study other, double value) {
        Trial t = other.ask();
        t.suggestFloat("x", 0, 1);
        other.tell(t, value);
    }

    @Test
    void doneCountsTheTrialsOtherWorkersFinished() {
        InMemoryStorage storage = new InMemoryStorage();
        Study mine = Study.builder("shared").storage(storage).create();
        Study other = Study.builder("shared").storage(storage).load();
        finishedElsewhere(other, 0.1); // before this run: "resuming" counts it
        StringWriter text = new StringWriter();
        RunProgress shown = new RunProgress(mine, 20, false, null, new PrintWriter(text, true), Progress.Mode.PLAIN,
                n -> "--trials " + n);
        finishedElsewhere(other, 0.2);
        finishedElsewhere(other, 0.3);
        Trial t = mine.ask();
        t.suggestFloat("x", 0, 1);
        FrozenTrial own = mine.tell(t, 0.9);
        Trial pruned = other.ask();
        pruned.suggestFloat("x", 0, 1);
        other.tellPruned(pruned);
        shown.trial(mine, own);
        // 1 before + 2 + this run's + 1 pruned: the study's five, not "2/20" (before + this run's own)
        assertThat(text.toString()).contains("trial 3 complete 0.9000 · 5/20 done · 1 pruned · 0 failed · best 0.1000");
        assertThat(shown.done.get()).isEqualTo(5);
    }

    @Test
    void theClosingCountNamesTrialsStillRunningElsewhere() {
        InMemoryStorage storage = new InMemoryStorage();
        Study s = Study.builder("running").storage(storage).create();
        finishedElsewhere(s, 0.5);
        assertThat(RunResults.stillRunning(s.trials(), true)).isEmpty();
        s.ask().suggestFloat("x", 0, 1);
        assertThat(RunResults.stillRunning(s.trials(), true)).isEqualTo(", 1 still running in another worker (not in these results)");
        s.ask().suggestFloat("x", 0, 1);
        assertThat(RunResults.stillRunning(s.trials(), false)).isEqualTo(", 2 still running in other workers");
    }
}
