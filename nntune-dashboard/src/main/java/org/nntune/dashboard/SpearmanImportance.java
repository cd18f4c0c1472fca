package org.nntune.dashboard;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simple, fast importance: for a numeric parameter the absolute Spearman rank correlation
 * between its value and the objective; for a categorical one the correlation ratio η of the
 * objective's ranks grouped by choice (how much of the rank variance the choice explains, square
 * rooted so that it is on the same footing as |ρ|). Each is computed over the trials that have the
 * parameter, then all are normalised to sum 1. It sees monotone effects only (a parameter whose
 * best value lies in the middle of its range scores low); fANOVA does better. O(n log n) per
 * parameter.
 */
public final class SpearmanImportance implements ImportanceProvider {

    /** The label shown with the plot. */
    public static final String METHOD = "|Spearman ρ| (numeric) or rank correlation ratio η (categorical), normalised to sum 1";

    @Override
    public ParamImportances compute(List<FrozenTrial> completeTrials, int objective, StudyDirection direction) {
        Set<String> names = new LinkedHashSet<>();
        for (FrozenTrial t : completeTrials) {
            names.addAll(t.params().keySet());
        }
        Map<String, Double> raw = new LinkedHashMap<>();
        double sum = 0;
        for (String name : names) {
            List<FrozenTrial> with = new ArrayList<>();
            boolean categorical = false;
            for (FrozenTrial t : completeTrials) {
                if (t.params().containsKey(name)) {
                    with.add(t);
                    categorical |= t.distributions().get(name) instanceof CategoricalDistribution;
                }
            }
            double[] y = new double[with.size()];
            double[] x = new double[with.size()];
            for (int i = 0; i < y.length; i++) {
                FrozenTrial t = with.get(i);
                y[i] = t.values().get(objective);
                x[i] = t.internalParam(name);
            }
            double s = y.length < 3 ? 0 : categorical ? correlationRatio(x, ranks(y)) : Math.abs(pearson(ranks(x), ranks(y)));
            if (!Double.isFinite(s)) {
                s = 0;
            }
            raw.put(name, s);
            sum += s;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : raw.entrySet()) {
            out.put(e.getKey(), sum > 0 ? e.getValue() / sum : 0.0);
        }
        return new ParamImportances(METHOD, out);
    }

    /** @return average ranks (ties share the mean of their positions), 1-based; O(n log n) on primitives */
    static double[] ranks(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int first = lowerBound(sorted, v[i]);
            int last = lowerBound(sorted, Math.nextUp(v[i])) - 1;
            r[i] = (first + last) / 2.0 + 1;
        }
        return r;
    }

    /** @return the first index whose value is {@code >= x} */
    private static int lowerBound(double[] sorted, double x) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    /** η = sqrt(between-group sum of squares / total sum of squares) of {@code y} grouped by {@code group}. */
    static double correlationRatio(double[] group, double[] y) {
        Map<Double, double[]> sums = new LinkedHashMap<>();
        double mean = 0;
        for (int i = 0; i < y.length; i++) {
            double[] s = sums.computeIfAbsent(group[i], k -> new double[2]);
            s[0] += y[i];
            s[1]++;
            mean += y[i];
        }
        mean /= y.length;
        double total = 0;
        for (double v : y) {
            total += (v - mean) * (v - mean);
        }
        double between = 0;
        for (double[] s : sums.values()) {
            double gm = s[0] / s[1];
            between += s[1] * (gm - mean) * (gm - mean);
        }
        return total == 0 ? 0 : Math.sqrt(between / total);
    }
}
