package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.ConstraintsFunction;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Bayesian optimisation with a Gaussian process, for single-objective studies.
 *
 * <p>The joint search space is the intersection of the COMPLETE trials' parameters; the first
 * {@code nStartupTrials} trials, and every parameter outside that space, are drawn by the
 * independent sampler (TPE by default, where Optuna uses random sampling). After that, each trial:
 * <ol>
 *   <li>encodes the finished trials in the unit cube (log ranges warped, integer and stepped ranges
 *       rounded on decoding, categoricals one-hot) and standardises their objective values, then
 *       warps them by the Yeo–Johnson power transform whose exponent maximises their likelihood
 *       (monotone, so the incumbent is unchanged; heavy tails such as Rosenbrock's are compressed,
 *       as HEBO does; {@link Builder#warpOutputs(boolean)} turns it off);</li>
 *   <li>fits a GP with a Matérn 5/2 ARD kernel whose hyperparameters maximise the log marginal
 *       likelihood (with weak priors) by bounded L-BFGS, warm-started from the previous trial's fit;</li>
 *   <li>maximises the log expected improvement (computed stably deep in the tail) over random and
 *       local candidates, then refines the best few by a shrinking-step local search.</li>
 * </ol>
 *
 * <p><b>Trust-region steps.</b> One trial in three after the start-up (unless
 * {@link Builder#trustRegionSteps(boolean) turned off} or with constraints) is proposed instead by a
 * local GP fitted to the trials nearest the incumbent, in a box around it whose sides follow the
 * global model's length scales (as TuRBO's) and which reaches the (m + 1)-th nearest trial (m numeric
 * coordinates; categoricals stay the incumbent's). The global model, fitted to standardised values
 * over the whole range with a noise floor, cannot tell apart trials within about 1e-4 of that range of
 * the optimum, so on its own it stops improving there (Branin: 1e-7 above the minimum after 100 and
 * after 300 trials); the local model rescales to its box and its values, the box shrinks as proposals
 * land nearer the incumbent than its (m + 1)-th neighbour, and the search converges to the optimum's
 * precision. The other two trials in three keep exploring with the global model.
 *
 * <p><b>Bounded cost.</b> The GP is fitted on at most {@code maxFitPoints} trials (default 200):
 * the best half by objective value plus a random sample of the rest, so each trial costs at most
 * O(maxFitPoints³) for the fit however long the study runs.
 *
 * <p><b>Constraints.</b> With a {@link ConstraintsFunction}, the constraint values of every trial
 * are stored ({@link Constraints}); one GP per constraint models them and the acquisition is
 * log EI + Σ log P(constraint ≤ 0), with the incumbent taken among feasible trials only (and only
 * the feasibility term while no trial is feasible).
 *
 * <p>The sampler keeps only its random generator and a cache of the last hyperparameters (a warm
 * start; a fresh sampler on the same storage works the same way from a cold start). Thread-safe.
 */
public final class GPSampler implements Sampler {
    private final int nStartupTrials;
    private final int maxFitPoints;
    private final int nCandidates;
    private final boolean warpOutputs;
    private final boolean trustRegion;
    private final Optional<ConstraintsFunction> constraints;
    /** the sampler for startup trials and parameters outside the joint space */
    private final Sampler independent;
    private long seed;
    /** the draws of the trial being sampled ({@link TrialSeeds}) */
    private Random rng = new Random(0);
    /** cache: model key → hyperparameters of its last fit, and the number of trials at that fit */
    private final Map<String, double[]> warmTheta = new HashMap<>();
    private final Map<String, Integer> fittedAt = new HashMap<>();

    private GPSampler(Builder b) {
        this.nStartupTrials = b.nStartupTrials;
        this.maxFitPoints = b.maxFitPoints;
        this.nCandidates = b.nCandidates;
        this.warpOutputs = b.warpOutputs;
        this.trustRegion = b.trustRegion;
        this.constraints = b.constraints;
        this.independent = BuilderSupport.independentOrTpe(b.independent, b.seed);
        this.seed = BuilderSupport.seed(b.seed);
    }

    /** @return a builder with the defaults (10 startup trials, 200 fit points, 500 candidates) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a GP sampler with the defaults and the given seed */
    public static GPSampler seeded(long seed) {
        return builder().seed(seed).build();
    }

    /** Options of a {@link GPSampler}. */
    public static final class Builder {
        private Optional<Long> seed = Optional.empty();
        private int nStartupTrials = 10;
        private int maxFitPoints = 200;
        private int nCandidates = 500;
        private boolean warpOutputs = true;
        private boolean trustRegion = true;
        private Optional<ConstraintsFunction> constraints = Optional.empty();
        private Optional<Sampler> independent = Optional.empty();

        private Builder() {}

        /** Fixes the random generator's seed. */
        public Builder seed(long s) {
            seed = Optional.of(s);
            return this;
        }

        /** How many COMPLETE trials are drawn at random before the GP takes over; >= 1. */
        public Builder nStartupTrials(int n) {
            nStartupTrials = BuilderSupport.atLeast("nStartupTrials", n, 1);
            return this;
        }

        /** The most trials the GP is fitted on (the bound on the cost per trial); >= 10. */
        public Builder maxFitPoints(int n) {
            maxFitPoints = BuilderSupport.atLeast("maxFitPoints", n, 10);
            return this;
        }

        /** How many candidates the acquisition function is evaluated on; >= 10. */
        public Builder nCandidates(int n) {
            nCandidates = BuilderSupport.atLeast("nCandidates", n, 10);
            return this;
        }

        /**
         * Whether the objective values are power-transformed (Yeo–Johnson, λ of maximum likelihood) before
         * the fit, so heavy-tailed objectives are modelled well (default true; see {@link GPSampler}).
         */
        public Builder warpOutputs(boolean on) {
            warpOutputs = on;
            return this;
        }

        /**
         * Whether one trial in {@value GPSampler#LOCAL_PERIOD} after the start-up is proposed by a local GP in a
         * box around the incumbent (default true; see {@link GPSampler}). Off, every trial comes from the global
         * model, whose resolution near the optimum is limited by its noise floor.
         */
        public Builder trustRegionSteps(boolean on) {
            trustRegion = on;
            return this;
        }

        /** Constraints on the trials (≤ 0 feasible); see {@link Constraints}. */
        public Builder constraints(ConstraintsFunction fn) {
            constraints = Optional.of(fn);
            return this;
        }

        /** The sampler for startup trials and parameters outside the joint space (default: TPE with this seed). */
        public Builder independentSampler(Sampler s) {
            independent = Optional.of(s);
            return this;
        }

        /** @return the sampler */
        public GPSampler build() {
            return new GPSampler(this);
        }
    }

    @Override
    public Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        return SpaceCodec.intersection(study.trials(EnumSet.of(TrialState.COMPLETE)), false);
    }

    @Override
    public synchronized Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial,
                                                           Map<String, Distribution> searchSpace) {
        rng = TrialSeeds.random(seed, trial.number());
        if (searchSpace.isEmpty()) {
            return Map.of();
        }
        if (study.directions().size() != 1) {
            throw new IllegalStateException("GPSampler optimises one objective; study '" + study.name() + "' has "
                    + study.directions().size() + " (use NSGAIISampler, TPE or random sampling)");
        }
        StudyDirection direction = study.directions().get(0);
        SpaceCodec codec = new SpaceCodec(searchSpace, true);
        List<FrozenTrial> done = new ArrayList<>();
        for (FrozenTrial t : study.trials(EnumSet.of(TrialState.COMPLETE))) {
            if (t.values().size() == 1 && Double.isFinite(t.value()) && codec.covers(t)) {
                done.add(t);
            }
        }
        if (done.size() < nStartupTrials) {
            return Map.of();
        }
        List<FrozenTrial> fitSet = selectFitSet(done, direction);
        int n = fitSet.size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = codec.encode(fitSet.get(i));
            y[i] = direction.toMinimized(fitSet.get(i).value());
        }
        String sig = codec.signature();
        double[] ys = warpOutputs ? OutputWarp.warp(standardize(y)) : standardize(y);
        GaussianProcess objectiveModel = fitCached(sig + "#f", x, ys, done.size());

        // constraint models and the incumbent among feasible trials
        List<GaussianProcess> cModels = new ArrayList<>();
        List<Double> cZero = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (Constraints.isFeasible(fitSet.get(i))) {
                best = Math.min(best, ys[i]);
            }
        }
        if (constraints.isPresent()) {
            fitConstraintModels(fitSet, x, sig, cModels, cZero, done.size());
        }
        if (constraints.isEmpty() && localTurn(done.size())) {
            double[] local = refineLocally(codec, done, direction, objectiveModel.theta());
            if (local != null) {
                return codec.decode(local);
            }
        }
        Acquisition acq = new Acquisition(objectiveModel, best, cModels, cZero);
        return codec.decode(maximize(acq, globalDomain(codec), byValue(x, ys)));
    }

    private void fitConstraintModels(List<FrozenTrial> fitSet, double[][] x, String sig,
                                     List<GaussianProcess> models, List<Double> zeros, int nTrials) {
        int nc = -1;
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < fitSet.size(); i++) {
            Optional<double[]> c = Constraints.values(fitSet.get(i));
            if (c.isPresent() && (nc < 0 || c.get().length == nc)) {
                nc = c.get().length;
                rows.add(i);
            }
        }
        if (nc <= 0 || rows.size() < 2) {
            return;
        }
        double[][] xc = new double[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            xc[r] = x[rows.get(r)];
        }
        for (int k = 0; k < nc; k++) {
            double[] c = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                c[r] = Constraints.values(fitSet.get(rows.get(r))).orElseThrow()[k];
            }
            double mean = Arrays.stream(c).average().orElse(0);
            double sd = sd(c, mean);
            for (int r = 0; r < c.length; r++) {
                c[r] = (c[r] - mean) / sd;
            }
            models.add(fitCached(sig + "#c" + k, xc, c, nTrials));
            zeros.add((0 - mean) / sd);
        }
    }

    /**
     * Fits a model, or reuses the hyperparameters of the last fit of the same model while the study
     * has grown by less than 5% since (one factorisation instead of an L-BFGS run). The cached
     * hyperparameters are also the warm start of the next fit.
     */
    private GaussianProcess fitCached(String key, double[][] x, double[] y, int nTrials) {
        double[] warm = warmTheta.get(key);
        Integer at = fittedAt.get(key);
        if (warm != null && at != null && nTrials >= at && nTrials < at + Math.max(1, at / 20)) {
            return GaussianProcess.withTheta(x, y, warm);
        }
        GaussianProcess gp = GaussianProcess.fit(x, y, warm, warm == null ? 100 : 30);
        warmTheta.put(key, gp.theta());
        fittedAt.put(key, nTrials);
        return gp;
    }

    /** The best half by value plus a random sample of the rest, at most maxFitPoints trials. */
    private List<FrozenTrial> selectFitSet(List<FrozenTrial> done, StudyDirection direction) {
        if (done.size() <= maxFitPoints) {
            return done;
        }
        List<FrozenTrial> sorted = new ArrayList<>(done);
        sorted.sort(Comparator.comparingDouble((FrozenTrial t) -> Constraints.isFeasible(t) ? 0 : 1)
                .thenComparingDouble(t -> direction.toMinimized(t.value())));
        int keep = maxFitPoints / 2;
        List<FrozenTrial> out = new ArrayList<>(sorted.subList(0, keep));
        List<FrozenTrial> rest = new ArrayList<>(sorted.subList(keep, sorted.size()));
        for (int i = 0; i < maxFitPoints - keep; i++) {
            int j = i + rng.nextInt(rest.size() - i);
            FrozenTrial t = rest.get(j);
            rest.set(j, rest.get(i));
            rest.set(i, t);
            out.add(t);
        }
        return out;
    }

    private static double[] standardize(double[] y) {
        double mean = Arrays.stream(y).average().orElse(0);
        double sd = sd(y, mean);
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (y[i] - mean) / sd;
        }
        return out;
    }

    private static double sd(double[] v, double mean) {
        double s = 0;
        for (double a : v) {
            s += (a - mean) * (a - mean);
        }
        double sd = Math.sqrt(s / v.length);
        return sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1;
    }

    /** log EI (when a feasible incumbent exists) plus the log probability of feasibility. */
    private static final class Acquisition {
        final GaussianProcess f;
        final double best;
        final List<GaussianProcess> c;
        final List<Double> zero;
        final double[] out = new double[2];
        final double[] work;

        Acquisition(GaussianProcess f, double best, List<GaussianProcess> c, List<Double> zero) {
            this.f = f;
            this.best = best;
            this.c = c;
            this.zero = zero;
            int m = f.size();
            for (GaussianProcess g : c) {
                m = Math.max(m, g.size());
            }
            this.work = new double[m];
        }

        /** The values at many points (batched predictions). */
        double[] values(double[][] ps) {
            double[] v = new double[ps.length];
            double[] mu = new double[ps.length];
            double[] sd = new double[ps.length];
            if (best < Double.POSITIVE_INFINITY) {
                f.predictBatch(ps, mu, sd);
                for (int i = 0; i < ps.length; i++) {
                    v[i] += NormalMath.logExpectedImprovement(mu[i], sd[i], best);
                }
            }
            for (int k = 0; k < c.size(); k++) {
                c.get(k).predictBatch(ps, mu, sd);
                for (int i = 0; i < ps.length; i++) {
                    v[i] += NormalMath.logCdf((zero.get(k) - mu[i]) / sd[i]);
                }
            }
            return v;
        }

        double value(double[] p) {
            double v = 0;
            if (best < Double.POSITIVE_INFINITY) {
                f.predict(p, out, work);
                v += NormalMath.logExpectedImprovement(out[0], out[1], best);
            }
            for (int k = 0; k < c.size(); k++) {
                c.get(k).predict(p, out, work);
                v += NormalMath.logCdf((zero.get(k) - out[0]) / out[1]);
            }
            return v;
        }
    }

    /** one trial in this many is a trust-region step */
    static final int LOCAL_PERIOD = 3;

    /** @return whether the trial after {@code nDone} finished ones is a trust-region step */
    private boolean localTurn(int nDone) {
        return trustRegion && nDone % LOCAL_PERIOD == LOCAL_PERIOD - 1;
    }

    /**
     * A proposal from a local GP around the incumbent (a trust region, as TuRBO's): among the trials that
     * share the incumbent's categorical values, the (m + 1)(m + 2) nearest to it in its m numeric coordinates
     * (enough for a quadratic's coefficients twice over; at most {@code maxFitPoints}) are modelled in the box
     * around the incumbent that reaches the (m + 1)-th nearest, with their values standardised among
     * themselves. The global model standardises over the whole range of values and has a noise floor, so it
     * cannot tell apart trials closer to the optimum than about 1e-4 of that range; the local model's scale
     * shrinks with the box, so successive steps keep resolving.
     *
     * @return the proposal in the codec's cube, or null when too few trials share the incumbent's categoricals
     *     or their values are equal to rounding
     */
    private double[] refineLocally(SpaceCodec codec, List<FrozenTrial> done, StudyDirection direction,
                                   double[] globalTheta) {
        int nAll = done.size();
        double[][] xs = new double[nAll][];
        double[] ys = new double[nAll];
        int ib = 0;
        for (int i = 0; i < nAll; i++) {
            xs[i] = codec.encode(done.get(i));
            ys[i] = direction.toMinimized(done.get(i).value());
            if (ys[i] < ys[ib]) {
                ib = i;
            }
        }
        double[] inc = xs[ib];
        List<Integer> numeric = new ArrayList<>();
        List<Integer> categorical = new ArrayList<>();
        for (int i = 0; i < codec.names().size(); i++) {
            for (int k = 0; k < codec.width(i); k++) {
                (codec.isCategorical(i) ? categorical : numeric).add(codec.offset(i) + k);
            }
        }
        int m = numeric.size();
        if (m == 0) {
            return null;
        }
        // the box's sides follow the global model's length scales (normalised to geometric mean 1), as in TuRBO
        double[] side = new double[m];
        double logMean = 0;
        for (int j = 0; j < m; j++) {
            side[j] = globalTheta[numeric.get(j)];
            logMean += side[j] / m;
        }
        for (int j = 0; j < m; j++) {
            side[j] = Math.exp(side[j] - logMean);
        }
        // neighbours by the box's own (scaled L∞) metric, so that any proposal inside the box is one of them next time
        List<Integer> same = new ArrayList<>();
        double[] dist = new double[nAll];
        for (int i = 0; i < nAll; i++) {
            boolean eq = true;
            for (int o : categorical) {
                eq &= xs[i][o] == inc[o];
            }
            if (eq) {
                same.add(i);
                for (int j = 0; j < m; j++) {
                    int o = numeric.get(j);
                    dist[i] = Math.max(dist[i], Math.abs(xs[i][o] - inc[o]) / side[j]);
                }
            }
        }
        int k = Math.min(same.size(), Math.min(maxFitPoints, (m + 1) * (m + 2)));
        if (k < m + 2) {
            return null;
        }
        same.sort(Comparator.comparingDouble(i -> dist[i]));
        // the box reaches the (m + 1)-th nearest trial: while the incumbent and the length scales stay, a proposal
        // inside it never widens the next box and one nearer than that trial narrows it; the model also sees the
        // farther neighbours (outside the box)
        int span = m + 1;
        while (span < k - 1 && !(dist[same.get(span)] > 0)) {
            span++;
        }
        double radius = dist[same.get(span)];
        if (!(radius > 0)) {
            return null;
        }
        double[] half = new double[m];
        for (int j = 0; j < m; j++) {
            half[j] = radius * side[j];
        }
        Box box = new Box(codec, inc, numeric, half);
        double[][] u = new double[k][];
        double[] yl = new double[k];
        for (int r = 0; r < k; r++) {
            u[r] = box.toBox(xs[same.get(r)]);
            yl[r] = ys[same.get(r)];
        }
        double lowest = Arrays.stream(yl).min().orElseThrow();
        double highest = Arrays.stream(yl).max().orElseThrow();
        if (!(highest - lowest > 1e-12 * Math.max(1, Math.abs(lowest)))) {
            return null; // flat to the values' precision: nothing left to resolve here
        }
        double[] yls = warpOutputs ? OutputWarp.warp(standardize(yl)) : standardize(yl);
        GaussianProcess model = GaussianProcess.fit(u, yls, null, 100);
        double best = Arrays.stream(yls).min().orElseThrow();
        return box.toCube(maximize(new Acquisition(model, best, List.of(), List.of()), box, byValue(u, yls)));
    }

    /**
     * The trust region: a box around the incumbent in the numeric coordinates (the categorical ones stay the
     * incumbent's), mapped to the unit cube of the local model.
     */
    private final class Box implements Domain {
        private final SpaceCodec codec;
        private final double[] inc;
        private final List<Integer> numeric;
        private final double[] lo;
        private final double[] width;

        Box(SpaceCodec codec, double[] inc, List<Integer> numeric, double[] half) {
            this.codec = codec;
            this.inc = inc;
            this.numeric = numeric;
            int m = numeric.size();
            lo = new double[m];
            width = new double[m];
            for (int j = 0; j < m; j++) {
                int o = numeric.get(j);
                // at least 1e-12 each side (thousands of doubles): a box below their resolution is empty
                double h = Math.max(1e-12, half[j]);
                lo[j] = Math.max(0, inc[o] - h);
                width[j] = Math.min(1, inc[o] + h) - lo[j];
            }
        }

        /** @return the box coordinates of a point of the codec's cube (outside [0, 1] when it lies outside the box) */
        double[] toBox(double[] x) {
            double[] p = new double[lo.length];
            for (int j = 0; j < p.length; j++) {
                p[j] = (x[numeric.get(j)] - lo[j]) / width[j];
            }
            return p;
        }

        /** @return the point of the codec's cube at box coordinates {@code p}, with the incumbent's categoricals */
        double[] toCube(double[] p) {
            double[] x = inc.clone();
            for (int j = 0; j < p.length; j++) {
                x[numeric.get(j)] = lo[j] + p[j] * width[j];
            }
            return x;
        }

        @Override
        public double[] random() {
            double[] p = new double[lo.length];
            for (int j = 0; j < p.length; j++) {
                p[j] = rng.nextDouble();
            }
            return p;
        }

        @Override
        public void perturb(double[] p, double sd, double pCat) {
            for (int j = 0; j < p.length; j++) {
                p[j] = Math.min(1, Math.max(0, p[j] + sd * rng.nextGaussian()));
            }
        }

        @Override
        public void snap(double[] p) {
            double[] x = toCube(p);
            codec.snapInPlace(x);
            System.arraycopy(toBox(x), 0, p, 0, p.length);
        }
    }

    /** Where the acquisition is maximised: random points, Gaussian steps, and the valid point nearest a candidate. */
    private interface Domain {
        double[] random();

        /** Gaussian steps of size {@code sd} on numeric coordinates; categoricals re-drawn with {@code pCat}. */
        void perturb(double[] p, double sd, double pCat);

        void snap(double[] p);
    }

    /** The whole encoded space. */
    private Domain globalDomain(SpaceCodec codec) {
        return new Domain() {
            @Override
            public double[] random() {
                return randomPoint(codec);
            }

            @Override
            public void perturb(double[] p, double sd, double pCat) {
                GPSampler.this.perturb(codec, p, sd, pCat);
            }

            @Override
            public void snap(double[] p) {
                codec.snapInPlace(p);
            }
        };
    }

    /**
     * Random and local candidates (Gaussian steps from the {@code tops}, the best points first), then a
     * shrinking-step local search from the best few.
     */
    private double[] maximize(Acquisition acq, Domain domain, double[][] tops) {
        int nTop = Math.min(5, tops.length);
        double[][] cand = new double[nCandidates][];
        for (int c = 0; c < nCandidates; c++) {
            double[] p;
            if (c % 2 == 0) {
                p = domain.random();
            } else {
                p = tops[rng.nextInt(nTop)].clone();
                double sd = new double[] {1e-5, 1e-3, 0.01, 0.05, 0.15}[rng.nextInt(5)];
                domain.perturb(p, sd, 0.2);
            }
            domain.snap(p);
            cand[c] = p;
        }
        double[] score = acq.values(cand);
        Integer[] byScore = new Integer[nCandidates];
        for (int i = 0; i < nCandidates; i++) {
            byScore[i] = i;
        }
        Arrays.sort(byScore, Comparator.comparingDouble(i -> -score[i]));
        double[] bestP = cand[byScore[0]];
        double bestV = score[byScore[0]];
        for (int s = 0; s < Math.min(3, nCandidates); s++) {
            double[] p = cand[byScore[s]].clone();
            double v = score[byScore[s]];
            double step = 0.05;
            for (int it = 0; it < 40; it++) {
                double[] q = p.clone();
                domain.perturb(q, step, 0.05);
                domain.snap(q);
                double qv = acq.value(q);
                if (qv > v) {
                    p = q;
                    v = qv;
                    step = Math.min(0.2, step * 1.5);
                } else {
                    step = Math.max(1e-9, step * 0.7);
                }
            }
            if (v > bestV) {
                bestV = v;
                bestP = p;
            }
        }
        return bestP;
    }

    /** @return the points of {@code x} ordered by {@code ys}, smallest first */
    private static double[][] byValue(double[][] x, double[] ys) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> ys[i]));
        double[][] out = new double[x.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[order[i]];
        }
        return out;
    }

    private double[] randomPoint(SpaceCodec codec) {
        double[] p = new double[codec.dim()];
        for (int i = 0; i < codec.names().size(); i++) {
            if (codec.isCategorical(i)) {
                codec.encodeInto(i, rng.nextInt(codec.width(i)), p);
            } else {
                p[codec.offset(i)] = rng.nextDouble();
            }
        }
        return p;
    }

    /** Gaussian steps of size {@code sd} on numeric coordinates; categoricals re-drawn with {@code pCat}. */
    private void perturb(SpaceCodec codec, double[] p, double sd, double pCat) {
        for (int i = 0; i < codec.names().size(); i++) {
            if (codec.isCategorical(i)) {
                if (rng.nextDouble() < pCat) {
                    codec.encodeInto(i, rng.nextInt(codec.width(i)), p);
                }
            } else {
                int o = codec.offset(i);
                p[o] = Math.min(1, Math.max(0, p[o] + sd * rng.nextGaussian()));
            }
        }
    }

    @Override
    public synchronized double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return independent.sampleIndependent(study, trial, name, distribution);
    }

    @Override
    public void beforeTrial(StudyView study, FrozenTrial trial) {
        if (study.directions().size() != 1) {
            throw new IllegalStateException("GPSampler optimises one objective; study '" + study.name() + "' has "
                    + study.directions().size() + " (use NSGAIISampler or random sampling)");
        }
        independent.beforeTrial(study, trial);
    }

    @Override
    public void afterTrial(StudyView study, FrozenTrial trial, TrialState state, List<Double> values) {
        constraints.ifPresent(fn -> Constraints.evaluateAndStore(fn, study, trial, state, values));
        independent.afterTrial(study, trial, state, values);
    }

    @Override
    public synchronized void reseed(long seed) {
        this.seed = seed;
        warmTheta.clear();
        fittedAt.clear();
        independent.reseed(seed);
    }
}
