package org.nntune.dashboard;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a report is drawn from: the study's name, its directions (one per objective), its
 * trials in any state, optionally parameter importances computed elsewhere (e.g. by fANOVA) and
 * the objectives' names; without importances the report computes its own with
 * {@link ReportOptions#importanceProvider()}, and without names it calls the objectives "value"
 * (one) or "objective k" (several).
 *
 * @param studyName the study's name (user data: escaped wherever it is shown)
 * @param directions one direction per objective, at least one
 * @param trials the trials, any states; kept sorted by trial number
 * @param importances importances of the parameters for the first objective, if computed elsewhere
 * @param objectiveNames the objectives' names (e.g. the metrics "accuracy", "parameter_count"), one per
 *     direction, or empty when the study does not record them (user data: escaped wherever shown)
 * @param finalModel the model a run saved for the best configuration and its test score, when the study records one
 * @param naiveBaseline a forecasting study's naive baselines, when the study records them
 */
public record StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials,
                              Optional<ParamImportances> importances, List<String> objectiveNames,
                              Optional<FinalModel> finalModel, Optional<NaiveBaseline> naiveBaseline) {

    /**
     * The study system attribute that names the objectives: a list of strings, one per direction.
     * Optuna's own key ({@code study.set_metric_names(...)}), so that studies in Optuna's tables show their names too.
     */
    public static final String METRIC_NAMES_ATTR = "study:metric_names";
    /**
     * The study system attribute in which {@code nntune tune} records what a trial's value means:
     * {@code "maximize accuracy, minimize parameter_count by 3-fold stratified validation"}, one
     * "direction metric" per objective. The report reads the metric names from it when the study has
     * no {@link #METRIC_NAMES_ATTR}.
     */
    static final String CLI_SCORING_ATTR = "nntune:cli:scoring";

    /** Copies the lists (trials sorted by number) and checks the directions and names. */
    public StudyReportData {
        java.util.Objects.requireNonNull(studyName, "studyName");
        java.util.Objects.requireNonNull(importances, "importances (use Optional.empty())");
        java.util.Objects.requireNonNull(finalModel, "finalModel (use Optional.empty())");
        java.util.Objects.requireNonNull(naiveBaseline, "naiveBaseline (use Optional.empty())");
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + studyName + "': at least one direction is needed");
        }
        directions = List.copyOf(directions);
        List<FrozenTrial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingInt(FrozenTrial::number));
        trials = List.copyOf(sorted);
        objectiveNames = List.copyOf(objectiveNames);
        if (!objectiveNames.isEmpty() && objectiveNames.size() != directions.size()) {
            throw new IllegalArgumentException("study '" + studyName + "': " + objectiveNames.size() + " objective names "
                    + objectiveNames + " for " + directions.size() + " directions");
        }
    }

    /** A study without recorded naive baselines. */
    public StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials,
                           Optional<ParamImportances> importances, List<String> objectiveNames, Optional<FinalModel> finalModel) {
        this(studyName, directions, trials, importances, objectiveNames, finalModel, Optional.empty());
    }

    /** A study without a recorded final model. */
    public StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials,
                           Optional<ParamImportances> importances, List<String> objectiveNames) {
        this(studyName, directions, trials, importances, objectiveNames, Optional.empty());
    }

    /** A study without precomputed importances or objective names. */
    public StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials) {
        this(studyName, directions, trials, Optional.empty(), List.of());
    }

    /** A study without objective names. */
    public StudyReportData(String studyName, List<StudyDirection> directions, List<FrozenTrial> trials,
                           Optional<ParamImportances> importances) {
        this(studyName, directions, trials, importances, List.of());
    }

    /** @return this data with importances computed elsewhere by {@code method} (e.g. "fANOVA") */
    public StudyReportData withImportances(String method, java.util.Map<String, Double> importances) {
        return withImportances(new ParamImportances(method, importances));
    }

    /** @return this data with the given importances */
    public StudyReportData withImportances(ParamImportances importances) {
        return new StudyReportData(studyName, directions, trials, Optional.of(importances), objectiveNames, finalModel, naiveBaseline);
    }

    /** @return this data with the objectives named (one name per direction; empty: unnamed) */
    public StudyReportData withObjectiveNames(List<String> names) {
        return new StudyReportData(studyName, directions, trials, importances, names, finalModel, naiveBaseline);
    }

    /** @return this data with the model a run saved for the best configuration ({@link FinalModel#of}) */
    public StudyReportData withFinalModel(Optional<FinalModel> model) {
        return new StudyReportData(studyName, directions, trials, importances, objectiveNames, model, naiveBaseline);
    }

    /** @return this data with a forecasting study's naive baselines ({@link NaiveBaseline#of}) */
    public StudyReportData withNaiveBaseline(Optional<NaiveBaseline> baseline) {
        return new StudyReportData(studyName, directions, trials, importances, objectiveNames, finalModel, baseline);
    }

    /**
     * The objectives' names a study records in its system attributes: {@link #METRIC_NAMES_ATTR}
     * (Optuna's {@code set_metric_names}), else the metrics of the scoring {@code nntune tune}
     * records ({@code "maximize accuracy, minimize parameter_count by …"}), when they are as many as
     * the directions and name the same directions.
     *
     * @return one name per direction, or empty
     */
    public static List<String> objectiveNames(Map<String, Object> systemAttrs, List<StudyDirection> directions) {
        if (systemAttrs.get(METRIC_NAMES_ATTR) instanceof List<?> names && names.size() == directions.size()
                && names.stream().allMatch(n -> n instanceof String s && !s.isBlank())) {
            return names.stream().map(String.class::cast).toList();
        }
        if (systemAttrs.get(CLI_SCORING_ATTR) instanceof String scoring) {
            int by = scoring.indexOf(" by ");
            String[] parts = (by < 0 ? scoring : scoring.substring(0, by)).split(", ");
            if (parts.length != directions.size()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int k = 0; k < parts.length; k++) {
                String[] dirAndMetric = parts[k].trim().split(" ", 2);
                if (dirAndMetric.length != 2 || dirAndMetric[1].isBlank()
                        || !dirAndMetric[0].equalsIgnoreCase(directions.get(k).name())) {
                    return List.of();
                }
                out.add(dirAndMetric[1].trim());
            }
            return List.copyOf(out);
        }
        return List.of();
    }
}
