package org.nntune.dashboard;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The model a run saved for the study's best configuration: trial {@code trial}'s parameters refitted
 * on {@code trainRows} rows and written to {@code path}, scored on {@code testRows} held-out rows when
 * the study's data had a test part. The report shows it beside the best trial's validation value, which
 * was used to choose the configuration and so flatters it; the test score was not.
 *
 * @param trial the number of the trial whose configuration was refitted
 * @param path the model file, as the run wrote it
 * @param trainRows the rows the refit trained on, 0 when not recorded
 * @param metric the test score's metric, when scored
 * @param testScore the score on the held-out test rows, when the data had them
 * @param testRows how many test rows, 0 when none
 */
public record FinalModel(int trial, String path, int trainRows, Optional<String> metric, OptionalDouble testScore, int testRows) {

    /**
     * The final model a study's system attributes record ({@code best_model}: {@code trial}, {@code path}, and from
     * nntune of 2026-12-07 on {@code train_rows}, {@code test_metric}, {@code test_score}, {@code test_rows}), if any.
     */
    public static Optional<FinalModel> of(Map<String, Object> systemAttrs) {
        if (!(systemAttrs.get(org.nntune.tune.trial.SystemAttrs.BEST_MODEL) instanceof Map<?, ?> m)
                || !(m.get("trial") instanceof Number trial) || !(m.get("path") instanceof String path)) {
            return Optional.empty();
        }
        boolean scored = m.get("test_score") instanceof Number && m.get("test_metric") instanceof String;
        return Optional.of(new FinalModel(trial.intValue(), path, m.get("train_rows") instanceof Number n ? n.intValue() : 0,
                scored ? Optional.of((String) m.get("test_metric")) : Optional.empty(),
                scored ? OptionalDouble.of(((Number) m.get("test_score")).doubleValue()) : OptionalDouble.empty(),
                scored && m.get("test_rows") instanceof Number r ? r.intValue() : 0));
    }
}
