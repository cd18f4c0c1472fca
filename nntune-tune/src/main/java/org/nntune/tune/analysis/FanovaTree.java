package org.nntune.tune.analysis;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The functional ANOVA decomposition of one regression tree over the unit cube (Hutter, Hoos and
 * Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter Importance", ICML 2014), as
 * Optuna's fANOVA evaluator computes it: the tree is a piecewise constant function on boxes; the
 * marginal of a set of features is its average over the other features (weighting leaves by the
 * volume of their boxes); the importance of the set is the variance of that marginal over the
 * cells that the tree's split points cut along those features, divided by the variance of the tree.
 */
final class FanovaTree {
    private final RegressionForest.Tree tree;
    private final int nFeatures;
    /** per node: volume-weighted mean value and total volume of its box */
    private final double[] mean;
    private final double[] volume;
    /** per node: which features its subtree splits on */
    private final boolean[][] subtreeFeatures;
    /** per feature: midpoints and widths of the cells cut by the tree's thresholds in [0, 1] */
    private final double[][] midpoints;
    private final double[][] sizes;
    private final double variance;

    FanovaTree(RegressionForest.Tree tree, int nFeatures) {
        this.tree = tree;
        this.nFeatures = nFeatures;
        int n = tree.size;
        mean = new double[n];
        volume = new double[n];
        // boxes of all nodes, parents before children (nodes are numbered in pre-order)
        double[][] lo = new double[n][];
        double[][] hi = new double[n][];
        lo[0] = new double[nFeatures];
        hi[0] = new double[nFeatures];
        Arrays.fill(hi[0], 1);
        for (int i = 0; i < n; i++) {
            int f = tree.feature[i];
            if (f < 0) {
                double v = 1;
                for (int k = 0; k < nFeatures; k++) {
                    v *= hi[i][k] - lo[i][k];
                }
                mean[i] = tree.value[i];
                volume[i] = v;
                continue;
            }
            double t = tree.threshold[i];
            int l = tree.left[i];
            int r = tree.right[i];
            lo[l] = lo[i].clone();
            hi[l] = hi[i].clone();
            hi[l][f] = Math.min(hi[l][f], t);
            lo[r] = lo[i].clone();
            hi[r] = hi[i].clone();
            lo[r][f] = Math.max(lo[r][f], t);
        }
        subtreeFeatures = new boolean[n][nFeatures];
        for (int i = n - 1; i >= 0; i--) {
            int f = tree.feature[i];
            if (f >= 0) {
                int l = tree.left[i];
                int r = tree.right[i];
                double w = volume[l] + volume[r];
                volume[i] = w;
                mean[i] = w > 0 ? (mean[l] * volume[l] + mean[r] * volume[r]) / w : 0.5 * (mean[l] + mean[r]);
                subtreeFeatures[i][f] = true;
                for (int k = 0; k < nFeatures; k++) {
                    subtreeFeatures[i][k] |= subtreeFeatures[l][k] || subtreeFeatures[r][k];
                }
            }
        }
        midpoints = new double[nFeatures][];
        sizes = new double[nFeatures][];
        @SuppressWarnings("unchecked")
        TreeSet<Double>[] splits = new TreeSet[nFeatures];
        for (int k = 0; k < nFeatures; k++) {
            splits[k] = new TreeSet<>();
        }
        for (int i = 0; i < n; i++) {
            if (tree.feature[i] >= 0) {
                splits[tree.feature[i]].add(tree.threshold[i]);
            }
        }
        for (int k = 0; k < nFeatures; k++) {
            double[] pts = new double[splits[k].size() + 2];
            int j = 1;
            for (double s : splits[k]) {
                pts[j++] = s;
            }
            pts[pts.length - 1] = 1;
            midpoints[k] = new double[pts.length - 1];
            sizes[k] = new double[pts.length - 1];
            for (int c = 0; c + 1 < pts.length; c++) {
                midpoints[k][c] = 0.5 * (pts[c] + pts[c + 1]);
                sizes[k][c] = pts[c + 1] - pts[c];
            }
        }
        // variance of the tree: over its leaves, weighted by volume
        double sw = 0;
        double sm = 0;
        for (int i = 0; i < n; i++) {
            if (tree.feature[i] < 0) {
                sw += volume[i];
                sm += volume[i] * mean[i];
            }
        }
        double avg = sm / sw;
        double sv = 0;
        for (int i = 0; i < n; i++) {
            if (tree.feature[i] < 0) {
                sv += volume[i] * (mean[i] - avg) * (mean[i] - avg);
            }
        }
        variance = sv / sw;
    }

    /** @return the variance of the tree's function over the unit cube */
    double variance() {
        return variance;
    }

    /** @return the variance of the marginal of the tree over the given features */
    double marginalVariance(int[] features) {
        int[] counts = new int[features.length];
        long cells = 1;
        for (int j = 0; j < features.length; j++) {
            counts[j] = midpoints[features[j]].length;
            cells *= counts[j];
        }
        double[] point = new double[nFeatures];
        boolean[] active = new boolean[nFeatures];
        for (int f : features) {
            active[f] = true;
        }
        double[] values = new double[(int) cells];
        double[] weights = new double[(int) cells];
        int[] idx = new int[features.length];
        for (int c = 0; c < cells; c++) {
            double size = 1;
            for (int j = 0; j < features.length; j++) {
                point[features[j]] = midpoints[features[j]][idx[j]];
                size *= sizes[features[j]][idx[j]];
            }
            double[] vw = marginalized(point, active);
            values[c] = vw[0];
            weights[c] = vw[1] * size;
            for (int j = 0; j < features.length; j++) { // next cell (odometer)
                if (++idx[j] < counts[j]) {
                    break;
                }
                idx[j] = 0;
            }
        }
        double sw = 0;
        double sm = 0;
        for (int c = 0; c < cells; c++) {
            sw += weights[c];
            sm += weights[c] * values[c];
        }
        double avg = sm / sw;
        double sv = 0;
        for (int c = 0; c < cells; c++) {
            sv += weights[c] * (values[c] - avg) * (values[c] - avg);
        }
        return Math.max(0, sv / sw);
    }

    /**
     * The tree's average over the inactive features with the active ones fixed at {@code point}:
     * {value, weight}, the reached subtrees weighted by volume per unit of active-feature volume.
     */
    private double[] marginalized(double[] point, boolean[] active) {
        ArrayDeque<Integer> nodes = new ArrayDeque<>();
        ArrayDeque<double[]> los = new ArrayDeque<>();
        ArrayDeque<double[]> his = new ArrayDeque<>();
        double[] lo0 = new double[nFeatures];
        double[] hi0 = new double[nFeatures];
        Arrays.fill(hi0, 1);
        nodes.push(0);
        los.push(lo0);
        his.push(hi0);
        double sw = 0;
        double sm = 0;
        while (!nodes.isEmpty()) {
            int i = nodes.pop();
            double[] lo = los.pop();
            double[] hi = his.pop();
            int f = tree.feature[i];
            if (f >= 0) {
                double t = tree.threshold[i];
                if (active[f]) {
                    boolean goLeft = point[f] <= t;
                    double[] nlo = lo.clone();
                    double[] nhi = hi.clone();
                    if (goLeft) {
                        nhi[f] = Math.min(nhi[f], t);
                    } else {
                        nlo[f] = Math.max(nlo[f], t);
                    }
                    nodes.push(goLeft ? tree.left[i] : tree.right[i]);
                    los.push(nlo);
                    his.push(nhi);
                    continue;
                }
                boolean splitsActive = false;
                for (int k = 0; k < nFeatures && !splitsActive; k++) {
                    splitsActive = active[k] && subtreeFeatures[i][k];
                }
                if (splitsActive) {
                    nodes.push(tree.left[i]);
                    los.push(lo);
                    his.push(hi);
                    nodes.push(tree.right[i]);
                    los.push(lo);
                    his.push(hi);
                    continue;
                }
            }
            // a leaf, or a subtree that does not split on the active features
            double card = 1;
            for (int k = 0; k < nFeatures; k++) {
                if (active[k]) {
                    card *= hi[k] - lo[k];
                }
            }
            double w = volume[i] / card;
            sw += w;
            sm += w * mean[i];
        }
        return new double[] {sw > 0 ? sm / sw : 0, sw};
    }
}
