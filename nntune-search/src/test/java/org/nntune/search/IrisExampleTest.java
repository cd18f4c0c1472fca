package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.examples.IrisGridSearch;
import org.nntune.tune.trial.TrialState;

import static org.assertj.core.api.Assertions.assertThat;

/** scikit-learn's documented grid-search example, run as examples/java has it. */
class IrisExampleTest {

    @Test
    void theSklearnExampleFindsAModelOfAtLeast0966TestAccuracy() {
        IrisGridSearch.Outcome o = IrisGridSearch.run(0, 2);
        SearchResult r = o.result();
        CvResults cv = r.cvResults();
        assertThat(cv.rows()).hasSize(36);
        assertThat(cv.rows()).allMatch(row -> row.state() == TrialState.COMPLETE);
        assertThat(cv.rows()).allMatch(row -> row.maxEpochs() > 10 && row.maxEpochs() <= 1000);
        assertThat(r.bestParams()).containsOnlyKeys("hidden_layer_sizes", "activation", "alpha", "learning_rate");
        assertThat(r.bestScore()).isGreaterThanOrEqualTo(0.93);
        assertThat(o.testAccuracy()).isGreaterThanOrEqualTo(0.966);
        // scikit-learn ignores learning_rate under Adam: the twins share their fit, so their scores are equal
        for (CvResults.Row a : cv.rows()) {
            for (CvResults.Row b : cv.rows()) {
                java.util.Map<String, Object> pa = new java.util.HashMap<>(a.params());
                java.util.Map<String, Object> pb = new java.util.HashMap<>(b.params());
                pa.remove("learning_rate");
                pb.remove("learning_rate");
                if (pa.equals(pb)) {
                    assertThat(a.splitScores()).containsExactly(b.splitScores());
                    assertThat(a.rank()).isEqualTo(b.rank());
                }
            }
        }
        System.out.println("iris example: best " + r.bestParams() + ", CV " + r.bestScore() + ", test " + o.testAccuracy()
                + ", search " + r.searchSeconds() + " s");
    }
}
