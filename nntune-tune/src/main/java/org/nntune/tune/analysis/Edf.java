package org.nntune.tune.analysis;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The empirical distribution function of the objective values of a study's COMPLETE trials:
 * {@code F(x)} = the fraction of trials with a value {@code <= x}. Comparing the EDFs of two studies
 * (e.g. two search spaces or samplers) shows which one gives good values more often. Immutable.
 */
public final class Edf {
    private final double[] sorted;

    private Edf(double[] sorted) {
        this.sorted = sorted;
    }

    /** The EDF of a single-objective study's COMPLETE trials. */
    public static Edf of(StudyView study) {
        if (study.directions().size() != 1) {
            throw new IllegalArgumentException("study '" + study.name() + "' has " + study.directions().size()
                    + " objectives; use Edf.of(trials, target)");
        }
        return of(study.trials(EnumSet.of(TrialState.COMPLETE)), FrozenTrial::value);
    }

    /** The EDF of a target over the COMPLETE trials (trials with a non-finite target are left out). */
    public static Edf of(List<FrozenTrial> trials, ToDoubleFunction<FrozenTrial> target) {
        return new Edf(trials.stream().filter(t -> t.state() == TrialState.COMPLETE)
                .mapToDouble(target).filter(Double::isFinite).sorted().toArray());
    }

    /** @return how many values the EDF is made of */
    public int size() {
        return sorted.length;
    }

    /** @return the values, ascending (a copy) */
    public double[] values() {
        return sorted.clone();
    }

    /** @return F(x): the fraction of values {@code <= x} (0 for an empty EDF) */
    public double at(double x) {
        if (sorted.length == 0) {
            return 0;
        }
        int lo = 0;
        int hi = sorted.length; // first index with value > x
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sorted.length;
    }

    /**
     * @return the step points {x_i, F(x_i)} for plotting: one per distinct value, ascending
     */
    public double[][] steps() {
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 == sorted.length || sorted[i + 1] != sorted[i]) {
                distinct++;
            }
        }
        double[][] out = new double[distinct][];
        int k = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 == sorted.length || sorted[i + 1] != sorted[i]) {
                out[k++] = new double[] {sorted[i], (double) (i + 1) / sorted.length};
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Edf" + Arrays.toString(sorted);
    }
}
