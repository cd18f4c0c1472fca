package org.nntune.tune.study;

import org.nntune.tune.run.Heartbeats;
import org.nntune.tune.run.InFlightTrials;
import org.nntune.tune.run.Step;
import org.nntune.tune.run.TrialLoop;
import org.nntune.tune.sampler.NoCandidateException;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FailureReason;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.Optional;

/**
 * One {@code optimize} call as the runner drives it: what a worker does next (fail stale trials,
 * keep the budget, ask the sampler, start a trial) and how a trial runs (the objective, its
 * outcome, the callbacks).
 */
final class StudyLoop implements TrialLoop {
    /** how long a worker waits when every candidate is held by a running trial */
    private static final Duration CANDIDATE_POLL = Duration.ofMillis(20);
    /** how many stack traces of failed trials one run logs at most (one per distinct exception class and message) */
    static final int MAX_TRACES = 20;

    private final Study study;
    private final TrialLifecycle trials;
    private final MultiObjective objective;
    private final OptimizeOptions options;
    private final Storage storage;
    private final boolean beating;
    /** how long a worker at the budget waits before it looks again at other workers' running trials */
    private final Duration othersPoll;
    /** exception class and message → the trial whose failure logged its stack trace, in this run */
    private final java.util.Map<String, Integer> traced = new java.util.concurrent.ConcurrentHashMap<>();

    StudyLoop(Study study, TrialLifecycle trials, MultiObjective objective, OptimizeOptions options) {
        this.study = study;
        this.trials = trials;
        this.objective = objective;
        this.options = options;
        this.storage = study.storage();
        this.beating = !options.heartbeat().isZero();
        long half = options.heartbeat().toMillis() / 2;
        this.othersPoll = Duration.ofMillis(Math.max(20, Math.min(1000, half)));
    }

    @Override
    public Step next() {
        Trial trial;
        synchronized (trials.startLock) {
            if (trials.stopped()) {
                return Step.STOP;
            }
            if (beating) {
                storage.failStaleTrials(study.studyId(), Heartbeats.grace(options.heartbeat()));
            }
            int counted = options.nTrials() == Integer.MAX_VALUE ? 0 : trials.counted();
            int budget = trials.budget(options.nTrials(), counted);
            if (counted >= budget) {
                // other workers' trials may still free the budget (a dead worker's is failed and retried)
                return trials.heldByOtherWorkers(beating ? Heartbeats.grace(options.heartbeat()) : java.time.Duration.ZERO)
                        ? new Step.Wait(othersPoll) : Step.STOP;
            }
            Sampler.Readiness r = study.sampler().readiness(study.view());
            if (r == Sampler.Readiness.EXHAUSTED) {
                trials.stop();
                return Step.STOP;
            }
            if (r == Sampler.Readiness.WAIT) {
                return new Step.Wait(CANDIDATE_POLL); // every candidate is held by a running trial
            }
            try {
                Optional<Trial> started = trials.start(budget, beating, true);
                if (started.isEmpty()) {
                    return new Step.Wait(Duration.ZERO); // another worker took the budget's last trial: look again
                }
                trial = started.get();
                if (trials.failIfInterrupted(trial)) {
                    return Step.STOP; // an interruption that gave up waiting for this start: failed like the others
                }
            } catch (NoCandidateException lostRace) {
                return new Step.Wait(Duration.ZERO); // the trial is recorded as FAIL; ask the sampler again
            }
        }
        return new Step.Run(() -> run(trial));
    }

    private void run(Trial trial) {
        Outcome outcome;
        Throwable escaping = null;
        Throwable caught = null;
        try {
            double[] values = objective.evaluate(trial);
            int n = study.directions().size();
            outcome = values.length != n
                    ? Outcome.failure("the objective returned " + values.length + " value(s) for " + n + " objective(s)")
                    : Outcome.of(values);
        } catch (TrialPrunedException e) {
            outcome = Outcome.pruned(trial);
        } catch (InterruptedException e) {
            if (trials.abandonment().isPresent()) {
                outcome = null; // interrupted by the heartbeat that found the study deleted: said below
            } else {
                trials.interrupt("interrupted: the objective of trial " + trial.number() + " was interrupted");
                outcome = Outcome.failure(trials.interruption().orElseThrow());
            }
        } catch (Throwable e) {
            Optional<String> interruption = trials.interruption();
            if (interruption.isPresent()) {
                outcome = Outcome.failure(interruption.get());
            } else {
                outcome = Outcome.failure(FailureReason.of(e));
                if (!options.catches(e)) {
                    escaping = e;
                } else {
                    caught = e;
                }
            }
        }
        // the study was deleted under this run: whatever the objective did, there is nothing to record it on
        throwIfAbandoned(trial);
        Optional<FrozenTrial> stored;
        try {
            stored = trials.finish(trial, outcome);
        } catch (RuntimeException e) {
            throwIfAbandoned(trial); // a heartbeat found the study gone while the outcome was being written
            throw e;
        }
        if (stored.isPresent() && escaping == null && outcome.state() == TrialState.FAIL
                && stored.get().state() == TrialState.FAIL && trials.interruption().isEmpty()) {
            warnFailed(stored.get(), caught);
        }
        if (stored.isPresent()) {
            for (StudyCallback cb : options.callbacks()) {
                cb.afterTrial(study, stored.get());
            }
        }
        if (escaping != null) {
            trials.stop();
            if (escaping instanceof RuntimeException re) {
                throw re;
            }
            if (escaping instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("study '" + study.name() + "' stopped: trial " + trial.number() + " threw "
                    + FailureReason.of(escaping), escaping);
        }
    }

    /**
     * Logs a trial the objective failed (an exception of the catch list, or a value that is not finite) as a
     * WARNING: its number, parameters and reason, and the exception's stack trace with the first failure of each
     * exception class and message in this run (at most {@link #MAX_TRACES}), so that a bug failing every trial
     * prints its trace once. Optuna logs every failed trial so; without it a failing objective would be silent.
     */
    private void warnFailed(FrozenTrial failed, Throwable e) {
        String what = "trial " + failed.number() + " of study '" + study.name() + "' failed with parameters "
                + failed.params() + ": " + failed.failureReason().orElse("(no reason)");
        if (e == null) {
            Study.failedTrialsLog.log(System.Logger.Level.WARNING, what);
            return;
        }
        String key = e.getClass().getName() + ": " + e.getMessage();
        Integer first = traced.get(key);
        if (first == null && traced.size() < MAX_TRACES) {
            first = traced.putIfAbsent(key, failed.number());
            if (first == null) {
                Study.failedTrialsLog.log(System.Logger.Level.WARNING, what
                        + " (caught: the study goes on; its stack trace follows)", e);
                return;
            }
        }
        if (first != null) {
            Study.failedTrialsLog.log(System.Logger.Level.WARNING, what + " (the same exception as trial " + first
                    + ", whose stack trace was logged)");
        } else {
            Study.failedTrialsLog.log(System.Logger.Level.WARNING, what + " (" + e.getClass().getName() + "; " + MAX_TRACES
                    + " stack traces logged in this run already, no more)");
        }
    }

    /** Ends the trial's run if a heartbeat found its study deleted ({@link TrialLifecycle#abandon}). */
    private void throwIfAbandoned(Trial trial) {
        Optional<RuntimeException> gone = trials.abandonment();
        if (gone.isPresent()) {
            trials.stop();
            throw new IllegalStateException("study '" + study.name() + "' was deleted from its storage while trial "
                    + trial.number() + " ran (a heartbeat found it gone: " + gone.get().getMessage() + ")", gone.get());
        }
    }

    @Override
    public boolean stopped() {
        return trials.stopped();
    }

    @Override
    public void stop() {
        trials.stop();
    }

    @Override
    public void interrupt(String reason) {
        trials.interrupt(reason);
    }

    @Override
    public boolean interrupted() {
        return trials.interruption().isPresent();
    }

    @Override
    public InFlightTrials inFlight() {
        return trials.inFlight();
    }

    @Override
    public void beat(long trialId) {
        try {
            storage.recordHeartbeat(trialId);
        } catch (RuntimeException refused) {
            // a trial finished meanwhile, another worker that failed it as stale, a lost connection: the trial goes
            // on. A study deleted under the run (nntune delete --force): its trials end now, not when training ends
            if (storage.studyDeleted(study.name(), study.studyId())) {
                trials.abandon(refused);
            }
            throw refused;
        }
    }
}
