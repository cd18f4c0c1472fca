package org.nntune.tune.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random forest of regression trees (CART, squared error), the surrogate model behind fANOVA
 * and permutation importance: each tree is grown on a bootstrap sample, considers every feature at
 * every node, splits at midpoints between distinct values, and stops at {@code maxDepth}, at
 * nodes with fewer than {@code minSamplesSplit} samples, or at pure nodes. Immutable once grown.
 */
final class RegressionForest {
    /** One tree in flat arrays; node 0 is the root; {@code feature[i] < 0} marks a leaf. */
    static final class Tree {
        int[] feature = new int[16];
        double[] threshold = new double[16];
        int[] left = new int[16];
        int[] right = new int[16];
        double[] value = new double[16];
        int size;

        int add(double v) {
            if (size == feature.length) {
                int n = size * 2;
                feature = Arrays.copyOf(feature, n);
                threshold = Arrays.copyOf(threshold, n);
                left = Arrays.copyOf(left, n);
                right = Arrays.copyOf(right, n);
                value = Arrays.copyOf(value, n);
            }
            feature[size] = -1;
            value[size] = v;
            return size++;
        }

        double predict(double[] x) {
            int node = 0;
            while (feature[node] >= 0) {
                node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
            }
            return value[node];
        }
    }

    final Tree[] trees;
    final int nFeatures;

    private RegressionForest(Tree[] trees, int nFeatures) {
        this.trees = trees;
        this.nFeatures = nFeatures;
    }

    /**
     * Grows a forest.
     *
     * @param x rows of features (at least one row)
     * @param y targets
     */
    static RegressionForest fit(double[][] x, double[] y, int nTrees, int maxDepth, int minSamplesSplit, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = x.length;
        Tree[] trees = new Tree[nTrees];
        for (int t = 0; t < nTrees; t++) {
            int[] sample = new int[n];
            for (int i = 0; i < n; i++) {
                sample[i] = rng.nextInt(n);
            }
            Tree tree = new Tree();
            grow(tree, x, y, sample, 0, n, 0, maxDepth, minSamplesSplit);
            trees[t] = tree;
        }
        return new RegressionForest(trees, x[0].length);
    }

    /** Grows the subtree over sample[from, to) and returns its node index. */
    private static int grow(Tree tree, double[][] x, double[] y, int[] sample, int from, int to, int depth,
                            int maxDepth, int minSamplesSplit) {
        int m = to - from;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += y[sample[i]];
        }
        int node = tree.add(sum / m);
        if (depth >= maxDepth || m < minSamplesSplit) {
            return node;
        }
        double bestScore = Double.NEGATIVE_INFINITY;
        int bestFeature = -1;
        double bestThreshold = 0;
        int nf = x[0].length;
        Integer[] order = new Integer[m];
        for (int f = 0; f < nf; f++) {
            for (int i = 0; i < m; i++) {
                order[i] = sample[from + i];
            }
            final int ff = f;
            Arrays.sort(order, (a, b) -> Double.compare(x[a][ff], x[b][ff]));
            // maximise sL²/nL + sR²/nR (equivalent to minimising the children's squared error)
            double sl = 0;
            for (int i = 0; i < m - 1; i++) {
                sl += y[order[i]];
                double xi = x[order[i]][f];
                double xn = x[order[i + 1]][f];
                if (xi == xn) {
                    continue;
                }
                int nl = i + 1;
                double sr = sum - sl;
                double score = sl * sl / nl + sr * sr / (m - nl);
                if (bestFeature < 0 || score > bestScore + 1e-12 * Math.abs(bestScore)) {
                    bestScore = score;
                    bestFeature = f;
                    bestThreshold = 0.5 * (xi + xn);
                }
            }
        }
        double parentScore = sum * sum / m;
        if (bestFeature < 0 || !(bestScore > parentScore + 1e-12 * Math.max(1, Math.abs(parentScore)))) {
            return node; // no split separates anything, or the node is pure
        }
        // partition sample[from, to) by the split
        int i = from;
        int j = to - 1;
        while (i <= j) {
            if (x[sample[i]][bestFeature] <= bestThreshold) {
                i++;
            } else {
                int tmp = sample[i];
                sample[i] = sample[j];
                sample[j] = tmp;
                j--;
            }
        }
        tree.feature[node] = bestFeature;
        tree.threshold[node] = bestThreshold;
        int l = grow(tree, x, y, sample, from, i, depth + 1, maxDepth, minSamplesSplit);
        tree.left[node] = l;
        int r = grow(tree, x, y, sample, i, to, depth + 1, maxDepth, minSamplesSplit);
        tree.right[node] = r;
        return node;
    }

    /** @return the forest's prediction (mean of the trees) */
    double predict(double[] x) {
        double s = 0;
        for (Tree t : trees) {
            s += t.predict(x);
        }
        return s / trees.length;
    }
}
