package org.nntune.tune.trial;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What samplers, pruners and analyses see of a study: its definition and its trials, read from the
 * storage, plus the two writes a strategy keeps its own bookkeeping with (system attributes of the
 * trial it is sampling, and a compare-and-set on the study's system attributes, e.g. a grid point
 * claimed by one trial across workers). Never the mutable {@code Study}: a strategy cannot start,
 * finish or stop trials, nor reach the runner. Thread-safe.
 */
public interface StudyView {

    /** @return the study's unique name */
    String name();

    /** @return the storage's id of the study */
    long studyId();

    /** @return one direction per objective */
    List<StudyDirection> directions();

    /**
     * @return the direction of a single-objective study
     * @throws IllegalStateException if the study has several objectives
     */
    default StudyDirection direction() {
        List<StudyDirection> ds = directions();
        if (ds.size() != 1) {
            throw new IllegalStateException("study '" + name() + "' has " + ds.size() + " objectives; use directions()");
        }
        return ds.get(0);
    }

    /** @return the study's trials in the given states, by number, fresh from the storage (read incrementally) */
    List<FrozenTrial> trials(Set<TrialState> states);

    /** @return all trials, by number */
    default List<FrozenTrial> trials() {
        return trials(EnumSet.allOf(TrialState.class));
    }

    /** @return one trial as the storage holds it now */
    FrozenTrial trial(long trialId);

    /** @return the trials created or changed since {@code cursor} (0: all), for readers keeping their own copy */
    TrialChanges trialsChangedSince(long cursor);

    /** @return the study's system attributes */
    Map<String, Object> systemAttrs();

    /** Sets a system attribute of a RUNNING or WAITING trial (a strategy's bookkeeping). */
    void setTrialSystemAttr(long trialId, String key, Object value);

    /**
     * Sets a study system attribute if and only if its current value is {@code expected} (empty:
     * absent); of many concurrent callers with the same expectation exactly one wins.
     *
     * @return whether the value was set
     */
    boolean compareAndSetSystemAttr(String key, Optional<Object> expected, Object value);
}
