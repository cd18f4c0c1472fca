package org.nntune.cli.output;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary's importance line of {@code nntune tune} and {@code nntune best}. */
class ImportanceLineTest {

    /** Six parameters p0..p5 with effects 32, 16, 8, 4, 2, 0 and one conditional parameter c. */
    static List<FrozenTrial> trials(int n, TrialState otherState) {
        Random r = new Random(4);
        List<FrozenTrial> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, Distribution> dists = new LinkedHashMap<>();
            double value = 0;
            for (int p = 0; p < 6; p++) {
                double x = r.nextDouble();
                params.put("p" + p, x);
                dists.put("p" + p, FloatDistribution.uniform(0, 1));
                value += (p == 5 ? 0 : 1 << (5 - p)) * x;
            }
            if (i % 2 == 0) {
                params.put("c", 0.5);
                dists.put("c", FloatDistribution.uniform(0, 1));
            }
            TrialState state = i % 10 == 9 ? otherState : TrialState.COMPLETE;
            out.add(new FrozenTrial(i, i, state, state == TrialState.COMPLETE ? List.of(value) : List.of(), params, dists,
                    Map.of(), Map.of(), new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        return out;
    }

    @Test
    void listsTheFiveMostImportantCompleteTrialParametersInOrderAndWhatWasLeftOut() {
        String line = TrialsFormat.importanceLine(trials(200, TrialState.FAIL), StudyDirection.MINIMIZE);
        assertThat(line).startsWith("parameter importance (fANOVA, 180 complete trials): p0 0.")
                .containsSubsequence("p0 ", ", p1 ", ", p2 ", ", p3 ", ", p4 ", " …; not assessed")
                .doesNotContain("p5 ")
                .endsWith("; not assessed (missing from some complete trials, as conditional parameters are, or taking one value): c.");
    }

    @Test
    void saysWhyThereAreNone() {
        assertThat(TrialsFormat.importanceLine(trials(1, TrialState.PRUNED), StudyDirection.MAXIMIZE))
                .isEqualTo("parameter importance (fANOVA, 1 complete trial): Importances need at least two complete trials.");
    }
}
