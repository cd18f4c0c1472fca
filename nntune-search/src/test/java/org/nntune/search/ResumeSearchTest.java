package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A search given a storage continues its study with {@code loadIfExists(true)}; without it, a second fit is refused as before. */
class ResumeSearchTest {
    private static final Dataset IRIS = Datasets.iris();

    static CrossValidatedSearch.Builder search(Storage storage, int trials) {
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(8)).epochs(3).logRange("lr", 1e-3, 1e-1).build();
        return RandomizedSearchCV.of(space, trials).cv(CvStrategy.kFold(3)).seed(1).refit(false).storage(storage);
    }

    @Test
    void aSecondFitResumesAndExtendsTheStoredStudy() {
        Storage storage = new InMemoryStorage();
        SearchResult first = search(storage, 2).loadIfExists(true).build().fit(IRIS);
        assertThat(first.cvResults().rows()).hasSize(2);
        SearchResult second = search(storage, 4).loadIfExists(true).build().fit(IRIS);
        // trials accumulate: the first two with their split scores as stored, two new ones
        assertThat(second.cvResults().rows()).extracting(CvResults.Row::candidate).containsExactly(0, 1, 2, 3);
        for (int i = 0; i < 2; i++) {
            CvResults.Row before = first.cvResults().row(i);
            CvResults.Row now = second.cvResults().row(i);
            assertThat(now.splitScores()).containsExactly(before.splitScores());
            assertThat(now.params()).isEqualTo(before.params());
            assertThat(now.epochs()).containsExactly(before.epochs());
            assertThat(now.state()).isEqualTo(TrialState.COMPLETE);
        }
        assertThat(second.cvResults().rows()).extracting(CvResults.Row::rank).containsExactlyInAnyOrder(1, 2, 3, 4);
        // the same budget again: nothing left to run
        assertThat(search(storage, 4).loadIfExists(true).build().fit(IRIS).cvResults().rows()).hasSize(4);
        // without loadIfExists the name is taken, as ever; another study name makes a new study
        assertThatThrownBy(() -> search(storage, 2).build().fit(IRIS)).isInstanceOf(StudyAlreadyExistsException.class);
        assertThat(search(storage, 1).studyName("other").build().fit(IRIS).cvResults().rows()).hasSize(1);
        // other splits cannot be mixed into the table
        assertThatThrownBy(() -> search(storage, 5).cv(CvStrategy.kFold(4)).loadIfExists(true).build().fit(IRIS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("study 'search' holds trials scored on 3 splits; this search has 4 (4-fold): resume it with the same cv,"
                        + " or give another studyName");
    }

    @Test
    void aResumedGridRunsOnlyThePointsNotYetTried() {
        Storage storage = new InMemoryStorage();
        Map<String, List<?>> grid = Map.of("lr", List.of(1e-3, 1e-2, 1e-1));
        MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(8)).epochs(2).build();
        // a first run stopped after two points
        GridSearchCV.of(space, grid).nTrials(2).cv(CvStrategy.kFold(3)).refit(false).storage(storage).loadIfExists(true).build().fit(IRIS);
        SearchResult all = GridSearchCV.of(space, grid).cv(CvStrategy.kFold(3)).refit(false).storage(storage).loadIfExists(true)
                .build().fit(IRIS);
        assertThat(all.cvResults().rows()).hasSize(3);
        assertThat(all.cvResults().rows()).extracting(r -> ((Number) r.params().get("lr")).doubleValue())
                .containsExactlyInAnyOrder(1e-3, 1e-2, 1e-1);
    }
}
