package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CvResultsTest {

    private static CvResults.Row row(int n, TrialState s, double... scores) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("a", n);
        params.put("name", "x,\"y\"");
        return new CvResults.Row(n, s, params, scores, new double[] {1, 3}, new double[] {0.5, 0.5},
                new int[] {4, 6}, 0, s == TrialState.FAIL ? "diverged, NaN" : "");
    }

    @Test
    void ranksFollowScikitLearnsMinMethodAndUnfinishedRowsComeLast() {
        CvResults r = new CvResults("accuracy", true, 2, List.of(row(3, TrialState.COMPLETE, 0.9, 0.7),
                row(0, TrialState.COMPLETE, 0.8, 0.8), row(1, TrialState.PRUNED, 0.2, 0.4), row(2, TrialState.COMPLETE, 1.0, 0.9),
                row(4, TrialState.FAIL, Double.NaN, Double.NaN)));
        assertThat(r.rows()).extracting(CvResults.Row::candidate).containsExactly(0, 1, 2, 3, 4);
        assertThat(r.rows()).extracting(CvResults.Row::rank).containsExactly(2, 4, 1, 2, 4);
        assertThat(r.best().orElseThrow().candidate()).isEqualTo(2);
        CvResults.Row first = r.row(3);
        assertThat(first.meanScore()).isCloseTo(0.8, within(1e-12));
        assertThat(first.stdScore()).isCloseTo(0.1, within(1e-12));
        assertThat(first.meanFitTime()).isEqualTo(2);
        assertThat(first.stdFitTime()).isEqualTo(1);
        assertThat(first.maxEpochs()).isEqualTo(6);

        CvResults lower = new CvResults("log_loss", false, 2, List.of(row(0, TrialState.COMPLETE, 0.3, 0.3),
                row(1, TrialState.COMPLETE, 0.1, 0.2)));
        assertThat(lower.best().orElseThrow().candidate()).isEqualTo(1);
    }

    @Test
    void csvQuotesAndLeavesUnknownScoresEmpty() {
        CvResults r = new CvResults("accuracy", true, 2, List.of(row(0, TrialState.COMPLETE, 0.5, 1.0),
                row(1, TrialState.FAIL, Double.NaN, Double.NaN)));
        String[] lines = r.toCsv().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("candidate,mean_fit_time,std_fit_time,mean_score_time,std_score_time,param_a,param_name,"
                + "params,split0_test_score,split1_test_score,mean_test_score,std_test_score,rank_test_score,state,epochs,failure");
        assertThat(lines[1]).startsWith("0,2.00000,1.00000,0.500000,0.00000,0,\"x,\"\"y\"\"\",");
        assertThat(lines[1]).endsWith(",0.500000,1.00000,0.750000,0.250000,1,COMPLETE,6,");
        assertThat(lines[2]).endsWith(",,,,,2,FAIL,6,\"diverged, NaN\"");
    }
}
