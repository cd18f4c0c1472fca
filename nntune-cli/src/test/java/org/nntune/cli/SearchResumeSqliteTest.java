package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Datasets;
import org.nntune.search.CvResults;
import org.nntune.search.CvStrategy;
import org.nntune.search.MlpSpace;
import org.nntune.search.RandomizedSearchCV;
import org.nntune.search.SearchResult;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Java program that runs a CrossValidatedSearch on an SQLite file twice: with loadIfExists the
 * second run continues the stored study (it used to fail with StudyAlreadyExistsException).
 */
class SearchResumeSqliteTest {

    private static SearchResult run(String url, int trials) throws Exception {
        try (Storage storage = Storages.open(url)) {
            MlpSpace space = MlpSpace.builder().fixedDefaults().fix("hidden", List.of(8)).epochs(2).logRange("lr", 1e-3, 1e-1).build();
            return RandomizedSearchCV.of(space, trials).cv(CvStrategy.kFold(3)).seed(4).refit(false).storage(storage)
                    .loadIfExists(true).build().fit(Datasets.iris());
        }
    }

    @Test
    void twoRunsOfOneProgramOnOneSqliteFileAccumulateTrials(@TempDir Path dir) throws Exception {
        String url = "sqlite:" + dir.resolve("search.db");
        SearchResult first = run(url, 2);
        SearchResult second = run(url, 3);
        assertThat(second.cvResults().rows()).extracting(CvResults.Row::candidate).containsExactly(0, 1, 2);
        assertThat(second.cvResults().row(1).splitScores()).containsExactly(first.cvResults().row(1).splitScores());
        assertThat(second.cvResults().row(1).fitTimes()).containsExactly(first.cvResults().row(1).fitTimes());
    }
}
