package org.nntune.tune.sampler;

import org.nntune.tune.trial.ParetoFront;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The below/above split of multi-objective TPE (MOTPE, Ozaki et al. 2020) as in Optuna 3.1: the
 * COMPLETE trials are taken front by front (non-dominated sorting) while whole fronts fit in the
 * {@code gamma(n)} good trials; the front that does not fit is cut by greedy hypervolume subset
 * selection (each step adds the point that adds the most hypervolume, reference point from that
 * front). Each good trial then weighs in l(x) by its hypervolume contribution within the good set,
 * divided by the largest contribution (plus 1e-12, so a point with no exclusive volume keeps a
 * trace).
 */
final class MultiObjectiveSplit {
    private MultiObjectiveSplit() {}

    private static final double EPS = 1e-12;

    /**
     * Marks the good trials in {@code below} (cleared by the caller) and writes their weights in
     * {@code weight}, both indexed by trial number.
     */
    static void mark(TpeObservations obs, int nBelow, boolean[] below, double[] weight) {
        List<Integer> remaining = new ArrayList<>();
        for (int t = 0; t < obs.size; t++) {
            if (obs.observed(t, false)) {
                remaining.add(t);
            }
        }
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < nBelow && !remaining.isEmpty()) {
            int[] front = ParetoFront.nonDominated(vectors(obs, remaining));
            List<Integer> frontTrials = new ArrayList<>(front.length);
            for (int i : front) {
                frontTrials.add(remaining.get(i));
            }
            if (chosen.size() + frontTrials.size() <= nBelow) {
                chosen.addAll(frontTrials);
                remaining.removeAll(frontTrials);
            } else {
                chosen.addAll(greedySubset(obs, frontTrials, nBelow - chosen.size()));
                break;
            }
        }
        double[][] points = vectors(obs, chosen);
        double[] w = contributionWeights(points);
        for (int i = 0; i < chosen.size(); i++) {
            below[chosen.get(i)] = true;
            weight[chosen.get(i)] = w[i];
        }
    }

    private static double[][] vectors(TpeObservations obs, List<Integer> trials) {
        double[][] v = new double[trials.size()][obs.nObjectives()];
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < obs.nObjectives(); k++) {
                v[i][k] = obs.objectives[k][trials.get(i)];
            }
        }
        return v;
    }

    /** Greedy hypervolume subset selection of {@code size} of the front's trials (ties: lowest number). */
    static List<Integer> greedySubset(TpeObservations obs, List<Integer> front, int size) {
        double[][] pts = vectors(obs, front);
        double[] reference = Hypervolume.reference(pts);
        boolean[] taken = new boolean[pts.length];
        List<double[]> selected = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        double hvSelected = 0;
        while (out.size() < size) {
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < pts.length; i++) {
                if (taken[i]) {
                    continue;
                }
                selected.add(pts[i]);
                double gain = Hypervolume.of(selected.toArray(double[][]::new), reference) - hvSelected;
                selected.remove(selected.size() - 1);
                if (gain > bestGain) {
                    bestGain = gain;
                    best = i;
                }
            }
            taken[best] = true;
            selected.add(pts[best]);
            out.add(front.get(best));
            hvSelected += bestGain;
        }
        return out;
    }

    /** Each point's hypervolume contribution (+1e-12) over the largest, in [0, 1]; 1 for a single point. */
    static double[] contributionWeights(double[][] points) {
        int n = points.length;
        if (n <= 1) {
            double[] one = new double[n];
            Arrays.fill(one, 1.0);
            return one;
        }
        double[] reference = Hypervolume.reference(points);
        double hv = Hypervolume.of(points, reference);
        double[] c = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            double[][] others = new double[n - 1][];
            for (int j = 0, k = 0; j < n; j++) {
                if (j != i) {
                    others[k++] = points[j];
                }
            }
            c[i] = hv - Hypervolume.of(others, reference) + EPS;
            max = Math.max(max, c[i]);
        }
        for (int i = 0; i < n; i++) {
            c[i] = Math.min(1, Math.max(0, c[i] / max));
        }
        return c;
    }
}
