package org.nntune.tune.trial;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a storage knows about one study, without its trials.
 *
 * @param studyId the storage's id of the study
 * @param name the unique name
 * @param directions one direction per objective; empty only in a listing of every study, for a study whose
 *     directions the storage cannot read (an Optuna study whose direction is NOT_SET), whose
 *     {@code getStudyDirections} then says why
 * @param userAttrs attributes set by the user
 * @param systemAttrs attributes set by nntune (e.g. the stored study definition, data fingerprint)
 * @param nTrials how many trials the study has, in any state
 * @param datetimeStart the start of its first trial, if any
 */
public record StudySummary(long studyId, String name, List<StudyDirection> directions,
                           Map<String, Object> userAttrs, Map<String, Object> systemAttrs,
                           int nTrials, Optional<Instant> datetimeStart) {
    /** Copies the collections unmodifiable. */
    public StudySummary {
        directions = List.copyOf(directions);
        userAttrs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(userAttrs));
        systemAttrs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(systemAttrs));
    }

    /** @return whether the study is a copy that has not (yet) arrived whole ({@link SystemAttrs#COPY_IN_PROGRESS}) */
    public boolean isIncompleteCopy() {
        return systemAttrs.containsKey(SystemAttrs.COPY_IN_PROGRESS);
    }

    /** @return for an incomplete copy, how many trials the whole copy has, as its mark records them (if it does) */
    public java.util.OptionalInt copyExpectedTrials() {
        return systemAttrs.get(SystemAttrs.COPY_IN_PROGRESS) instanceof Map<?, ?> m && m.get("trials") instanceof Number n
                ? java.util.OptionalInt.of(n.intValue()) : java.util.OptionalInt.empty();
    }
}
