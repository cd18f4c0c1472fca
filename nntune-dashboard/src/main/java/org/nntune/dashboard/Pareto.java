package org.nntune.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of points given as objective vectors turned so that smaller is better.
 * A point is on the front when no other point is at least as good in every objective and better in
 * one (equal points are both on the front).
 */
final class Pareto {
    private Pareto() {}

    /**
     * Sorts the points lexicographically (only an earlier or equal point can dominate a later one),
     * then keeps each point no front member dominates. O(n log n + n × front size).
     *
     * @param minimized {@code minimized[i]} is point {@code i}'s objective vector (all the same length)
     * @return whether each point is on the front
     */
    static boolean[] front(double[][] minimized) {
        int n = minimized.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Comparator<Integer> lex = (a, b) -> Arrays.compare(minimized[a], minimized[b]);
        Arrays.sort(order, lex);
        boolean[] on = new boolean[n];
        List<double[]> front = new ArrayList<>();
        for (int i : order) {
            double[] p = minimized[i];
            boolean dominated = false;
            for (double[] q : front) {
                if (dominates(q, p)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                on[i] = true;
                front.add(p);
            }
        }
        return on;
    }

    /** @return whether {@code a} is no worse than {@code b} everywhere and better somewhere */
    static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > b[k]) {
                return false;
            }
            better |= a[k] < b[k];
        }
        return better;
    }
}
