package org.nntune.tune.study;

import org.nntune.tune.run.InFlightTrials;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FailureReason;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trials one {@link Study} object starts and finishes, whether {@code optimize} or the caller
 * ({@code ask}/{@code tell}) drives them: starting within the budget (claiming queued trials first),
 * the sampler's hooks, writing each outcome exactly once, the trials in flight and the interruption
 * that fails them. Thread-safe.
 */
final class TrialLifecycle {
    private static final System.Logger LOG = System.getLogger("org.nntune.tune");
    /** the trials that count in a budget: running and finished ones */
    static final Set<TrialState> BUDGET_STATES =
            EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
    private static final Set<TrialState> RUNNING = EnumSet.of(TrialState.RUNNING);
    /**
     * How long an interruption waits for the trials being started to be in flight ({@link InFlightTrials#closeStarts}):
     * a storage's start takes milliseconds; a stuck database is not waited for past this (the trial is then failed by
     * its worker, if the JVM lets it run, or found stale)
     */
    static final java.time.Duration START_PATIENCE = java.time.Duration.ofSeconds(5);

    private final Study study;
    private final Storage storage;
    private final long studyId;
    private final Sampler sampler;
    private final StudyView view;
    /** held while deciding and starting a trial, so that the sampler sees one start at a time */
    final Object startLock = new Object();
    private final InFlightTrials inFlight = new InFlightTrials();
    private volatile boolean stopRequested;
    private volatile String interruption;
    /** the other workers' trials this object last said it waits for (logged once per change) */
    private volatile List<Integer> lastAwaited = List.of();
    /** when this object began waiting for {@link #lastAwaited} (nanoTime), and whether it has warned of a long wait */
    private volatile long awaitedSince;
    private volatile boolean warnedLongWait;
    /** the {@link #interrupt} calls in progress (the shutdown hook's, a thread's): guarded by this */
    private int recording;
    /** what this run's interruption could not record, each as a sentence, once (two hooks may find it): guarded by this */
    private final Set<String> unrecorded = new java.util.LinkedHashSet<>();

    TrialLifecycle(Study study, StudyView view) {
        this.study = study;
        this.storage = study.storage();
        this.studyId = study.studyId();
        this.sampler = study.sampler();
        this.view = view;
    }

    InFlightTrials inFlight() {
        return inFlight;
    }

    // ---------------------------------------------------------------- stop and interruption

    /** Clears the stop and the interruption of an earlier run. */
    void resetRun() {
        stopRequested = false;
        interruption = null;
        inFlight.resetRun();
        lastAwaited = List.of();
        synchronized (this) {
            unrecorded.clear();
        }
    }

    void stop() {
        stopRequested = true;
    }

    boolean stopped() {
        return stopRequested || interruption != null;
    }

    Optional<String> interruption() {
        return Optional.ofNullable(interruption);
    }

    /**
     * Records every trial in flight as FAIL with {@code reason}, stops, and interrupts their threads.
     * In a study with a retry policy ({@link SystemAttrs#RETRY_POLICY}, as every study the command
     * line makes) each such trial is queued again with its parameters, as a dead worker's is: an
     * interruption is no fault of the trial, so its configuration is not lost, and the attempt and
     * its retry count once in the budget. Unlike a dead worker's, an interrupted trial is queued
     * again however often it was interrupted before, and its interruptions do not use up the retries
     * the policy allows a dead worker's trial ({@link SystemAttrs#INTERRUPTED_ATTEMPTS}): a retry killed
     * with {@code kill -9} after an interruption is queued again. No chain runs for ever: each
     * interruption is someone's Ctrl-C or SIGTERM, and the deaths are counted against the policy.
     */
    void interrupt(String reason) {
        synchronized (this) {
            recording++; // before the reason: whoever sees the interruption sees its recording in progress
            if (interruption == null) {
                interruption = reason;
            }
        }
        try {
            stopRequested = true;
            inFlight.closeStarts(START_PATIENCE);
            boolean retry = retriesInterrupted();
            for (Map.Entry<Long, Thread> e : inFlight.entries()) {
                failInterrupted(e.getKey(), reason, retry);
                if (e.getValue() != Thread.currentThread()) {
                    e.getValue().interrupt();
                }
            }
        } finally {
            synchronized (this) {
                recording--;
                notifyAll();
            }
        }
    }

    /**
     * Waits until no {@link #interrupt} is recording any more (on whichever thread: the shutdown hook's records
     * while the run's own thread leaves {@code optimize}), up to {@code patience}: the caller then closes the
     * storage, or says what was recorded. Returns at once when nothing is being recorded.
     *
     * @return whether the recording ended in time, and what it could not record
     */
    synchronized InterruptionOutcome awaitRecorded(java.time.Duration patience) {
        InFlightTrials.awaitWhile(this, () -> recording > 0, patience);
        return new InterruptionOutcome(recording == 0, List.copyOf(unrecorded));
    }

    private synchronized void unrecorded(String what) {
        unrecorded.add(what);
    }

    /**
     * Fails a trial this object has just started (and put in flight) if an interruption came meanwhile. {@link
     * #interrupt} waits for the starts in progress before it lists the trials in flight, but only so long
     * ({@link #START_PATIENCE}): a trial the storage created later than that, and put in flight after the listing,
     * is failed here (interrupt sets its reason before it lists the trials in flight). A trial the interruption
     * did not miss was failed by it already, and nothing is written twice.
     *
     * @return whether the run is interrupted: the trial is not to run
     */
    boolean failIfInterrupted(Trial trial) {
        String reason = interruption;
        if (reason == null) {
            return false;
        }
        failInterrupted(trial.trialId(), reason, retriesInterrupted());
        return true;
    }

    /** Records a trial in flight as failed by an interruption, and queues its retry if the study retries them. */
    private void failInterrupted(long trialId, String reason, boolean retry) {
        try {
            if (finishQuietly(trialId, Outcome.failure(reason)) && retry) {
                queueRetry(trialId);
            }
        } catch (RuntimeException notRecorded) {
            // the study deleted meanwhile, the database out of reach: the other trials are still recorded and
            // every thread still stopped (on the shutdown hook an exception would end both, with a stack trace)
            LOG.log(System.Logger.Level.WARNING, "trial id {0} of study ''{1}'' could not be recorded as failed: {2}",
                    trialId, study.name(), notRecorded.getMessage());
            unrecorded("the running trial with id " + trialId + " could not be recorded as failed (" + notRecorded.getMessage()
                    + "); it stays RUNNING until a worker of the study finds it stale and queues it again");
        }
    }

    /**
     * The study was deleted under this run, as a heartbeat found: stops the run and interrupts the threads running
     * its trials ({@link InFlightTrials#abandon}). Nothing is recorded: there is no trial left to record it on.
     * Called on the heartbeat's thread.
     */
    void abandon(RuntimeException why) {
        stopRequested = true;
        inFlight.abandon(why);
    }

    /** @see InFlightTrials#abandonment() */
    Optional<RuntimeException> abandonment() {
        return inFlight.abandonment();
    }

    /** @return whether the study retries stopped trials (it has a retry policy); false if the storage cannot say */
    private boolean retriesInterrupted() {
        try {
            return storage.getStudySystemAttrs(studyId).containsKey(SystemAttrs.RETRY_POLICY);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "study " + studyId + ": cannot read its retry policy, so the interrupted"
                    + " trials are not queued again: " + e);
            unrecorded("the study's retry policy could not be read (" + e.getMessage() + "), so the interrupted trials"
                    + " are not queued again");
            return false;
        }
    }

    /** Queues a WAITING retry of the interrupted trial (its parameters, {@link FrozenTrial#retryAttrs}). */
    private void queueRetry(long trialId) {
        FrozenTrial failed = null;
        try {
            failed = storage.getTrial(trialId);
            storage.createTrial(studyId, new FrozenTrial(-1, -1, TrialState.WAITING, List.of(), Map.of(), Map.of(), Map.of(),
                    failed.retryAttrs(true), new java.util.TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty()));
        } catch (RuntimeException e) {
            // the interruption must finish: the trial stays failed, and counts in the budget, as before retries
            LOG.log(System.Logger.Level.WARNING, "study " + studyId + ": the interrupted trial with id " + trialId
                    + " could not be queued again: " + e);
            unrecorded((failed != null ? "trial " + failed.number() : "trial id " + trialId) + " was recorded as failed but"
                    + " could not be queued again (" + e.getMessage()
                    + "); its configuration is not run again");
        }
    }

    // ---------------------------------------------------------------- the budget

    /**
     * The budget to keep: {@code nTrials} trials that count (running and finished ones), where a
     * queued retry of a dead worker's trial stands in for the failed attempt before it, so each
     * retry raises the limit on counted trials by one. The retries are looked at only once
     * {@code counted} has reached {@code nTrials} (the end of a study), so the common case costs
     * nothing more; a limit computed before another worker queued a retry is lower than the true
     * one, never higher, so the budget is never overrun.
     */
    int budget(int nTrials, int counted) {
        if (nTrials == Integer.MAX_VALUE || counted < nTrials) {
            return nTrials;
        }
        return nTrials + retries();
    }

    /** @return how many of the study's trials count in a budget */
    int counted() {
        return storage.countTrials(studyId, BUDGET_STATES);
    }

    /** The study's trials that are retries of a failed attempt, in any state. */
    private int retries() {
        int n = 0;
        for (FrozenTrial t : study.trials()) {
            if (t.isRetry()) {
                n++;
            }
        }
        return n;
    }

    /**
     * How many trials the study has spent of a budget: those that count ({@link #counted()}) less the
     * retries, each of which stands in for a failed attempt ({@link #budget}). What a run that adds
     * trials ({@link OptimizeOptions#moreTrials}) adds to.
     */
    int spent() {
        return counted() - retries();
    }

    /**
     * Whether trials this Study object did not start are still RUNNING, so the budget may yet free up:
     * with heartbeats they finish, or their dead worker's trial is failed as stale and its retry
     * queued. Without heartbeats a dead worker cannot be told from a slow one, so this worker says
     * (a WARNING) what is left and how to run with heartbeats, and stops. A wait longer than the heartbeat
     * {@code grace} is said as a warning (shown without --verbose): a trial of a dead worker that keeps
     * heartbeats would have been failed by then, so the trials either run long or keep no heartbeat (asked
     * and never told, a Python Optuna worker without {@code heartbeat_interval}), and such a trial is never
     * failed: its worker may be gone for good. The trials are named as this process's (another
     * {@code Study} object, or another call on this one) or other processes', by their worker stamp.
     *
     * @param grace the heartbeat grace; {@link Duration#ZERO} when this worker keeps no heartbeats
     */
    boolean heldByOtherWorkers(java.time.Duration grace) {
        boolean beating = !grace.isZero();
        List<Integer> others = new ArrayList<>();
        List<Integer> own = new ArrayList<>();
        for (FrozenTrial t : storage.getAllTrials(studyId, RUNNING)) {
            if (!inFlight.contains(t.trialId())) {
                others.add(t.number());
                if (SystemAttrs.startedInThisProcess(t)) {
                    own.add(t.number());
                }
            }
        }
        if (others.isEmpty()) {
            return false;
        }
        String where = whose(others, own);
        if (!beating) {
            Study.log.log(System.Logger.Level.WARNING, "study ''{0}'': the budget is reached counting trial(s) {1} still"
                    + " RUNNING {2}; this run keeps no heartbeats, so it cannot tell a live trial from one whose process"
                    + " died, and it stops without them. A trial of a process that died stays RUNNING and counts in the"
                    + " budget for ever: no one finishes it. Run with heartbeats (the default on a database storage:"
                    + " OptimizeOptions.trials(n) without withHeartbeat(Duration.ZERO)), so that such a trial is failed"
                    + " as stale and the budget met; a trial whose process is gone without heartbeats (or that it asked"
                    + " and never told) is failed only by hand: study.failAbandonedTrial(number, reason)",
                    study.name(), others, where);
            return false;
        }
        if (!others.equals(lastAwaited)) {
            lastAwaited = others;
            awaitedSince = System.nanoTime();
            warnedLongWait = false;
            Study.log.log(System.Logger.Level.INFO, "study ''{0}'': waiting for trial(s) {1}, still running {2}, to"
                    + " finish, or to miss their heartbeat and be failed as stale (and retried, in a study that retries),"
                    + " before the budget is met", study.name(), others, where);
        } else if (!warnedLongWait && System.nanoTime() - awaitedSince > grace.toNanos()) {
            warnedLongWait = true;
            Study.log.log(System.Logger.Level.WARNING, "study ''{0}'': the budget is met once trial(s) {1}, RUNNING {3},"
                    + " finish; still waiting after {2} s. A dead worker''s trial with heartbeats is failed and retried by then,"
                    + " so these run long, or keep no heartbeat (a trial asked and never told, a Python Optuna worker without"
                    + " heartbeat_interval), which nntune cannot tell from a live one; if their worker is gone, stop with"
                    + " Ctrl-C: every finished trial is stored (in Java: fail each with"
                    + " study.failAbandonedTrial(number, reason))", study.name(), others, grace.toSeconds(), where);
        }
        return true;
    }

    /** "in other processes", "in this process (…)" or both: where {@code others} run, {@code own} being this process's. */
    private static String whose(List<Integer> others, List<Integer> own) {
        if (own.isEmpty()) {
            return "in other processes";
        }
        String here = "in this process (by another Study object, or another call on this one)";
        if (own.size() == others.size()) {
            return here;
        }
        List<Integer> theirs = new ArrayList<>(others);
        theirs.removeAll(own);
        return own + " " + here + " and " + theirs + " in other processes";
    }

    // ---------------------------------------------------------------- start and finish

    /**
     * Starts a trial: claims the first WAITING one or creates one, only while the study holds fewer
     * than {@code limit} budget trials (checked atomically with the claim or creation by the storage),
     * then lets the sampler fix and sample what it samples jointly. Call under {@link #startLock}.
     *
     * <p>A run's start ({@code optimize}) goes through the gate of the trials in flight ({@link
     * InFlightTrials#beginStart}): an interruption waits until the trial is in flight to fail it, and once
     * interrupted the run starts nothing more. A trial the caller asks for ({@link Study#ask}) does not.
     *
     * @param beat whether to stamp the trial's first heartbeat with its start
     * @param run whether the start is a run's (gated), not the caller's
     *
     * @return the trial, or empty if the budget is spent (or the run is interrupted)
     */
    Optional<Trial> start(int limit, boolean beat, boolean run) {
        if (run && !inFlight.beginStart()) {
            return Optional.empty();
        }
        FrozenTrial started;
        try {
            // with heartbeats, the first beat is part of the start: a worker that dies at any moment after
            // it (even before its heartbeat thread ticks) leaves a trial that other workers find stale; the
            // worker's name is written in the same step (on a database: no round trip of its own)
            Optional<FrozenTrial> claimed = storage.startTrialWithin(studyId, BUDGET_STATES, limit, TrialStart.beat(beat)
                    .withSystemAttr(SystemAttrs.WORKER, SystemAttrs.currentWorker()));
            if (claimed.isEmpty()) {
                return Optional.empty();
            }
            started = claimed.get();
            inFlight.put(started.trialId(), Thread.currentThread());
        } finally {
            if (run) {
                inFlight.endStart();
            }
        }
        try {
            sampler.beforeTrial(view, started);
            started = storage.getTrial(started.trialId()); // with what beforeTrial wrote
            Map<String, Distribution> space = sampler.inferRelativeSearchSpace(view, started);
            Map<String, Double> relative = space.isEmpty() ? Map.of() : sampler.sampleRelative(view, started, space);
            return Optional.of(new Trial(study, started, space, relative, started.fixedParams()));
        } catch (RuntimeException | Error e) {
            finishQuietly(started.trialId(), Outcome.failure("the sampler failed before the objective ran: "
                    + FailureReason.of(e)));
            throw e;
        }
    }

    /**
     * Stores the outcome (after the sampler's {@code afterTrial}).
     *
     * @return the trial as stored; empty if an interruption had failed it already. A trial another
     *         worker failed as stale meanwhile (this one lost its connection for longer than the
     *         heartbeat grace) is returned as that worker stored it: this outcome is dropped, the
     *         study goes on (the failure's retry trains the configuration again)
     * @throws IllegalStateException if the trial had been finished already otherwise (told twice)
     */
    Optional<FrozenTrial> finish(Trial trial, Outcome outcome) {
        FrozenTrial before = trial.snapshot();
        sampler.afterTrial(view, before, outcome.state(), outcome.values());
        Finish done = finishOnce(trial.trialId(), outcome);
        if (done instanceof Finish.Done d) {
            return Optional.of(d.trial(storage));
        }
        if (interruption != null) {
            return Optional.empty(); // failed by interrupt() while the objective ran
        }
        FrozenTrial now = storage.getTrial(trial.trialId());
        if (now.state() == TrialState.FAIL && now.failureReason().filter(r -> r.startsWith(Storage.STALE_REASON_PREFIX)).isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "trial {0} of study ''{1}'' was failed by another worker while this one was"
                    + " out of touch ({2}); its outcome here ({3}) is dropped", trial.number(), study.name(),
                    now.failureReason().get(), outcome.state());
            return Optional.of(now);
        }
        throw new IllegalStateException("trial " + trial.number() + " of study '" + study.name() + "' is " + now.state()
                + " already; it cannot be told again");
    }

    /** @return whether this call finished the trial (false if it was finished already) */
    private boolean finishQuietly(long trialId, Outcome outcome) {
        return finishOnce(trialId, outcome) instanceof Finish.Done;
    }

    /**
     * Writes the outcome unless the trial is finished already; the trial leaves the in-flight set either way.
     * No read first: every storage refuses to finish a finished trial with an IllegalStateException (the
     * storage contract), which says the same as a read would, one round trip cheaper on a database.
     */
    private Finish finishOnce(long trialId, Outcome outcome) {
        try {
            FrozenTrial done = storage.finishTrialAndGet(trialId, outcome.state(), outcome.values(), outcome.reason());
            return new Finish.Done(trialId, Optional.ofNullable(done));
        } catch (IllegalStateException finishedMeanwhile) {
            return new Finish.AlreadyFinished();
        } finally {
            inFlight.remove(trialId);
        }
    }
}
