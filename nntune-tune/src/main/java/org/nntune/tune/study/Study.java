package org.nntune.tune.study;

import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.storage.Storage;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named optimisation task kept in a {@link Storage}: its directions and its trials. This part
 * of the class is what samplers and pruners use; the optimisation loop is built on it.
 */
public final class Study {
    private final Storage storage;
    private final long studyId;
    private final String name;
    private final List<StudyDirection> directions;
    private final Sampler sampler;
    private final Pruner pruner;
    private final TrialCache cache;

    Study(Storage storage, long studyId, String name, List<StudyDirection> directions, Sampler sampler, Pruner pruner) {
        this.storage = storage;
        this.studyId = studyId;
        this.name = name;
        this.directions = List.copyOf(directions);
        this.sampler = sampler;
        this.pruner = pruner;
        this.cache = new TrialCache(storage, studyId);
    }

    /** @return the study's unique name */
    public String name() {
        return name;
    }

    /** @return the storage's id of the study */
    public long studyId() {
        return studyId;
    }

    /** @return the storage holding the study */
    public Storage storage() {
        return storage;
    }

    /** @return one direction per objective */
    public List<StudyDirection> directions() {
        return directions;
    }

    /**
     * @return the direction of a single-objective study
     * @throws IllegalStateException if the study has several objectives
     */
    public StudyDirection direction() {
        if (directions.size() != 1) {
            throw new IllegalStateException("study '" + name + "' has " + directions.size()
                    + " objectives; use directions()");
        }
        return directions.get(0);
    }

    /** @return the sampler */
    public Sampler sampler() {
        return sampler;
    }

    /** @return the pruner */
    public Pruner pruner() {
        return pruner;
    }

    /**
     * The study's trials in the given states, by number, fresh from the storage. Cheap to call per
     * trial: only what changed since the last call is read.
     */
    public List<FrozenTrial> trials(Set<TrialState> states) {
        return cache.trials(states);
    }

    /** @return all trials, by number */
    public List<FrozenTrial> trials() {
        return cache.trials(EnumSet.allOf(TrialState.class));
    }

    /** @return the best COMPLETE trial of a single-objective study, if there is one */
    public Optional<FrozenTrial> findBestTrial() {
        return storage.getBestTrial(studyId);
    }
}
