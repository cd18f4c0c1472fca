package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), re-implemented after Optuna 3.1's
 * {@code TPESampler}, with four defaults of nntune's own (below; {@code builder().optunaDefaults()}
 * gives Optuna 3.1's sampler with its defaults). Shared with Optuna: 10 start-up trials,
 * {@code gamma(n) = min(ceil(0.1 n), 25)} good trials, Optuna's weights of the bad trials (a linear ramp
 * from {@code 1/n} to 1 over the older ones, 1 for the newest 25), prior weight 1, the magic clip,
 * endpoints not considered. For each parameter, a density {@code l} is fitted to the good trials and
 * {@code g} to the others; candidates drawn from {@code l} compete on {@code log l − log g}.
 *
 * <p><b>nntune's defaults</b>, chosen on nntune-bench's SearchQuality functions (Branin, Hartmann-6,
 * Rosenbrock-5, a mixed conditional space; best value after 100 and after 300 trials) over seeds
 * 100–499 and confirmed on seeds 500–899 (BENCHMARKS.md, 2026-12-03):
 * <ul>
 * <li>the first 10 trials are points of a scrambled Sobol sequence ({@link SobolSampler}, the
 *     quasi-random initial design of BoTorch/Ax and of Optuna's {@code QMCSampler}), not uniform random
 *     points;</li>
 * <li>4 expected-improvement candidates per sample instead of 24: a less greedy choice that keeps
 *     exploring;</li>
 * <li>good trials weigh in {@code l} by their improvement on the best bad trial (the "EI" weighting of
 *     Watanabe 2023, "Tree-structured Parzen estimator: understanding its algorithm components";
 *     {@link Builder#improvementWeights});</li>
 * <li>the magic clip's exponent is 1.25: kernels are no narrower than range / min(100, (1 + c)^1.25)
 *     for c kernels, against Optuna's range / min(100, 1 + c), so the good density can narrow onto a
 *     basin sooner (that paper's exponent; {@link Builder#magicClipExponent}).</li>
 * </ul>
 * Fewer candidates alone or improvement weights alone move the rows little; together with the
 * narrower clip they end below Optuna's defaults in most runs of every (function, budget) row.
 *
 * <p>Options: {@code multivariate} samples the intersection search space of the finished trials
 * jointly (Falkner et al. 2018), as Optuna's {@code multivariate=True}; {@code constantLiar} counts
 * RUNNING trials as bad ones so parallel workers spread out. Pruned trials rank by their last
 * step and value, as in Optuna.
 *
 * <p>Cost: the sampler keeps a columnar copy of the study refreshed from the storage's
 * incremental read, so no trial is re-read; the densities skip far components without an exp;
 * and {@code maxAboveObservations} (default 1000, 0 = unlimited — an nntune addition) bounds the
 * bad-trial density: past that many, every k-th bad trial is kept (newest first) with its weight
 * multiplied by k, so per-trial cost stops growing with the study while the density keeps its shape.
 * Up to 1,000 bad trials the thinning changes nothing.
 *
 * <p><b>Several objectives</b> (MOTPE, as Optuna 3.1): only COMPLETE trials are observations; the
 * good ones are the best fronts of a non-dominated sort, the last front cut by greedy hypervolume
 * subset selection, and each weighs in {@code l} by its hypervolume contribution (see
 * {@link MultiObjectiveSplit}); {@code g} keeps the default weights.
 *
 * <p><b>Kernel densities.</b> As in Optuna 3.1 (the reference of nntune's defaults), continuous
 * kernels are evaluated without their 1/σ factor ({@code _truncnorm.logpdf} there leaves it out;
 * Optuna issue 5109, fixed in 3.5), which favours wide kernels in both densities. On nntune-bench's
 * SearchQuality functions over many seeds (BENCHMARKS.md) this form is indistinguishable from
 * Optuna 3.1's TPE, while the proper densities were significantly worse than it on 6 of the 8
 * (function, budget) rows; {@code scaleFreeKernels(false)} gives the proper densities of Optuna 3.5
 * and later.
 *
 * <p>Seeded; thread-safe (one lock).
 */
public final class TpeSampler implements Sampler {
    /** nntune's default number of expected-improvement candidates (Optuna's: 24). */
    public static final int DEFAULT_EI_CANDIDATES = 4;
    /** nntune's default exponent of the magic clip (Optuna's: 1). */
    public static final double DEFAULT_MAGIC_CLIP_EXPONENT = 1.25;

    private final int nStartupTrials;
    private final int nEiCandidates;
    private final IntUnaryOperator gamma;
    private final boolean multivariate;
    private final boolean constantLiar;
    private final int maxAboveObservations;
    private final boolean improvementWeights;
    private final ParzenEstimator.Settings settings;
    /** the sampler of the start-up trials; null: uniform random from the seed, as Optuna 3.1 */
    private final Sampler startup;
    private long seed;
    /** the draws of the trial being sampled ({@link TrialSeeds}) */
    private SplittableRandom rng;
    private TpeObservations observations;
    private long belowVersion = -1;
    /** the trial whose questions the observations were last refreshed for ({@link #observations(StudyView, FrozenTrial)}) */
    private long refreshedFor = NO_TRIAL;
    private static final long NO_TRIAL = Long.MIN_VALUE;
    private final Arena arenaBelow = new Arena();
    private final Arena arenaAbove = new Arena();
    private final Arena input = new Arena();
    private boolean[] below = new boolean[0];
    /** several objectives: the weight of each below trial in l(x) (its share of the hypervolume) */
    private double[] belowWeight = new double[0];
    /** whether l uses {@link #belowWeight} (several objectives, or improvement weights) */
    private boolean belowWeighted;

    /** nntune's defaults (see the class comment). */
    public TpeSampler() {
        this(builder());
    }

    private TpeSampler(Builder b) {
        this.nStartupTrials = b.nStartupTrials;
        this.nEiCandidates = b.nEiCandidates;
        this.gamma = b.gamma;
        this.multivariate = b.multivariate;
        this.constantLiar = b.constantLiar;
        this.maxAboveObservations = b.maxAboveObservations;
        this.improvementWeights = b.improvementWeights;
        this.settings = new ParzenEstimator.Settings(b.considerPrior, b.priorWeight, b.considerMagicClip,
                b.considerEndpoints, b.multivariate, b.scaleFreeKernels, b.clipExponent);
        this.seed = b.seed == null ? new SplittableRandom().nextLong() : b.seed;
        this.startup = b.randomStartup ? null : b.startup != null ? b.startup : new SobolSampler();
        if (startup != null && b.seed != null) {
            startup.reseed(b.seed);
        }
    }

    /** @return a builder starting from nntune's defaults (see the class comment) */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link TpeSampler}; each setter validates its value. */
    public static final class Builder {
        private int nStartupTrials = 10;
        private int nEiCandidates = DEFAULT_EI_CANDIDATES;
        private IntUnaryOperator gamma = TpeSampler::defaultGamma;
        private boolean multivariate;
        private boolean constantLiar;
        private int maxAboveObservations = 1000;
        private boolean improvementWeights = true;
        private double clipExponent = DEFAULT_MAGIC_CLIP_EXPONENT;
        private boolean considerPrior = true;
        private double priorWeight = 1.0;
        private boolean considerMagicClip = true;
        private boolean considerEndpoints;
        private boolean scaleFreeKernels = true;
        private Sampler startup;
        private boolean randomStartup;
        private Long seed;

        private Builder() {}

        /** Random trials before TPE starts (default 10). */
        public Builder nStartupTrials(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("nStartupTrials must be >= 0, got " + n);
            }
            nStartupTrials = n;
            return this;
        }

        /** Candidates drawn from the good density per sample (default 4; Optuna: 24). */
        public Builder nEiCandidates(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nEiCandidates must be >= 1, got " + n);
            }
            nEiCandidates = n;
            return this;
        }

        /** How many of n finished trials count as good (default min(ceil(0.1 n), 25)). */
        public Builder gamma(IntUnaryOperator g) {
            gamma = g;
            return this;
        }

        /** Joint sampling of the intersection search space (default false). */
        public Builder multivariate(boolean on) {
            multivariate = on;
            return this;
        }

        /**
         * Count RUNNING trials as bad ones, for parallel workers (default false). No effect with several
         * objectives, where only COMPLETE trials count (as in Optuna 3.1).
         */
        public Builder constantLiar(boolean on) {
            constantLiar = on;
            return this;
        }

        /** Bound on bad observations used per density, 0 = unlimited (default 1000). */
        public Builder maxAboveObservations(int n) {
            if (n < 0 || (n > 0 && n < 50)) {
                throw new IllegalArgumentException("maxAboveObservations must be 0 (unlimited) or >= 50, got " + n);
            }
            maxAboveObservations = n;
            return this;
        }

        /**
         * Weigh each good trial in {@code l} by how much it improves on the best bad trial, as
         * Watanabe 2023's "EI" weighting (default true; false: every good trial weighs 1, as Optuna).
         * The prior keeps the weight of an average good trial. Single objective only; while a good
         * trial is PRUNED or no bad trial is COMPLETE, the weights are uniform.
         */
        public Builder improvementWeights(boolean on) {
            improvementWeights = on;
            return this;
        }

        /**
         * The magic clip's exponent α: no kernel is narrower than range / min(100, (1 + c)^α) for c
         * kernels (default 1.25; 1 is Optuna's clip, larger lets kernels narrow sooner).
         */
        public Builder magicClipExponent(double alpha) {
            if (!(alpha > 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("magicClipExponent must be > 0 and finite, got " + alpha);
            }
            clipExponent = alpha;
            return this;
        }

        /**
         * Optuna 3.1's {@code TPESampler} defaults where nntune's differ: uniform random start-up
         * trials, 24 expected-improvement candidates, uniform weights of the good trials, clip
         * exponent 1. Options set after this call still apply.
         */
        public Builder optunaDefaults() {
            randomStartup();
            nEiCandidates = 24;
            improvementWeights = false;
            clipExponent = 1.0;
            return this;
        }

        /** Whether to add the prior component (default true). */
        public Builder considerPrior(boolean on) {
            considerPrior = on;
            return this;
        }

        /** Weight of the prior component (default 1.0). */
        public Builder priorWeight(double w) {
            if (!(w > 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("priorWeight must be > 0 and finite, got " + w);
            }
            priorWeight = w;
            return this;
        }

        /** Whether to bound kernel widths from below by range/min(100, n+1) (default true). */
        public Builder considerMagicClip(boolean on) {
            considerMagicClip = on;
            return this;
        }

        /** Whether the range endpoints count as neighbours for kernel widths (default false). */
        public Builder considerEndpoints(boolean on) {
            considerEndpoints = on;
            return this;
        }

        /**
         * Evaluate continuous kernels without their 1/σ, as Optuna 3.1–3.4 did (default true; false:
         * proper densities, as Optuna since 3.5).
         */
        public Builder scaleFreeKernels(boolean on) {
            scaleFreeKernels = on;
            return this;
        }

        /**
         * The sampler of the start-up trials (default: a new scrambled {@link SobolSampler} per
         * built sampler). It is reseeded with this sampler. Replaces {@link #randomStartup()}.
         */
        public Builder startupSampler(Sampler s) {
            startup = java.util.Objects.requireNonNull(s, "startupSampler");
            randomStartup = false;
            return this;
        }

        /**
         * Uniform random start-up trials drawn from this sampler's own generator, as Optuna 3.1's
         * {@code TPESampler}. Replaces {@link #startupSampler}.
         */
        public Builder randomStartup() {
            randomStartup = true;
            startup = null;
            return this;
        }

        /** The seed (the study seed replaces it through {@link Sampler#reseed}). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** @return the sampler */
        public TpeSampler build() {
            return new TpeSampler(this);
        }
    }

    @Override
    public synchronized void reseed(long seed) {
        this.seed = seed;
        if (startup != null) {
            startup.reseed(seed);
        }
    }

    private TpeObservations observations(StudyView study) {
        if (observations == null || observations.studyId != study.studyId()) {
            observations = new TpeObservations(study);
            belowVersion = -1;
            refreshedFor = NO_TRIAL;
        }
        observations.refresh(study);
        return observations;
    }

    /**
     * The observations for sampling {@code trial}: read from the storage once per trial, at its first
     * question (the joint space, or its first parameter); its other parameters are sampled from the
     * same observations (a trial not in a storage, id -1, reads every time). On a database each refresh
     * is a round trip, and a trial of five parameters asked for six (one for the joint space): six of
     * its ~17 round trips, for changes that the milliseconds between its suggestions hardly ever hold
     * (StorageCeiling, BENCHMARKS-LOG.md).
     */
    private TpeObservations observations(StudyView study, FrozenTrial trial) {
        if (observations != null && observations.studyId == study.studyId() && trial.trialId() >= 0
                && refreshedFor == trial.trialId()) {
            return observations;
        }
        TpeObservations obs = observations(study);
        refreshedFor = trial.trialId(); // a template's id (-1, not stored) never matches: it refreshes every time
        return obs;
    }

    @Override
    public synchronized Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        if (startup != null && startupTrial(observations(study, trial), trial)) {
            return startup.inferRelativeSearchSpace(study, trial);
        }
        if (!multivariate) {
            return Map.of();
        }
        TpeObservations obs = observations(study, trial);
        Map<String, Distribution> space = new LinkedHashMap<>();
        if (obs.intersection != null) {
            obs.intersection.forEach((name, d) -> {
                if (!d.isSingle()) {
                    space.put(name, d);
                }
            });
        }
        return space;
    }

    @Override
    public synchronized Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial,
                                                           Map<String, Distribution> searchSpace) {
        if (searchSpace.isEmpty()) {
            return Map.of();
        }
        TpeObservations obs = observations(study, trial);
        if (startupTrial(obs, trial)) {
            return startup != null ? startup.sampleRelative(study, trial, searchSpace) : Map.of();
        }
        List<String> names = new ArrayList<>(searchSpace.keySet());
        List<Distribution> dims = new ArrayList<>(searchSpace.values());
        rng = TrialSeeds.splittable(seed, trial.number());
        double[] chosen = sample(obs, names, dims);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int j = 0; j < names.size(); j++) {
            out.put(names.get(j), chosen[j]);
        }
        return out;
    }

    @Override
    public synchronized double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        TpeObservations obs = observations(study, trial);
        if (startupTrial(obs, trial)) {
            return startup != null ? startup.sampleIndependent(study, trial, name, distribution)
                    : RandomSampler.fromUnit(distribution, TrialSeeds.unit(seed, trial.number(), name));
        }
        rng = new SplittableRandom(TrialSeeds.of(seed, trial.number(), name));
        return sample(obs, List.of(name), List.of(distribution))[0];
    }

    /**
     * Whether {@code trial} is a start-up trial: its number is below {@code nStartupTrials}, or fewer
     * than that many trials have finished. The first condition makes trials 0 to nStartupTrials − 1
     * start-up trials however many of them had finished when each was sampled, so they are the same
     * with one job, several jobs or workers (with parallel trials, trial 3 may be sampled before trial
     * 0 finished, or after trials 0 to 2 did); the second keeps TPE from fitting on fewer finished
     * trials than that (failed start-up trials, parallel trials still running), as Optuna's rule.
     */
    private boolean startupTrial(TpeObservations obs, FrozenTrial trial) {
        return (trial.number() >= 0 && trial.number() < nStartupTrials) || obs.nFinished < nStartupTrials;
    }

    /** TPE proper: split, fit l and g on the trials having every name, pick the best of the candidates. */
    private double[] sample(TpeObservations obs, List<String> names, List<Distribution> dims) {
        ParzenEstimator[] lg = densities(obs, names, dims);
        ParzenEstimator l = lg[0];
        ParzenEstimator g = lg[1];
        double[][] candidates = l.sample(rng, nEiCandidates);
        double[] logL = l.logPdf(candidates);
        double[] logG = g.logPdf(candidates);
        int best = 0;
        for (int s = 1; s < nEiCandidates; s++) {
            if (logL[s] - logG[s] > logL[best] - logG[best]) {
                best = s;
            }
        }
        double[] out = new double[dims.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = candidates[j][best];
        }
        return out;
    }

    /**
     * log l(x) − log g(x) for the next trial of a study at the given internal values of one
     * parameter: what the sampler's candidates compete on (for tests against Optuna).
     */
    synchronized double[] logRatio(StudyView study, String name, Distribution d, double[] at) {
        ParzenEstimator[] lg = densities(observations(study), List.of(name), List.of(d));
        double[] logL = lg[0].logPdf(new double[][] {at});
        double[] logG = lg[1].logPdf(new double[][] {at});
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = logL[i] - logG[i];
        }
        return out;
    }

    /** The good and bad densities {l, g} over the trials having every name (valid until the next call). */
    private ParzenEstimator[] densities(TpeObservations obs, List<String> names, List<Distribution> dims) {
        updateBelow(obs);
        double[][] cols = new double[names.size()][];
        for (int j = 0; j < names.size(); j++) {
            cols[j] = obs.column(names.get(j));
        }
        // trials having the parameter(s) (Optuna masks by the first name), split into below / above
        input.reset();
        int[] belowIdx = input.ints(obs.size);
        int[] aboveIdx = input.ints(obs.size);
        int nb = 0;
        int na = 0;
        // what makes a value unusable, read off the distributions once, not per trial
        boolean[] log = new boolean[dims.size()];
        double[] choices = new double[dims.size()];
        for (int j = 0; j < log.length; j++) {
            Distribution d = dims.get(j);
            log[j] = d instanceof org.nntune.tune.space.FloatDistribution f ? f.log()
                    : d instanceof org.nntune.tune.space.IntDistribution i && i.log();
            choices[j] = d instanceof org.nntune.tune.space.CategoricalDistribution c ? c.choices().size()
                    : Double.POSITIVE_INFINITY;
        }
        for (int t = 0; t < obs.size; t++) {
            if (!obs.observed(t, constantLiar) || cols[0] == null || Double.isNaN(cols[0][t])
                    || !usable(cols, log, choices, t)) {
                continue;
            }
            if (below[t]) {
                belowIdx[nb++] = t;
            } else {
                aboveIdx[na++] = t;
            }
        }
        ParzenEstimator l = estimator(dims, cols, belowIdx, nb, 0, belowWeighted ? belowWeight : null,
                arenaBelow);
        ParzenEstimator g = estimator(dims, cols, aboveIdx, na, maxAboveObservations, null, arenaAbove);
        return new ParzenEstimator[] {l, g};
    }

    /**
     * Observations a density can use: present in every dimension, positive where the scale is log
     * ({@code log[j]}), below the number of choices of a categorical ({@code choices[j]}, else
     * infinite).
     */
    private static boolean usable(double[][] cols, boolean[] log, double[] choices, int t) {
        for (int j = 0; j < cols.length; j++) {
            if (cols[j] == null) {
                return false;
            }
            double v = cols[j][t];
            if (Double.isNaN(v) || (log[j] && v <= 0) || v >= choices[j]) {
                return false;
            }
        }
        return true;
    }

    /** Marks the gamma(n) best observations (COMPLETE and PRUNED rank; RUNNING liars rank last). */
    private void updateBelow(TpeObservations obs) {
        if (belowVersion == obs.version && below.length >= obs.size) {
            return;
        }
        int nBelow = Math.max(0, Math.min(gamma.applyAsInt(obs.nFinished), obs.nFinished));
        if (below.length < obs.size) {
            below = new boolean[Math.max(obs.size, below.length * 2)];
            belowWeight = new double[below.length];
        } else {
            Arrays.fill(below, false);
        }
        if (obs.nObjectives() > 1) {
            MultiObjectiveSplit.mark(obs, nBelow, below, belowWeight);
            belowWeighted = true;
            belowVersion = obs.version;
            return;
        }
        int[] best = new int[nBelow];
        int count = 0;
        for (int t = 0; t < obs.size && nBelow > 0; t++) {
            if (!obs.observed(t, constantLiar)) {
                continue;
            }
            if (count < nBelow) {
                int i = count++;
                while (i > 0 && obs.better(t, best[i - 1])) {
                    best[i] = best[i - 1];
                    i--;
                }
                best[i] = t;
            } else if (obs.better(t, best[nBelow - 1])) {
                int i = nBelow - 1;
                while (i > 0 && obs.better(t, best[i - 1])) {
                    best[i] = best[i - 1];
                    i--;
                }
                best[i] = t;
            }
        }
        for (int i = 0; i < count; i++) {
            below[best[i]] = true;
        }
        belowWeighted = improvementWeights && improvementWeights(obs, best, count);
        belowVersion = obs.version;
    }

    /**
     * Sets {@link #belowWeight} of the good trials {@code best[0..count)} to their improvement on the
     * best bad trial, max(1e-12, threshold − value) in minimised values, scaled to a mean of 1 (so the
     * prior weighs as one average good trial, as Watanabe 2023 sets it).
     *
     * @return false, leaving the weights uniform, if a good trial is not COMPLETE or no bad one is
     */
    private boolean improvementWeights(TpeObservations obs, int[] best, int count) {
        double threshold = Double.POSITIVE_INFINITY;
        for (int t = 0; t < obs.size; t++) {
            if (!below[t] && obs.observed(t, false) && obs.scoreStep[t] == Double.NEGATIVE_INFINITY) {
                threshold = Math.min(threshold, obs.scoreValue[t]);
            }
        }
        if (count == 0 || !Double.isFinite(threshold)) {
            return false;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            if (obs.scoreStep[best[i]] != Double.NEGATIVE_INFINITY) {
                return false;
            }
            double w = Math.max(1e-12, threshold - obs.scoreValue[best[i]]);
            belowWeight[best[i]] = w;
            sum += w;
        }
        double mean = sum / count;
        for (int i = 0; i < count; i++) {
            belowWeight[best[i]] /= mean;
        }
        return true;
    }

    /**
     * A Parzen estimator over the given trials (in trial order) with Optuna's default weights, thinned
     * past {@code cap}, or with the given per-trial weights ({@code fixed}, indexed by trial number).
     */
    private ParzenEstimator estimator(List<Distribution> dims, double[][] cols, int[] idx, int n, int cap,
                                      double[] fixed, Arena arena) {
        int stride = cap > 0 && n > cap ? (n + cap - 1) / cap : 1;
        int m = stride == 1 ? n : (n + stride - 1) / stride;
        double[][] values = new double[dims.size()][];
        for (int j = 0; j < values.length; j++) {
            values[j] = input.doubles(m);
        }
        double[] weights = input.doubles(m);
        // keep positions n-1, n-1-stride, … (the newest trials weigh most), in trial order
        int first = (n - 1) % stride;
        for (int k = 0; k < m; k++) {
            int pos = first + k * stride;
            int t = idx[pos];
            for (int j = 0; j < dims.size(); j++) {
                values[j][k] = cols[j][t];
            }
            weights[k] = fixed != null ? fixed[t] : defaultWeight(pos, n) * stride;
        }
        arena.reset();
        return new ParzenEstimator(dims, values, weights, m, settings, arena);
    }

    /** Optuna's default_gamma(n) = min(ceil(0.1 n), 25): how many of n finished trials are good. */
    static int defaultGamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /** Optuna's default_weights(n)[i]: ones below 25 observations, else a ramp 1/n → 1 then 25 ones. */
    static double defaultWeight(int i, int n) {
        if (n < 25 || i >= n - 25) {
            return 1.0;
        }
        int num = n - 25;
        double lo = 1.0 / n;
        return num == 1 ? lo : lo + (1.0 - lo) * i / (num - 1);
    }
}
