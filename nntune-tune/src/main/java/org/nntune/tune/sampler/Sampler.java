package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;

/**
 * Chooses parameter values for new trials. A sampler reads the study's trials (through
 * {@link StudyView#trials}, which refreshes incrementally from the storage) and keeps no state that
 * the storage cannot rebuild, apart from its random generator and caches: any worker in any process
 * can take a study over.
 *
 * <p>Two entry points, as in Optuna:
 * <ul>
 *   <li><b>relative (joint)</b>: at the start of each trial the study calls
 *       {@link #inferRelativeSearchSpace} and then {@link #sampleRelative} once; the values it
 *       returns are used when the objective asks for those parameters with those distributions;</li>
 *   <li><b>independent</b>: every parameter the relative entry did not cover is sampled by
 *       {@link #sampleIndependent}, one at a time, when the objective asks for it (define-by-run).</li>
 * </ul>
 * All values cross this interface in the distributions' <em>internal</em> representation (a
 * categorical choice is its index; see {@link Distribution}). Returned values must lie in their
 * distribution. Implementations must be safe to call from several worker threads at once.
 */
public interface Sampler {

    /**
     * @return the parameters to sample jointly for {@code trial}; empty (the default) for samplers
     *     that only sample independently
     */
    default Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        return Map.of();
    }

    /**
     * Samples the relative search space jointly.
     *
     * @return parameter name → internal value, for some or all names of {@code searchSpace}
     */
    default Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial, Map<String, Distribution> searchSpace) {
        return Map.of();
    }

    /**
     * Samples one parameter on its own.
     *
     * @param trial the trial as it is now (the parameters suggested so far)
     * @return the internal value, inside {@code distribution}
     */
    double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution);

    /** What a sampler says about starting another trial; see {@link #readiness}. */
    enum Readiness {
        /** A trial can start now. */
        READY,
        /** Every remaining candidate is held by a running trial; ask again later. */
        WAIT,
        /** Nothing is left to sample: the study stops. */
        EXHAUSTED
    }

    /**
     * Asked before a trial is created (by {@code optimize} and {@code ask}). Only samplers with a
     * finite set of candidates (the grid) answer anything but READY, the default.
     */
    default Readiness readiness(StudyView study) {
        return Readiness.READY;
    }

    /** Called when a trial starts, before any sampling; e.g. to fix a grid point. */
    default void beforeTrial(StudyView study, FrozenTrial trial) {}

    /**
     * Called after the objective finished and before the trial's state is written.
     *
     * @param state the state the trial is about to get
     * @param values its values (empty unless COMPLETE)
     */
    default void afterTrial(StudyView study, FrozenTrial trial, TrialState state, List<Double> values) {}

    /** Restarts the random generator from a seed (e.g. the study seed). */
    void reseed(long seed);

    /**
     * @return a new instance of the sampler a study uses when none is given: {@link TpeSampler}
     *     with nntune's defaults (a Sobol start-up, then TPE)
     */
    static Sampler standard() {
        return new TpeSampler();
    }
}
