package org.nntune.tune.sampler;

import org.nntune.tune.trial.ParetoFront;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Exact hypervolume of minimised points in any number of objectives, for multi-objective TPE: the
 * WFG recursion (While, Bradstreet and Barone 2012) — the volume is the sum of each point's
 * exclusive volume, its box minus the volume of the later points limited to it — with the
 * two-objective sweep of {@link ParetoFront#hypervolume2d} at the bottom. Points not strictly
 * better than the reference in every objective add nothing. Exponential in the worst case, fast
 * for the at most 25 points of a "below" set.
 */
final class Hypervolume {
    private Hypervolume() {}

    /** @return the volume dominated by {@code points} and bounded by {@code reference} */
    static double of(double[][] points, double[] reference) {
        int m = reference.length;
        double[][] inside = Arrays.stream(points).filter(p -> strictlyBelow(p, reference)).toArray(double[][]::new);
        if (inside.length == 0) {
            return 0;
        }
        if (m == 1) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] p : inside) {
                best = Math.min(best, p[0]);
            }
            return reference[0] - best;
        }
        if (m == 2) {
            return ParetoFront.hypervolume2d(inside, reference);
        }
        return wfg(inside, reference);
    }

    private static boolean strictlyBelow(double[] p, double[] reference) {
        if (p.length != reference.length) {
            throw new IllegalArgumentException("a point has " + p.length + " objectives, the reference " + reference.length);
        }
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] < reference[i])) {
                return false;
            }
        }
        return true;
    }

    private static double wfg(double[][] points, double[] reference) {
        double[][] pts = points.clone();
        Arrays.sort(pts, Comparator.comparingDouble(p -> p[0]));
        double total = 0;
        for (int k = 0; k < pts.length; k++) {
            double[][] limited = new double[pts.length - k - 1][];
            for (int j = k + 1; j < pts.length; j++) {
                double[] q = new double[reference.length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = Math.max(pts[k][i], pts[j][i]);
                }
                limited[j - k - 1] = q;
            }
            int[] front = ParetoFront.nonDominated(limited);
            double[][] nd = new double[front.length][];
            for (int i = 0; i < front.length; i++) {
                nd[i] = limited[front[i]];
            }
            total += box(pts[k], reference) - of(dedupe(nd), reference);
        }
        return total;
    }

    /** Equal points dominate nothing of each other; one copy carries their volume. */
    private static double[][] dedupe(double[][] pts) {
        return Arrays.stream(pts).map(p -> new Key(p)).distinct().map(k -> k.p).toArray(double[][]::new);
    }

    private record Key(double[] p) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(p, k.p);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(p);
        }
    }

    private static double box(double[] p, double[] reference) {
        double v = 1;
        for (int i = 0; i < p.length; i++) {
            v *= reference[i] - p[i];
        }
        return v;
    }

    /**
     * Optuna's reference point for a set of minimised points: per objective, the worst value pushed
     * 10 % further out ({@code max(1.1 w, 0.9 w)}), and 1e-12 where that is 0.
     */
    static double[] reference(double[][] points) {
        double[] r = new double[points[0].length];
        Arrays.fill(r, Double.NEGATIVE_INFINITY);
        for (double[] p : points) {
            for (int i = 0; i < r.length; i++) {
                r[i] = Math.max(r[i], p[i]);
            }
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.max(1.1 * r[i], 0.9 * r[i]);
            if (r[i] == 0) {
                r[i] = 1e-12;
            }
        }
        return r;
    }
}
