package org.nntune.tune.study;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a developer embedding nntune as a library met: a failing objective that said nothing, a budget held by a
 * trial of its own process named as "other workers'", a failed tell without a reason, optimize's n as the total.
 */
class LibraryUseTest {

    /** Replaces {@link Study#log} and {@link Study#failedTrialsLog} while {@code run} runs; @return what they got */
    private static List<CapturedLog.Entry> capture(Runnable run) {
        return capture(new CapturedLog(System.Logger.Level.INFO), run);
    }

    /** {@link #capture(Runnable)} into {@code log}, which another thread may watch meanwhile */
    private static List<CapturedLog.Entry> capture(CapturedLog log, Runnable run) {
        System.Logger before = Study.log;
        System.Logger failures = Study.failedTrialsLog;
        Study.log = log;
        Study.failedTrialsLog = log;
        try {
            run.run();
        } finally {
            Study.log = before;
            Study.failedTrialsLog = failures;
        }
        return log.entries();
    }

    private static Study study(String name, Storage storage) {
        return Study.builder(name).storage(storage).sampler(new RandomSampler()).seed(1).create();
    }

    // ---------------------------------------------------------------- a failing objective

    @Test
    void eachFailedTrialIsAWarningWithItsParametersAndEachDistinctExceptionsStackTraceOnce() {
        Study study = study("buggy", new InMemoryStorage());
        Map<String, Double> cache = new HashMap<>();
        List<CapturedLog.Entry> logged = capture(() -> study.optimize(trial -> {
            double x = trial.suggestFloat("x", -10, 10);
            if (trial.number() == 3) {
                throw new IllegalStateException("trial three");
            }
            return cache.get("offset") + x * x;
        }, 6));
        assertThat(study.trials()).hasSize(6).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.FAIL));
        assertThat(logged).hasSize(6).allSatisfy(l -> assertThat(l.level()).isEqualTo(System.Logger.Level.WARNING));
        FrozenTrial first = study.trials().get(0);
        assertThat(logged.get(0).message()).isEqualTo("trial 0 of study 'buggy' failed with parameters " + first.params()
                + ": " + first.failureReason().orElseThrow() + " (caught: the study goes on; its stack trace follows)");
        assertThat(logged.get(0).message()).contains("NullPointerException", "x=");
        assertThat(logged.get(0).thrown()).isInstanceOf(NullPointerException.class);
        assertThat(logged.get(1).message()).startsWith("trial 1 of study 'buggy' failed with parameters {x=")
                .endsWith(" (the same exception as trial 0, whose stack trace was logged)");
        assertThat(logged.get(1).thrown()).isNull();
        // another exception: its own stack trace
        assertThat(logged.get(3).message()).startsWith("trial 3 of study 'buggy' failed").contains(": trial three (caught");
        assertThat(logged.get(3).thrown()).hasMessage("trial three");
        assertThat(logged.get(5).thrown()).isNull();
    }

    @Test
    void aValueThatIsNotFiniteIsAWarningWithoutAStackTrace() {
        Study study = study("nan", new InMemoryStorage());
        List<CapturedLog.Entry> logged = capture(() -> study.optimize(t -> t.suggestFloat("x", 0, 1) * Double.NaN, 1));
        assertThat(logged).singleElement().satisfies(l -> {
            assertThat(l.message()).startsWith("trial 0 of study 'nan' failed with parameters {x=")
                    .endsWith(": the objective returned NaN; values must be finite");
            assertThat(l.thrown()).isNull();
        });
    }

    @Test
    void noStackTraceIsLoggedPastTheLimitOfARun() {
        Study study = study("many", new InMemoryStorage());
        List<CapturedLog.Entry> logged = capture(() -> study.optimize(t -> {
            throw new IllegalArgumentException("bad " + t.number());
        }, StudyLoop.MAX_TRACES + 2));
        assertThat(logged.stream().filter(l -> l.thrown() != null)).hasSize(StudyLoop.MAX_TRACES);
        assertThat(logged.get(StudyLoop.MAX_TRACES).message()).endsWith(": bad " + StudyLoop.MAX_TRACES
                + " (java.lang.IllegalArgumentException; " + StudyLoop.MAX_TRACES + " stack traces logged in this run"
                + " already, no more)");
    }

    @Test
    void anEmptyCatchListEndsOptimizeAtTheFirstExceptionWithoutAWarning() {
        Study study = study("strict", new InMemoryStorage());
        List<CapturedLog.Entry> logged = capture(() -> assertThatThrownBy(() -> study.optimize(t -> {
            throw new ArithmeticException("/ by zero");
        }, OptimizeOptions.trials(5).withCatchList(List.of()))).isInstanceOf(ArithmeticException.class));
        assertThat(logged).isEmpty(); // it propagates, with its stack trace, to the caller
        assertThat(study.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.FAIL));
    }

    @Test
    void bestValueWithoutACompleteTrialSaysWhatTheTrialsAreAndWhyTheFirstFailed() {
        Study study = study("buggy", new InMemoryStorage());
        assertThatThrownBy(study::bestValue).isInstanceOf(IllegalStateException.class)
                .hasMessage("study 'buggy' has no COMPLETE trial yet, so no best trial: it has no trial at all; run optimize"
                        + " (or ask and tell) first");
        capture(() -> study.optimize(t -> {
            throw new UnsupportedOperationException("not yet");
        }, 20));
        assertThatThrownBy(study::bestValue).isInstanceOf(IllegalStateException.class)
                .hasMessage("study 'buggy' has no COMPLETE trial, so no best trial: 20 trials, all FAIL; the first failure,"
                        + " trial 0: UnsupportedOperationException: not yet");
        Trial asked = study.ask();
        study.ask();
        study.tellPruned(asked);
        assertThatThrownBy(study::bestTrial).hasMessage("study 'buggy' has no COMPLETE trial, so no best trial: 22 trials,"
                + " 1 RUNNING, 1 PRUNED, 20 FAIL; the first failure, trial 0: UnsupportedOperationException: not yet");
    }

    @Test
    void aNullObjectiveIsRefusedAtTheCall() {
        Study study = study("null", new InMemoryStorage());
        assertThatThrownBy(() -> study.optimize(null, 2)).isInstanceOf(NullPointerException.class)
                .hasMessage("study 'null': optimize needs an objective, got null");
        assertThatThrownBy(() -> study.optimizeMulti(null, OptimizeOptions.trials(2)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("study 'null': optimizeMulti needs an objective, got null");
        assertThat(study.trials()).isEmpty();
    }

    // ---------------------------------------------------------------- ask and tell

    @Test
    void tellFailedWithoutAReasonIsRefusedAndTheTrialCanStillBeTold() {
        Study study = study("tell", new InMemoryStorage());
        Trial t = study.ask();
        assertThatThrownBy(() -> study.tellFailed(t, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trial 0 of study 'tell': tellFailed needs a reason (what went wrong, e.g. the exception's"
                        + " message), got null; the trial is still RUNNING, tell it again");
        assertThatThrownBy(() -> study.tellFailed(t, " ")).hasMessageContaining("got ' '");
        assertThat(study.trials().get(0).state()).isEqualTo(TrialState.RUNNING);
        assertThat(study.tellFailed(t, "diverged").failureReason()).contains("diverged");
    }

    @Test
    void aBudgetHeldByATrialAskedInThisProcessSaysSoAndWaitsForItWithHeartbeats() throws Exception {
        Storage storage = new InMemoryStorage();
        Study study = study("threads", storage);
        Study other = Study.builder("threads").storage(storage).load(); // another thread's ask/tell loop
        Trial asked = other.ask();
        CapturedLog log = new CapturedLog(System.Logger.Level.INFO);
        List<CapturedLog.Entry> logged = log.entries();
        Thread teller = new Thread(() -> { // tells trial 0 once optimize, at its budget, waits for it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (logged.stream().noneMatch(l -> l.message().contains("waiting for trial(s) [0]"))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            other.tell(asked, 1.0);
        });
        teller.start();
        capture(log, () -> study.optimize(t -> t.suggestFloat("x", 0, 1),
                OptimizeOptions.trials(2).withHeartbeat(Duration.ofMillis(50))));
        teller.join(30_000);
        assertThat(study.trials()).hasSize(2).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        assertThat(logged.stream().map(CapturedLog.Entry::message)).anySatisfy(m -> assertThat(m).isEqualTo("study"
                + " 'threads': waiting for trial(s) [0], still running in this process (by another Study object, or another"
                + " call on this one), to finish, or to miss their heartbeat and be failed as stale (and retried, in a study"
                + " that retries), before the budget is met"));
    }

    @Test
    void withoutHeartbeatsABudgetHeldByARunningTrialIsAWarningThatNamesTheCure() {
        Storage storage = new InMemoryStorage();
        Study study = study("held", storage);
        Study.builder("held").storage(storage).load().ask(); // never told
        List<CapturedLog.Entry> logged = capture(() -> study.optimize(t -> t.suggestFloat("x", 0, 1), 3));
        assertThat(study.trials()).hasSize(3);
        assertThat(logged).singleElement().satisfies(l -> {
            assertThat(l.level()).isEqualTo(System.Logger.Level.WARNING);
            assertThat(l.message()).isEqualTo("study 'held': the budget is reached counting trial(s) [0] still RUNNING in"
                    + " this process (by another Study object, or another call on this one); this run keeps no heartbeats, so"
                    + " it cannot tell a live trial from one whose process died, and it stops without them. A trial of a"
                    + " process that died stays RUNNING and counts in the budget for ever: no one finishes it. Run with"
                    + " heartbeats (the default on a database storage: OptimizeOptions.trials(n) without"
                    + " withHeartbeat(Duration.ZERO)), so that such a trial is failed as stale and the budget met; a trial"
                    + " whose process is gone without heartbeats (or that it asked and never told) is failed only by hand:"
                    + " study.failAbandonedTrial(number, reason)");
        });
        // the cure: the trial failed by hand, the next run meets the budget
        FrozenTrial failed = study.failAbandonedTrial(0, "its process was killed");
        assertThat(failed.state()).isEqualTo(TrialState.FAIL);
        assertThat(failed.failureReason()).contains("abandoned: its process was killed");
        assertThat(capture(() -> study.optimize(t -> t.suggestFloat("x", 0, 1), 4))).isEmpty();
        assertThat(study.trials()).hasSize(4);
        assertThatThrownBy(() -> study.failAbandonedTrial(0, "again")).isInstanceOf(IllegalStateException.class)
                .hasMessage("trial 0 of study 'held' is FAIL, not RUNNING; only a running trial can be abandoned");
        assertThatThrownBy(() -> study.failAbandonedTrial(9, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("study 'held' has no trial 9");
        Trial own = study.ask();
        assertThatThrownBy(() -> study.failAbandonedTrial(own.number(), "x")).isInstanceOf(IllegalStateException.class)
                .hasMessage("trial 4 of study 'held' runs in this Study object; it is not abandoned: tell it (tellFailed)"
                        + " or stop the run");
        assertThatThrownBy(() -> study.failAbandonedTrial(own.number(), " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a reason");
    }

    // ---------------------------------------------------------------- the budget

    @Test
    void moreTrialsAddsToWhatTheStudyHoldsEachTimeTheProgramRuns() {
        Storage storage = new InMemoryStorage();
        Study first = study("more", storage);
        first.optimize(t -> t.suggestFloat("x", 0, 1), 5);
        first.optimize(t -> t.suggestFloat("x", 0, 1), 5); // the total: nothing more
        assertThat(first.trials()).hasSize(5);
        Study again = Study.builder("more").storage(storage).load();
        again.optimize(t -> t.suggestFloat("x", 0, 1), OptimizeOptions.moreTrials(3));
        assertThat(again.trials()).hasSize(8);
        again.optimize(t -> t.suggestFloat("x", 0, 1), OptimizeOptions.moreTrials(3).withJobs(2));
        assertThat(again.trials()).hasSize(11);
    }

    @Test
    void theReadmesExampleOfMoreTrialsEndsWithSixty() {
        Study study = Study.builder("more").create();
        study.optimize(trial -> trial.suggestFloat("x", 0, 1), 50);
        study.optimize(trial -> trial.suggestFloat("x", 0, 1), OptimizeOptions.moreTrials(10)); // 60 trials now
        assertThat(study.trials()).hasSize(60);
    }

    @Test
    void theDefaultHeartbeatIsNoneInMemory() {
        assertThat(OptimizeOptions.trials(5).heartbeat()).isEqualTo(OptimizeOptions.HEARTBEAT_IF_SHARED);
        assertThat(OptimizeOptions.trials(5).heartbeatOn(new InMemoryStorage())).isZero();
        assertThat(OptimizeOptions.trials(5).withHeartbeat(Duration.ofSeconds(3)).heartbeatOn(new InMemoryStorage()))
                .isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> OptimizeOptions.trials(5).withHeartbeat(Duration.ofSeconds(-1)))
                .hasMessage("heartbeat interval must not be negative, got PT-1S");
    }
}
