package org.nntune.tune.run;

/**
 * One study's trials as a {@link Runner} drives them: the study says what a worker does next and
 * how a trial runs; the runner owns the threads, the clock, the deadline and the heartbeats. The
 * runner knows nothing of studies, samplers or storages.
 */
public interface TrialLoop {

    /**
     * Decides a worker's next step: start a trial and return it to run, wait, or stop. Called by
     * every worker; the loop does its own locking.
     */
    Step next();

    /** @return whether the run should end (stop requested or interrupted): no new trial starts */
    boolean stopped();

    /** Stops the run after the running trials (e.g. when a worker failed). */
    void stop();

    /**
     * Records every trial in flight as failed with {@code reason}, stops the run and interrupts the
     * threads running those trials.
     */
    void interrupt(String reason);

    /** @return whether the run was interrupted */
    boolean interrupted();

    /** @return the trials in flight (what the heartbeats stamp) */
    InFlightTrials inFlight();

    /** Stamps a heartbeat on a trial in flight. */
    void beat(long trialId);
}
