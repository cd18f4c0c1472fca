package org.nntune.tune.trial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * Pareto dominance, non-dominated sorting, crowding distance and hypervolume, and the Pareto front
 * (the "best trials") of a study with one or more objectives.
 *
 * <p>Vectors passed to the {@code double[]} methods are <em>minimised</em> in every coordinate
 * (turn maximised objectives with {@link StudyDirection#toMinimized}). {@code a} dominates
 * {@code b} when it is no worse in every objective and strictly better in at least one.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /** @return whether {@code a} dominates {@code b} (both minimised) */
    public static boolean dominates(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("cannot compare " + a.length + " objectives with " + b.length);
        }
        boolean strictly = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i]) {
                return false;
            }
            strictly |= a[i] < b[i];
        }
        return strictly;
    }

    /** @return whether trial {@code a} dominates trial {@code b} under the study's directions */
    public static boolean dominates(FrozenTrial a, FrozenTrial b, List<StudyDirection> directions) {
        boolean better = false;
        for (int k = 0; k < directions.size(); k++) {
            double va = directions.get(k).toMinimized(a.values().get(k));
            double vb = directions.get(k).toMinimized(b.values().get(k));
            if (va > vb) {
                return false;
            }
            better |= va < vb;
        }
        return better;
    }

    /**
     * Constrained domination (Deb et al., NSGA-II): a feasible point dominates an infeasible one; of two
     * infeasible points the one with the smaller total violation dominates; two feasible points
     * compare by Pareto dominance.
     *
     * @param va total constraint violation of {@code a} (0 when feasible)
     * @param vb total constraint violation of {@code b}
     */
    public static boolean constrainedDominates(double[] a, double va, double[] b, double vb) {
        if (va == 0 && vb == 0) {
            return dominates(a, b);
        }
        if (va == 0) {
            return true;
        }
        if (vb == 0) {
            return false;
        }
        return va < vb;
    }

    /**
     * Non-dominated sorting under constrained domination.
     *
     * @param values minimised objective vectors
     * @param violations total constraint violation per point (all 0 without constraints)
     * @return the rank of every point: 0 for the first front, 1 for the next, …
     */
    public static int[] ranks(double[][] values, double[] violations) {
        int n = values.length;
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dominates.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (constrainedDominates(values[i], violations[i], values[j], violations[j])) {
                    dominates.get(i).add(j);
                    dominatedBy[j]++;
                } else if (constrainedDominates(values[j], violations[j], values[i], violations[i])) {
                    dominates.get(j).add(i);
                    dominatedBy[i]++;
                }
            }
        }
        int[] rank = new int[n];
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominatedBy[i] == 0) {
                front.add(i);
            }
        }
        int r = 0;
        while (!front.isEmpty()) {
            List<Integer> next = new ArrayList<>();
            for (int i : front) {
                rank[i] = r;
                for (int j : dominates.get(i)) {
                    if (--dominatedBy[j] == 0) {
                        next.add(j);
                    }
                }
            }
            front = next;
            r++;
        }
        return rank;
    }

    /**
     * Crowding distance of the points of one front: per objective, the normalised gap between a
     * point's neighbours, summed; the extreme points get infinity.
     */
    public static double[] crowdingDistance(double[][] front) {
        int n = front.length;
        double[] dist = new double[n];
        if (n == 0) {
            return dist;
        }
        int m = front[0].length;
        Integer[] idx = new Integer[n];
        for (int k = 0; k < m; k++) {
            final int obj = k;
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, Comparator.comparingDouble(i -> front[i][obj]));
            double lo = front[idx[0]][k];
            double hi = front[idx[n - 1]][k];
            dist[idx[0]] = Double.POSITIVE_INFINITY;
            dist[idx[n - 1]] = Double.POSITIVE_INFINITY;
            if (hi == lo) {
                continue;
            }
            for (int i = 1; i < n - 1; i++) {
                dist[idx[i]] += (front[idx[i + 1]][k] - front[idx[i - 1]][k]) / (hi - lo);
            }
        }
        return dist;
    }

    /**
     * The indices of the non-dominated points (plain Pareto dominance; duplicates of a front point are
     * all kept). O(n log n + n·f) for a front of size f: points sorted lexicographically can only be
     * dominated by earlier points, and then by a front member.
     */
    public static int[] nonDominated(double[][] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Arrays.compare(values[a], values[b]));
        List<Integer> front = new ArrayList<>();
        for (int i : idx) {
            boolean dominated = false;
            for (int f : front) {
                if (dominates(values[f], values[i])) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(i);
            }
        }
        return front.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * The Pareto front of a study: its COMPLETE, feasible trials (see {@link Constraints}) that no
     * other such trial dominates, by number. For one objective these are the trials with the best value.
     */
    public static List<FrozenTrial> of(StudyView study) {
        return of(study.trials(EnumSet.of(TrialState.COMPLETE)), study.directions());
    }

    /**
     * The Pareto front of the given trials (see {@link #of(StudyView)}); FAIL, PRUNED, RUNNING and WAITING
     * trials and infeasible ones never count.
     *
     * @throws IllegalArgumentException if a COMPLETE trial's values do not match the directions
     */
    public static List<FrozenTrial> of(List<FrozenTrial> trials, List<StudyDirection> directions) {
        List<FrozenTrial> eligible = new ArrayList<>();
        for (FrozenTrial t : trials) {
            if (t.state() != TrialState.COMPLETE) {
                continue;
            }
            if (t.values().size() != directions.size()) {
                throw new IllegalArgumentException("trial " + t.number() + " has " + t.values().size()
                        + " values for " + directions.size() + " directions");
            }
            if (Constraints.isFeasible(t)) {
                eligible.add(t);
            }
        }
        double[][] v = minimized(eligible, directions);
        List<FrozenTrial> out = new ArrayList<>();
        for (int i : nonDominated(v)) {
            out.add(eligible.get(i));
        }
        out.sort(Comparator.comparingInt(FrozenTrial::number));
        return out;
    }

    /** @return the trials' values turned so that every objective is minimised */
    public static double[][] minimized(List<FrozenTrial> trials, List<StudyDirection> directions) {
        double[][] v = new double[trials.size()][directions.size()];
        for (int i = 0; i < trials.size(); i++) {
            for (int k = 0; k < directions.size(); k++) {
                v[i][k] = directions.get(k).toMinimized(trials.get(i).values().get(k));
            }
        }
        return v;
    }

    /**
     * The area dominated by two-objective points (minimised) and bounded by the reference point:
     * the hypervolume indicator. Points not strictly better than the reference in both objectives add nothing.
     */
    public static double hypervolume2d(double[][] points, double[] reference) {
        if (reference.length != 2) {
            throw new IllegalArgumentException("hypervolume2d needs a 2-objective reference point, got " + reference.length);
        }
        List<double[]> pts = new ArrayList<>();
        for (double[] p : points) {
            if (p.length != 2) {
                throw new IllegalArgumentException("hypervolume2d needs 2-objective points, got " + p.length);
            }
            if (p[0] < reference[0] && p[1] < reference[1]) {
                pts.add(p);
            }
        }
        pts.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double hv = 0;
        double lastY = reference[1];
        for (double[] p : pts) {
            if (p[1] < lastY) {
                hv += (reference[0] - p[0]) * (lastY - p[1]);
                lastY = p[1];
            }
        }
        return hv;
    }
}
