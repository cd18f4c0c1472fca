package org.nntune.tune.population;

/** Told of every member round a worker of this process finishes (for progress output). */
@FunctionalInterface
public interface PopulationListener {
    /**
     * @param training the study
     * @param done the member round just finished
     * @param history the study's history right after it (all workers' rounds)
     */
    void memberRoundDone(PopulationTraining training, MemberRound done, PopulationHistory history);
}
