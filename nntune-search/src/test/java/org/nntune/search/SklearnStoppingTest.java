package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Splits;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scikit-learn compatible mode stops as MLPClassifier/MLPRegressor do. */
class SklearnStoppingTest {
    private static final Dataset TRAIN = Splits.canonical(Datasets.iris()).train(Datasets.iris());

    private static NetworkEstimator fitted(Map<String, Object> params) {
        MlpSpace space = MlpSpace.builder().sklearnDefaults().fix("preprocessing", "standard").fix("hidden", List.of(16))
                .choices("early_stopping", true, false).build();
        NetworkEstimator e = (NetworkEstimator) space.suggest(ParamSource.fixed(params), 0);
        e.fit(TRAIN);
        return e;
    }

    @Test
    void withoutEarlyStoppingTheTrainingLossRuleStopsBeforeMaxIter() {
        NetworkEstimator e = fitted(Map.of("early_stopping", false));
        assertThat(e.config().earlyStopping()).isZero();
        Map<String, String> hp = e.model().provenance().hyperparameters();
        assertThat(hp).containsEntry("stall_tolerance", "1.0E-4").containsEntry("stall_patience", "10")
                .doesNotContainKey("stall_on").doesNotContainKey("validation_fraction");
        assertThat(e.epochsTrained()).isLessThan(1000);
        assertThat(e.history().stopReason()).contains("training loss did not improve by 1.0E-4 for 10 consecutive epochs");
    }

    @Test
    void earlyStoppingTrueIsSklearnsValidationScoreRule() {
        NetworkEstimator e = fitted(Map.of("early_stopping", true));
        assertThat(e.config().earlyStopping()).isEqualTo(NetworkConfig.SKLEARN_N_ITER_NO_CHANGE);
        Map<String, String> hp = e.model().provenance().hyperparameters();
        assertThat(hp).containsEntry("stall_on", "validation_score").containsEntry("stall_patience", "10")
                .containsEntry("validation_fraction", "0.1");
        assertThat(e.epochsTrained()).isLessThan(1000);
        assertThat(e.history().stopReason()).contains("validation score (accuracy) did not improve by 1.0E-4");
    }

    @Test
    void aSklearnGridTakesTheBooleansOfEarlyStopping() {
        SearchResult r = GridSearchCV.sklearn(Map.of("hidden_layer_sizes", List.of(List.of(8)), "early_stopping", List.of(true, false),
                "max_iter", List.of(30))).cv(CvStrategy.stratifiedKFold(3)).seed(1).refit(false).build().fit(TRAIN);
        assertThat(r.cvResults().rows()).hasSize(2);
        assertThat(r.cvResults().rows()).extracting(row -> row.params().get("early_stopping")).containsExactlyInAnyOrder(true, false);
    }
}
