package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Downsampling and the default importance (the Pareto front is tune's ParetoFront, tested there). */
class AnalysisTest {

    @Test
    void downsamplingKeepsTheMustKeepItemsAndSpacesTheRest() {
        BitSet must = new BitSet();
        must.set(3);
        must.set(997);
        BitSet keep = Sample.keep(1000, 10, must);
        assertThat(keep.cardinality()).isBetween(9, 10);
        assertThat(keep.get(3)).isTrue();
        assertThat(keep.get(997)).isTrue();
        assertThat(keep.get(0)).isTrue();
        assertThat(Sample.keep(5, 10, new BitSet()).cardinality()).isEqualTo(5);
    }

    @Test
    void spearmanImportanceFindsTheParameterThatDrivesTheObjective() {
        Random r = new Random(3);
        List<FrozenTrial> trials = new ArrayList<>();
        String[] opts = {"sgd", "adam", "rmsprop"};
        for (int i = 0; i < 200; i++) {
            double lr = Math.pow(10, -5 + 4 * r.nextDouble());
            double dropout = 0.5 * r.nextDouble();
            String opt = opts[i % 3];
            double value = Math.log10(lr) + (opt.equals("sgd") ? 2 : 0) + 0.01 * r.nextGaussian();
            trials.add(ExampleStudies.complete(i, value, Map.of("lr", lr, "dropout", dropout, "optimizer", opt)));
        }
        ParamImportances imp = new SpearmanImportance().compute(trials, 0, StudyDirection.MINIMIZE);
        assertThat(imp.values().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(imp.ranking()).containsExactly("lr", "optimizer", "dropout");
        assertThat(imp.values().get("dropout")).isLessThan(0.1);
        assertThat(SpearmanImportance.ranks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
    }
}
