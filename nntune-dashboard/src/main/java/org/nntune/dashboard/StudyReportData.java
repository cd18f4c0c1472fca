package org.nntune.dashboard;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything a report is drawn from: the study's name, its directions (one per objective), its
 * trials in any state, and optionally parameter importances computed elsewhere (e.g. by fANOVA);
 * without them the report computes its own with {@link ReportOptions#importanceProvider()}.
 *
 * @param studyName the study's name (user data: escaped wherever it is shown)
 * @param directions one direction per objective, at least one
 * @param trials the trials, any states; kept sorted by trial number
 * @param importances importances of the parameters for the first objective, if computed elsewhere
 */
public record StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials,
                              Optional<ParamImportances> importances) {

    /** Copies the lists (trials sorted by number) and checks the directions. */
    public StudyReportData {
        java.util.Objects.requireNonNull(studyName, "studyName");
        java.util.Objects.requireNonNull(importances, "importances (use Optional.empty())");
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + studyName + "': at least one direction is needed");
        }
        directions = List.copyOf(directions);
        List<FrozenTrial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingInt(FrozenTrial::number));
        trials = List.copyOf(sorted);
    }

    /** A study without precomputed importances. */
    public StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials) {
        this(studyName, directions, trials, Optional.empty());
    }

    /** @return this data with importances computed elsewhere by {@code method} (e.g. "fANOVA") */
    public StudyReportData withImportances(String method, java.util.Map<String, Double> importances) {
        return withImportances(new ParamImportances(method, importances));
    }

    /** @return this data with the given importances */
    public StudyReportData withImportances(ParamImportances importances) {
        return new StudyReportData(studyName, directions, trials, Optional.of(importances));
    }
}
