package org.nntune.tune.analysis;

import org.nntune.tune.sampler.SpaceCodec;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * How much each parameter explains of the objective's variation over a study's COMPLETE trials.
 *
 * <p>Both estimates fit a {@link RegressionForest random forest} to the trials of the joint search
 * space (the parameters every COMPLETE trial has; single-valued ones left out) encoded in the unit
 * cube (log ranges in log space, categoricals one-hot):
 * <ul>
 *   <li>{@link #fanova} — Optuna's default method: the fANOVA decomposition of every tree; a
 *       parameter's importance is the variance of the tree's marginal over that parameter divided by
 *       the tree's total variance, averaged over the trees. (Optuna measures the volumes of the
 *       tree's boxes in raw parameter values; here they are measured in the warped unit cube.)</li>
 *   <li>{@link #permutation} — cheaper: the increase of the forest's squared error when a
 *       parameter's values are shuffled across trials.</li>
 * </ul>
 * Both return the parameters with normalised importances that sum to 1, most important first
 * (equal shares when the objective does not vary).
 */
public final class ParamImportance {
    private ParamImportance() {}

    /**
     * Options of the forest.
     *
     * @param nTrees number of trees, >= 1
     * @param maxDepth deepest split level, >= 1
     * @param minSamplesSplit fewest samples a node needs to be split, >= 2
     * @param seed the seed of the bootstrap samples (and of the shuffles of permutation importance)
     */
    public record Options(int nTrees, int maxDepth, int minSamplesSplit, long seed) {
        /** Validates. */
        public Options {
            if (nTrees < 1) {
                throw new IllegalArgumentException("nTrees must be >= 1, got " + nTrees);
            }
            if (maxDepth < 1) {
                throw new IllegalArgumentException("maxDepth must be >= 1, got " + maxDepth);
            }
            if (minSamplesSplit < 2) {
                throw new IllegalArgumentException("minSamplesSplit must be >= 2, got " + minSamplesSplit);
            }
        }

        /** Optuna's fANOVA defaults: 64 trees, depth 64, split from 2 samples, seed 0. */
        public static Options defaults() {
            return new Options(64, 64, 2, 0);
        }
    }

    /** fANOVA importances of a single-objective study with the default options. */
    public static Map<String, Double> fanova(StudyView study) {
        return fanova(study.trials(EnumSet.of(TrialState.COMPLETE)), singleValue(study), Options.defaults());
    }

    /**
     * fANOVA importances of a target computed from trials (e.g. one objective of several).
     *
     * @throws IllegalArgumentException if fewer than two COMPLETE trials have a finite target, or
     *     they have no parameter in common that takes more than one value
     */
    public static Map<String, Double> fanova(List<FrozenTrial> trials, ToDoubleFunction<FrozenTrial> target,
                                             Options options) {
        Data d = data(trials, target);
        RegressionForest forest = RegressionForest.fit(d.x, d.y, options.nTrees(), options.maxDepth(),
                options.minSamplesSplit(), options.seed());
        double[] raw = new double[d.groups.size()];
        for (RegressionForest.Tree tree : forest.trees) {
            FanovaTree ft = new FanovaTree(tree, d.codec.dim());
            double total = ft.variance();
            if (!(total > 0)) {
                continue;
            }
            for (int p = 0; p < raw.length; p++) {
                raw[p] += ft.marginalVariance(d.groups.get(p)) / total / forest.trees.length;
            }
        }
        return normalised(d.codec.names(), raw);
    }

    /** Permutation importances of a single-objective study (16 trees, 5 shuffles, seed 0). */
    public static Map<String, Double> permutation(StudyView study) {
        return permutation(study.trials(EnumSet.of(TrialState.COMPLETE)), singleValue(study),
                new Options(16, 64, 2, 0), 5);
    }

    /**
     * Permutation importances: per parameter, the mean increase over {@code repeats} shuffles of the
     * forest's mean squared error on the trials when that parameter's columns are shuffled together.
     */
    public static Map<String, Double> permutation(List<FrozenTrial> trials, ToDoubleFunction<FrozenTrial> target,
                                                  Options options, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        Data d = data(trials, target);
        RegressionForest forest = RegressionForest.fit(d.x, d.y, options.nTrees(), options.maxDepth(),
                options.minSamplesSplit(), options.seed());
        double base = mse(forest, d.x, d.y);
        SplittableRandom rng = new SplittableRandom(options.seed() ^ 0x9E3779B97F4A7C15L);
        int n = d.x.length;
        double[] raw = new double[d.groups.size()];
        for (int p = 0; p < raw.length; p++) {
            for (int r = 0; r < repeats; r++) {
                int[] perm = new int[n];
                for (int i = 0; i < n; i++) {
                    perm[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                double[][] xp = new double[n][];
                for (int i = 0; i < n; i++) {
                    xp[i] = d.x[i].clone();
                    for (int c : d.groups.get(p)) {
                        xp[i][c] = d.x[perm[i]][c];
                    }
                }
                raw[p] += Math.max(0, mse(forest, xp, d.y) - base) / repeats;
            }
        }
        return normalised(d.codec.names(), raw);
    }

    private static double mse(RegressionForest f, double[][] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double e = f.predict(x[i]) - y[i];
            s += e * e;
        }
        return s / x.length;
    }

    private static ToDoubleFunction<FrozenTrial> singleValue(StudyView study) {
        if (study.directions().size() != 1) {
            throw new IllegalArgumentException("study '" + study.name() + "' has " + study.directions().size()
                    + " objectives; pass the trials with a target function (e.g. t -> t.values().get(0))");
        }
        return FrozenTrial::value;
    }

    private record Data(SpaceCodec codec, double[][] x, double[] y, List<int[]> groups) {}

    private static Data data(List<FrozenTrial> trials, ToDoubleFunction<FrozenTrial> target) {
        List<FrozenTrial> usable = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE) {
                double v = target.applyAsDouble(t);
                if (Double.isFinite(v)) {
                    usable.add(t);
                    ys.add(v);
                }
            }
        }
        if (usable.size() < 2) {
            throw new IllegalArgumentException("parameter importance needs at least 2 COMPLETE trials with a finite target, got "
                    + usable.size());
        }
        Map<String, Distribution> space = SpaceCodec.intersection(usable, false);
        if (space.isEmpty()) {
            throw new IllegalArgumentException("parameter importance needs a parameter that all " + usable.size()
                    + " COMPLETE trials share, with one distribution (the same range or choices: trials that asked for it"
                    + " over other ranges, as another program's may, do not share it), and that takes more than one value;"
                    + " there is none");
        }
        SpaceCodec codec = new SpaceCodec(space, true);
        double[][] x = new double[usable.size()][];
        double[] y = new double[usable.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = codec.encode(usable.get(i));
            y[i] = ys.get(i);
        }
        List<int[]> groups = new ArrayList<>();
        for (int p = 0; p < codec.names().size(); p++) {
            int[] g = new int[codec.width(p)];
            for (int k = 0; k < g.length; k++) {
                g[k] = codec.offset(p) + k;
            }
            groups.add(g);
        }
        return new Data(codec, x, y, groups);
    }

    private static Map<String, Double> normalised(List<String> names, double[] raw) {
        double total = 0;
        for (double v : raw) {
            total += v;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -raw[i]).thenComparing(names::get));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i : order) {
            out.put(names.get(i), total > 0 ? raw[i] / total : 1.0 / raw.length);
        }
        return out;
    }
}
