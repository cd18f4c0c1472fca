package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.trial.SystemAttrs;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** The final model a study records, read back for the report, from this nntune's record and an older one's. */
class FinalModelTest {

    @Test
    void readsTheRecordOfNowAndOfBefore() {
        assertThat(FinalModel.of(Map.of())).isEmpty();
        FinalModel old = FinalModel.of(Map.of(SystemAttrs.BEST_MODEL, Map.of("trial", 3, "path", "/r/best.model"))).orElseThrow();
        assertThat(old).isEqualTo(new FinalModel(3, "/r/best.model", 0, Optional.empty(), OptionalDouble.empty(), 0));
        assertThat(SummarySection.finalModel(old, 3)).isEqualTo("trial #3's configuration refitted; no test rows to score it on"
                + " (/r/best.model)");
        FinalModel now = FinalModel.of(Map.of(SystemAttrs.BEST_MODEL, Map.of("trial", 5, "path", "/r/best.model", "train_rows", 1200,
                "test_metric", "accuracy", "test_score", 0.875, "test_rows", 300))).orElseThrow();
        assertThat(SummarySection.finalModel(now, 2)).isEqualTo("trial #5's configuration (the best trial's refit failed) refitted"
                + " on 1,200 training rows; test accuracy 0.875 on 300 held-out rows (/r/best.model)");
    }
}
