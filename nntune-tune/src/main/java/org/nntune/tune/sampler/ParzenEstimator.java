package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Parzen estimator of TPE, following Optuna 3.1's {@code _ParzenEstimator}: a weighted mixture
 * with one component per observation plus a prior component. Numeric parameters get truncated
 * normal kernels on their (log-)transformed range, widened by half a step for stepped and integer
 * parameters; their widths come from the gaps between neighbouring observations (univariate) or
 * Scott's-rule-like {@code 0.2 n^(-1/(d+4))} of the range (multivariate), clipped by the "magic
 * clip". Categorical parameters get a smoothed one-hot kernel.
 *
 * <p>Densities are mixtures evaluated with a log-sum-exp that skips components more than e^-40
 * below the largest, so that far components cost a subtraction and a multiplication, no exp.
 */
final class ParzenEstimator {
    private static final double SKIP = 40;
    private static final byte FLOAT = 0;
    private static final byte FLOAT_LOG = 1;
    private static final byte FLOAT_STEP = 2;
    private static final byte INT = 3;
    private static final byte INT_LOG = 4;
    private static final byte CATEGORICAL = 5;

    /**
     * Settings shared by the estimators of one sampler. {@code scaleFreeKernels}: evaluate continuous
     * kernels without their 1/σ factor, as Optuna 3.1–3.4's {@code _truncnorm.logpdf} did (Optuna
     * issue 5109, fixed in 3.5); sampling is the same either way. {@code clipExponent} α: with the
     * magic clip, no kernel of a numeric dimension is narrower than range / min(100, (1 + c)^α) for c
     * components (Watanabe 2023's exponent; 1 is Optuna's clip).
     */
    record Settings(boolean considerPrior, double priorWeight, boolean magicClip, boolean endpoints,
                    boolean multivariate, boolean scaleFreeKernels, double clipExponent) {
        Settings(boolean considerPrior, double priorWeight, boolean magicClip, boolean endpoints,
                 boolean multivariate, boolean scaleFreeKernels) {
            this(considerPrior, priorWeight, magicClip, endpoints, multivariate, scaleFreeKernels, 1.0);
        }

        Settings(boolean considerPrior, double priorWeight, boolean magicClip, boolean endpoints,
                 boolean multivariate) {
            this(considerPrior, priorWeight, magicClip, endpoints, multivariate, false);
        }
    }

    private final List<Distribution> dims;
    private final Arena arena;
    /**
     * per dimension, what its distribution is (one of the KIND constants), with the constants of
     * the conversions between internal values and the kernels' scale: read once here instead of
     * dispatching on the distribution for every observation and candidate
     */
    private final byte[] kind;
    private final double[] extLow;
    private final double[] extHigh;
    private final double[] extStep;
    private final long[] intLow;
    private final long[] intHigh;
    private final long[] intStep;
    private final int components;
    private final double[] logWeights;
    private final double[] cumulative;
    // numeric dims
    private final double[] low;
    private final double[] high;
    private final double[] step; // 0: continuous
    private final double[][] mus;
    private final double[][] sigmas;
    private final double[][] invSigmas;
    private final double[][] logSigmas;
    private final double[][] logZ;
    /** per component: log weight plus every dimension's component-constant log terms */
    private final double[] base;
    // categorical dims
    private final int[][] choice; // -1 for the prior component
    private final double[] logHit;
    private final double[] logMiss;
    private final double[] logPrior;
    private final int[] k;
    private final boolean anyDiscrete;
    /** whether continuous kernels carry their −log σ (false: Optuna 3.1's scale-free form) */
    private final boolean normalised;

    /**
     * @param dims the distributions, one per dimension
     * @param observations observations[d][i]: internal value of observation i in dimension d
     * @param weights unnormalised weight of each observation
     */
    ParzenEstimator(List<Distribution> dims, double[][] observations, double[] weights, Settings s) {
        this(dims, observations, weights, weights.length, s, new Arena());
    }

    /**
     * @param n how many observations (the first n entries of each array) there are
     * @param arena where the estimator's arrays come from (reset by the caller before)
     */
    ParzenEstimator(List<Distribution> dims, double[][] observations, double[] weights, int n, Settings s,
                    Arena arena) {
        this.dims = dims;
        this.arena = arena;
        this.normalised = !s.scaleFreeKernels();
        boolean prior = s.considerPrior() || n == 0;
        components = n + (prior ? 1 : 0);
        double[] w = arena.doubles(components);
        System.arraycopy(weights, 0, w, 0, n);
        if (prior) {
            w[n] = s.priorWeight();
        }
        logWeights = arena.doubles(components);
        cumulative = arena.doubles(components);
        normaliseWeights(w, components, logWeights, cumulative);
        int d = dims.size();
        kind = new byte[d];
        extLow = new double[d];
        extHigh = new double[d];
        extStep = new double[d];
        intLow = new long[d];
        intHigh = new long[d];
        intStep = new long[d];
        for (int j = 0; j < d; j++) {
            describe(dims.get(j), j);
        }
        low = new double[d];
        high = new double[d];
        step = new double[d];
        mus = new double[d][];
        sigmas = new double[d][];
        invSigmas = new double[d][];
        logSigmas = new double[d][];
        logZ = new double[d][];
        choice = new int[d][];
        logHit = new double[d];
        logMiss = new double[d];
        logPrior = new double[d];
        k = new int[d];
        boolean discrete = false;
        double sigma0 = 0.2 * Math.pow(Math.max(n, 1), -1.0 / (d + 4));
        for (int j = 0; j < d; j++) {
            if (kind[j] == CATEGORICAL) {
                categoricalDimension(j, observations[j], n, prior, s.priorWeight());
            } else {
                numericDimension(j, observations[j], n, prior, s, sigma0);
                discrete |= step[j] > 0;
            }
        }
        anyDiscrete = discrete;
        base = arena.doubles(components);
        System.arraycopy(logWeights, 0, base, 0, components);
        for (int j = 0; j < d; j++) {
            if (choice[j] == null) {
                subtractConstants(j);
            }
        }
    }

    // The constructor's loops live in small methods of their own, one loop each: C2 compiles each
    // once, instead of compiling the whole constructor again on stack replacement for each of its
    // hot loops (a 1,363-byte constructor took ~0.7 s of C2 time in a 1,100-trial TPE run, longer
    // than the run, the C2 thread competing with the study's thread on a 2-core machine).

    /** Normalised log weights and their cumulative shares. */
    private static void normaliseWeights(double[] w, int components, double[] logWeights, double[] cumulative) {
        double sum = 0;
        for (int i = 0; i < components; i++) {
            sum += w[i];
        }
        double acc = 0;
        double lastShare = Double.NaN;
        double lastLogShare = 0;
        for (int i = 0; i < components; i++) {
            double share = w[i] / sum;
            if (share != lastShare) { // default weights: runs of equal ones, one log each
                lastShare = share;
                lastLogShare = Math.log(share);
            }
            logWeights[i] = lastLogShare;
            acc += share;
            cumulative[i] = acc;
        }
    }

    /** A categorical dimension's one-hot kernels. */
    private void categoricalDimension(int j, double[] obs, int n, boolean prior, double priorWeight) {
        k[j] = ((CategoricalDistribution) dims.get(j)).choices().size();
        int[] ch = arena.ints(components);
        for (int i = 0; i < n; i++) {
            ch[i] = (int) obs[i];
        }
        if (prior) {
            ch[n] = -1;
        }
        choice[j] = ch;
        double value = priorWeight / (prior ? n + 1 : n);
        logHit[j] = Math.log((value + 1) / (1 + k[j] * value));
        logMiss[j] = Math.log(value / (1 + k[j] * value));
        logPrior[j] = -Math.log(k[j]);
    }

    /** A numeric dimension's kernels: centres, clipped widths and their constants. */
    private void numericDimension(int j, double[] obs, int n, boolean prior, Settings s, double sigma0) {
        bounds(dims.get(j), j);
        double[] m = arena.doubles(components);
        if (isLog(j)) {
            logs(obs, n, m);
        } else {
            System.arraycopy(obs, 0, m, 0, n);
        }
        double range = high[j] - low[j];
        if (prior) {
            m[n] = 0.5 * (low[j] + high[j]);
        }
        double[] sg = arena.doubles(components);
        if (s.multivariate()) {
            Arrays.fill(sg, 0, components, sigma0 * range);
        } else {
            neighbourSigmas(m, components, sg, low[j], high[j], s.endpoints());
        }
        // α = 1 keeps Optuna's expression without pow, so Optuna's defaults sample to the last bit as before
        double minSigma = !s.magicClip() ? 1e-12
                : range / Math.min(100.0, s.clipExponent() == 1.0 ? 1.0 + components
                        : Math.pow(1.0 + components, s.clipExponent()));
        clip(sg, components, minSigma, range);
        if (prior) {
            sg[n] = range;
        }
        mus[j] = m;
        sigmas[j] = sg;
        invSigmas[j] = arena.doubles(components);
        logSigmas[j] = arena.doubles(components);
        logZ[j] = arena.doubles(components);
        kernelConstants(m, sg, components, low[j], high[j], invSigmas[j], logSigmas[j], logZ[j]);
    }

    private static void logs(double[] in, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.log(in[i]);
        }
    }

    /** Clips each width into [min, max]. */
    private static void clip(double[] sg, int c, double min, double max) {
        for (int i = 0; i < c; i++) {
            double v = sg[i];
            if (!(v > min && v < max)) { // inside, the clip returns v: no calls (interpreter)
                sg[i] = Math.max(min, Math.min(max, v));
            }
        }
    }

    /** Each kernel's 1/σ, log σ and log of its mass inside [low, high]. */
    private static void kernelConstants(double[] m, double[] sg, int c, double low, double high, double[] inv,
                                        double[] logSigma, double[] logMass) {
        double lastSigma = Double.NaN;
        double lastLog = 0;
        for (int i = 0; i < c; i++) {
            if (sg[i] != lastSigma) { // multivariate widths are all equal: one log
                lastSigma = sg[i];
                lastLog = Math.log(sg[i]);
            }
            inv[i] = 1 / sg[i];
            logSigma[i] = lastLog;
            logMass[i] = TruncNorm.logMass((low - m[i]) * inv[i], (high - m[i]) * inv[i]);
        }
    }

    /** Takes numeric dimension j's component-constant log terms off {@link #base}. */
    private void subtractConstants(int j) {
        double[] lz = logZ[j];
        boolean continuous = step[j] == 0;
        for (int i = 0; i < components; i++) {
            base[i] -= lz[i] + (continuous ? continuousLogScale(j, i) : 0);
        }
    }

    private void bounds(Distribution dist, int j) {
        if (dist instanceof FloatDistribution f) {
            if (f.log()) {
                low[j] = Math.log(f.low());
                high[j] = Math.log(f.high());
            } else if (f.step().isPresent()) {
                double q = f.step().getAsDouble();
                step[j] = q;
                low[j] = f.low() - 0.5 * q;
                high[j] = f.high() + 0.5 * q;
            } else {
                low[j] = f.low();
                high[j] = f.high();
            }
        } else {
            IntDistribution i = (IntDistribution) dist;
            if (i.log()) {
                low[j] = Math.log(i.low() - 0.5);
                high[j] = Math.log(i.high() + 0.5);
            } else {
                step[j] = i.step();
                low[j] = i.low() - 0.5 * i.step();
                high[j] = i.high() + 0.5 * i.step();
            }
        }
    }

    /** Reads dimension j's kind and conversion constants off its distribution. */
    private void describe(Distribution dist, int j) {
        if (dist instanceof CategoricalDistribution) {
            kind[j] = CATEGORICAL;
        } else if (dist instanceof FloatDistribution f) {
            kind[j] = f.log() ? FLOAT_LOG : f.step().isPresent() ? FLOAT_STEP : FLOAT;
            extLow[j] = f.low();
            extHigh[j] = f.high();
            extStep[j] = kind[j] == FLOAT_STEP ? f.step().getAsDouble() : 0;
        } else {
            IntDistribution i = (IntDistribution) dist;
            kind[j] = i.log() ? INT_LOG : INT;
            intLow[j] = i.low();
            intHigh[j] = i.high();
            intStep[j] = i.step();
        }
    }

    /** Whether dimension j's kernels live on the log of its internal values. */
    private boolean isLog(int j) {
        return kind[j] == FLOAT_LOG || kind[j] == INT_LOG;
    }

    /** Dimension j's internal value on the kernels' scale (categorical: the index itself). */
    private double toUniform(int j, double internal) {
        return isLog(j) ? Math.log(internal) : internal;
    }

    /** Optuna's univariate bandwidths: the larger gap to a neighbour (the endpoints count as neighbours). */
    private void neighbourSigmas(double[] m, int c, double[] out, double low, double high, boolean endpoints) {
        int[] idx = sortIndex(m, c, low, high, arena);
        double[] sorted = arena.doubles(c);
        for (int i = 0; i < c; i++) {
            sorted[i] = m[idx[i]];
        }
        double[] sig = arena.doubles(c);
        for (int i = 0; i < c; i++) {
            double left = i == 0 ? low : sorted[i - 1];
            double right = i == c - 1 ? high : sorted[i + 1];
            sig[i] = Math.max(sorted[i] - left, right - sorted[i]);
        }
        if (!endpoints && c + 2 >= 4) {
            sig[0] = sorted[1] - sorted[0];
            sig[c - 1] = sorted[c - 1] - sorted[c - 2];
        }
        for (int i = 0; i < c; i++) {
            out[idx[i]] = sig[i];
        }
    }

    /**
     * Indices that sort {@code v} ascending, ties by index (as numpy's stable argsort), by 32-bit
     * keys: the values' positions in [low, high]. Values closer than 2^-32 of the range may come out
     * in index order instead of value order; kernel widths are clipped far above that. A stable
     * merge sort of the indices by key (insertion sort on runs of {@link #RUN}, then merges); an LSD
     * radix sort did the same with 4 x 257 buckets per call, the bulk of the cost with the few
     * observations of a study's first TPE trials.
     */
    static int[] sortIndex(double[] v, int n, double low, double high, Arena arena) {
        int[] keys = arena.ints(n); // the unsigned key with its sign bit flipped: signed order is key order
        int[] idx = arena.ints(n);
        sortKeys(v, n, low, high, keys, idx);
        sortRuns(keys, idx, n);
        if (n <= RUN) {
            return idx;
        }
        int[] src = idx;
        int[] dst = arena.ints(n);
        for (int width = RUN; width < n; width *= 2) {
            mergePass(keys, src, dst, n, width);
            int[] t = src;
            src = dst;
            dst = t;
        }
        return src;
    }

    // sortIndex's phases are methods of their own, one loop nest each, for the reason the
    // constructor's are (C2 compiles each once instead of recompiling the whole on stack replacement)

    private static void sortKeys(double[] v, int n, double low, double high, int[] keys, int[] idx) {
        double scale = 4294967295.0 / (high - low);
        for (int i = 0; i < n; i++) {
            double q = (v[i] - low) * scale;
            long k = q <= 0 ? 0 : (q >= 4294967295.0 ? 4294967295L : (long) q);
            keys[i] = (int) k ^ Integer.MIN_VALUE;
            idx[i] = i;
        }
    }

    /** Insertion sort of each run of {@link #RUN} indices by key. */
    private static void sortRuns(int[] keys, int[] idx, int n) {
        for (int from = 0; from < n; from += RUN) {
            int to = Math.min(n, from + RUN);
            for (int i = from + 1; i < to; i++) {
                int x = idx[i];
                int kx = keys[x];
                int j = i - 1;
                while (j >= from && keys[idx[j]] > kx) { // equal keys stay in index order
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = x;
            }
        }
    }

    /** Merges the sorted runs of {@code width} in src pairwise into dst. */
    private static void mergePass(int[] keys, int[] src, int[] dst, int n, int width) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = Math.min(n, lo + width);
            int hi = Math.min(n, lo + 2 * width);
            int i = lo;
            int j = mid;
            for (int k = lo; k < hi; k++) {
                // the left run first on equal keys: stable
                dst[k] = j >= hi || (i < mid && keys[src[i]] <= keys[src[j]]) ? src[i++] : src[j++];
            }
        }
    }

    private static final int RUN = 16;

    /** @return {@code count} samples: out[d][s] is the internal value of sample s in dimension d */
    double[][] sample(SplittableRandom rng, int count) {
        int d = dims.size();
        double[][] out = new double[d][count];
        // per numeric dimension and component, the CDF at the (lower-tail) truncation bounds, computed
        // the first time a candidate comes from that component: candidates share few components
        double[][] cdfLow = new double[d][];
        double[][] cdfHigh = new double[d][];
        for (int j = 0; j < d; j++) {
            if (kind[j] != CATEGORICAL) {
                cdfLow[j] = arena.doubles(components);
                cdfHigh[j] = arena.doubles(components);
                Arrays.fill(cdfLow[j], 0, components, Double.NaN);
            }
        }
        for (int s = 0; s < count; s++) {
            double u = rng.nextDouble();
            int active = Arrays.binarySearch(cumulative, 0, components, u);
            active = active >= 0 ? Math.min(active + 1, components - 1) : Math.min(-active - 1, components - 1);
            for (int j = 0; j < d; j++) {
                if (kind[j] == CATEGORICAL) {
                    out[j][s] = sampleCategorical(j, active, rng.nextDouble());
                } else {
                    double mu = mus[j][active];
                    double sg = sigmas[j][active];
                    double a = (low[j] - mu) / sg;
                    double b = (high[j] - mu) / sg;
                    boolean mirrored = TruncNorm.mirrored(a);
                    if (Double.isNaN(cdfLow[j][active])) {
                        cdfLow[j][active] = TruncNorm.cdf(mirrored ? -b : a);
                        cdfHigh[j][active] = TruncNorm.cdf(mirrored ? -a : b);
                    }
                    double z = TruncNorm.sample(a, b, cdfLow[j][active], cdfHigh[j][active], rng.nextDouble());
                    out[j][s] = fromUniform(j, mu + sg * z);
                }
            }
        }
        return out;
    }

    private int sampleCategorical(int j, int component, double u) {
        int c = choice[j][component];
        double acc = 0;
        for (int x = 0; x < k[j]; x++) {
            acc += Math.exp(c < 0 ? logPrior[j] : (x == c ? logHit[j] : logMiss[j]));
            if (u < acc) {
                return x;
            }
        }
        return k[j] - 1;
    }

    /** A point on dimension j's kernel scale back to an internal value of its distribution. */
    private double fromUniform(int j, double x) {
        switch (kind[j]) {
            case FLOAT_LOG:
                return Math.min(extHigh[j], Math.max(extLow[j], Math.exp(x)));
            case FLOAT_STEP: {
                double q = extStep[j];
                double v = Math.round((x - extLow[j]) / q) * q + extLow[j];
                return Math.min(extHigh[j], Math.max(extLow[j], v));
            }
            case FLOAT:
                return Math.min(extHigh[j], Math.max(extLow[j], x));
            default: {
                double v = kind[j] == INT_LOG ? Math.round(Math.exp(x))
                        : Math.round((x - intLow[j]) / intStep[j]) * intStep[j] + intLow[j];
                return Math.min(intHigh[j], Math.max(intLow[j], v));
            }
        }
    }

    /** @return the log density of each sample (samples[d][s], internal values) */
    double[] logPdf(double[][] samples) {
        int count = samples[0].length;
        double[] out = new double[count];
        if (dims.size() == 1 && kind[0] == CATEGORICAL) {
            double[] p = new double[k[0]];
            for (int i = 0; i < components; i++) {
                double wi = Math.exp(logWeights[i]);
                int c = choice[0][i];
                for (int x = 0; x < k[0]; x++) {
                    p[x] += wi * Math.exp(c < 0 ? logPrior[0] : (x == c ? logHit[0] : logMiss[0]));
                }
            }
            for (int s = 0; s < count; s++) {
                out[s] = Math.log(p[(int) samples[0][s]]);
            }
            return out;
        }
        double[] bound = arena.doubles(components);
        double[] x = new double[dims.size()];
        for (int s = 0; s < count; s++) {
            for (int j = 0; j < x.length; j++) {
                x[j] = toUniform(j, samples[j][s]);
            }
            out[s] = mixture(x, bound);
        }
        return out;
    }

    /** log Σ_i w_i p_i(x), skipping components far below the largest. */
    private double mixture(double[] x, double[] acc) {
        System.arraycopy(base, 0, acc, 0, components);
        for (int j = 0; j < x.length; j++) {
            addDimension(j, x[j], acc);
        }
        int best = 0;
        for (int i = 1; i < components; i++) {
            if (acc[i] > acc[best]) {
                best = i;
            }
        }
        double lead = anyDiscrete ? exact(best, x) : acc[best];
        if (lead == Double.NEGATIVE_INFINITY) {
            return lead;
        }
        double cut = lead - SKIP;
        double sum = 0;
        if (anyDiscrete) {
            for (int i = 0; i < components; i++) {
                if (acc[i] >= cut) {
                    sum += Math.exp(exact(i, x) - lead);
                }
            }
        } else {
            for (int i = 0; i < components; i++) {
                double t = acc[i];
                if (t >= cut) {
                    sum += Math.exp(t - lead);
                }
            }
        }
        return lead + Math.log(sum);
    }

    /**
     * Adds dimension j's component-dependent log density at xj (an upper bound for stepped
     * dimensions) to every component; the constant parts are in {@link #base}.
     */
    private void addDimension(int j, double xj, double[] acc) {
        if (choice[j] != null) {
            int c = (int) xj;
            int[] ch = choice[j];
            for (int i = 0; i < components; i++) {
                acc[i] += ch[i] < 0 ? logPrior[j] : (ch[i] == c ? logHit[j] : logMiss[j]);
            }
            return;
        }
        double[] m = mus[j];
        double[] inv = invSigmas[j];
        if (step[j] == 0) {
            for (int i = 0; i < components; i++) {
                double z = (xj - m[i]) * inv[i];
                acc[i] -= 0.5 * z * z;
            }
            return;
        }
        double[] ls = logSigmas[j];
        double lb = Math.max(xj - step[j] / 2, low[j]);
        double ub = Math.min(xj + step[j] / 2, high[j]);
        double logWidth = Math.log(ub - lb);
        for (int i = 0; i < components; i++) {
            double near = m[i] < lb ? lb - m[i] : (m[i] > ub ? m[i] - ub : 0);
            double z = near * inv[i];
            acc[i] += Math.min(0, logWidth - ls[i] - TruncNorm.LOG_SQRT_2PI - 0.5 * z * z);
        }
    }

    /** log(σ √2π) of continuous kernel i in dimension j, without the log σ in the scale-free form. */
    private double continuousLogScale(int j, int i) {
        return (normalised ? logSigmas[j][i] : 0) + TruncNorm.LOG_SQRT_2PI;
    }

    /** The exact log density of component i at x (stepped dimensions by their mass). */
    private double exact(int i, double[] x) {
        double v = logWeights[i];
        for (int j = 0; j < x.length; j++) {
            if (choice[j] != null) {
                int c = (int) x[j];
                v += choice[j][i] < 0 ? logPrior[j] : (choice[j][i] == c ? logHit[j] : logMiss[j]);
            } else if (step[j] == 0) {
                double z = (x[j] - mus[j][i]) / sigmas[j][i];
                v += -0.5 * z * z - continuousLogScale(j, i) - logZ[j][i];
            } else {
                double lb = Math.max(x[j] - step[j] / 2, low[j]);
                double ub = Math.min(x[j] + step[j] / 2, high[j]);
                v += TruncNorm.logMass((lb - mus[j][i]) / sigmas[j][i], (ub - mus[j][i]) / sigmas[j][i]) - logZ[j][i];
            }
        }
        return v;
    }
}
