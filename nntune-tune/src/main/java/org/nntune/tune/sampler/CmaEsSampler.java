package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * CMA-ES (covariance matrix adaptation evolution strategy, Hansen's (μ/μ_w, λ) form with rank-one
 * and rank-μ updates and cumulative step-size adaptation) on the float and integer parameters of a
 * single-objective study, in the unit cube of {@link SpaceCodec} (log ranges warped, integers
 * rounded on decoding). Categorical parameters and everything outside the joint space are drawn by
 * the independent sampler (TPE by default, where Optuna uses random sampling).
 *
 * <p><b>No state outside the storage.</b> Each trial the sampler proposes carries system attributes
 * {@code cmaes:space} (the space's signature), {@code cmaes:restart}, {@code cmaes:generation} and
 * {@code cmaes:x} (its point in the cube). Before sampling, the optimiser's state is rebuilt by
 * replaying the generations from the COMPLETE trials (a generation is told its first λ COMPLETE
 * trials by number once it has them), so any worker in any process continues the same search.
 * The initial distribution is stored once per space in the study system attribute
 * {@code cmaes:init:<signature>} (set by compare-and-set: the first worker wins).
 *
 * <p><b>Warm start.</b> If COMPLETE trials covering the space exist before the first CMA-ES trial
 * (random startup trials, enqueued or imported trials), the search starts at the mean of their best
 * quarter with a per-coordinate spread taken from it; otherwise at the centre with σ = 1/6 of the
 * (normalised) range, as Optuna does.
 *
 * <p><b>Restarts (IPOP).</b> With {@link Builder#ipopRestarts}, when a run stagnates (flat
 * function values over the recent generations, a vanishing step size or an ill-conditioned
 * covariance) a new run starts from a point derived only from the restart number, with the
 * population doubled.
 *
 * <p>Thread-safe; the random generator is the only state besides the storage.
 */
public final class CmaEsSampler implements Sampler {
    static final String SPACE = SystemAttrs.CMAES_SPACE;
    static final String RESTART = SystemAttrs.CMAES_RESTART;
    static final String GENERATION = SystemAttrs.CMAES_GENERATION;
    static final String X = SystemAttrs.CMAES_X;
    static final String INIT = SystemAttrs.CMAES_INIT_PREFIX;

    private final Optional<Integer> popsize;
    private final double sigma0;
    private final boolean ipop;
    private final int nStartupTrials;
    private final boolean warmStart;
    /** the sampler for startup trials and parameters outside the joint space */
    private final Sampler independent;
    private long seed;
    /** the draws of the trial being sampled ({@link TrialSeeds}) */
    private Random rng = new Random(0);

    private CmaEsSampler(Builder b) {
        popsize = b.popsize;
        sigma0 = b.sigma0;
        ipop = b.ipop;
        nStartupTrials = b.nStartupTrials;
        warmStart = b.warmStart;
        independent = BuilderSupport.independentOrTpe(b.independent, b.seed);
        seed = BuilderSupport.seed(b.seed);
    }

    /** @return a builder with the defaults (λ = 4 + ⌊3 ln n⌋, σ0 = 1/6, no restarts, warm start on) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a CMA-ES sampler with the defaults and the given seed */
    public static CmaEsSampler seeded(long seed) {
        return builder().seed(seed).build();
    }

    /** Options of a {@link CmaEsSampler}. */
    public static final class Builder {
        private Optional<Long> seed = Optional.empty();
        private Optional<Integer> popsize = Optional.empty();
        private double sigma0 = 1.0 / 6;
        private boolean ipop;
        private int nStartupTrials;
        private boolean warmStart = true;
        private Optional<Sampler> independent = Optional.empty();

        private Builder() {}

        /** Fixes the random generator's seed. */
        public Builder seed(long s) {
            seed = Optional.of(s);
            return this;
        }

        /** The population size λ of the first run; >= 2 (default 4 + ⌊3 ln n⌋). */
        public Builder popsize(int lambda) {
            popsize = Optional.of(BuilderSupport.atLeast("popsize", lambda, 2));
            return this;
        }

        /** The initial step size in the unit cube, in (0, 1]. */
        public Builder sigma0(double s) {
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("sigma0 must be in (0, 1] (the search space is normalised to [0, 1]), got " + s);
            }
            sigma0 = s;
            return this;
        }

        /** Restarts a stagnated run with a doubled population (IPOP-CMA-ES). */
        public Builder ipopRestarts(boolean on) {
            ipop = on;
            return this;
        }

        /** How many COMPLETE trials the independent sampler draws before CMA-ES starts; >= 0. */
        public Builder nStartupTrials(int n) {
            nStartupTrials = BuilderSupport.atLeast("nStartupTrials", n, 0);
            return this;
        }

        /** Whether to start from the trials that finished before CMA-ES took over (default true). */
        public Builder warmStart(boolean on) {
            warmStart = on;
            return this;
        }

        /** The sampler for categorical parameters and parameters outside the joint space (default: TPE with this seed). */
        public Builder independentSampler(Sampler s) {
            independent = Optional.of(s);
            return this;
        }

        /** @return the sampler */
        public CmaEsSampler build() {
            return new CmaEsSampler(this);
        }
    }

    @Override
    public Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        Map<String, Distribution> space = new TreeMap<>(
                SpaceCodec.intersection(study.trials(EnumSet.of(TrialState.COMPLETE)), false));
        space.values().removeIf(d -> d instanceof CategoricalDistribution);
        return space;
    }

    @Override
    public synchronized Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial,
                                                           Map<String, Distribution> searchSpace) {
        rng = TrialSeeds.random(seed, trial.number());
        if (searchSpace.isEmpty()) {
            return Map.of();
        }
        if (study.directions().size() != 1) {
            throw new IllegalStateException("CmaEsSampler optimises one objective; study '" + study.name() + "' has "
                    + study.directions().size() + " (use NSGAIISampler, TPE or random sampling)");
        }
        StudyDirection direction = study.directions().get(0);
        SpaceCodec codec = new SpaceCodec(searchSpace, false);
        String sig = codec.signature();
        List<FrozenTrial> complete = study.trials(EnumSet.of(TrialState.COMPLETE));
        if (complete.size() < nStartupTrials) {
            return Map.of();
        }
        CmaState state = replay(study, codec, sig, complete, direction);
        double[] x = state.sample(rng);
        long id = trial.trialId();
        List<Double> xs = new ArrayList<>(x.length);
        for (double v : x) {
            xs.add(v);
        }
        study.setTrialSystemAttr(id, SPACE, sig);
        study.setTrialSystemAttr(id, RESTART, state.restart);
        study.setTrialSystemAttr(id, GENERATION, state.generation);
        study.setTrialSystemAttr(id, X, xs);
        return codec.decode(x);
    }

    /** Rebuilds the optimiser from the stored initial distribution and the tagged COMPLETE trials. */
    private CmaState replay(StudyView study, SpaceCodec codec, String sig, List<FrozenTrial> complete,
                            StudyDirection direction) {
        int n = codec.dim();
        Map<Long, Map<Long, List<FrozenTrial>>> byRestartGen = new TreeMap<>();
        for (FrozenTrial t : complete) {
            if (sig.equals(t.systemAttrs().get(SPACE)) && t.values().size() == 1 && Double.isFinite(t.value())) {
                long r = ((Number) t.systemAttrs().get(RESTART)).longValue();
                long g = ((Number) t.systemAttrs().get(GENERATION)).longValue();
                byRestartGen.computeIfAbsent(r, k -> new TreeMap<>()).computeIfAbsent(g, k -> new ArrayList<>()).add(t);
            }
        }
        Init init = initialDistribution(study, codec, sig, complete, direction);
        int lambda0 = popsize.orElse(4 + (int) Math.floor(3 * Math.log(n)));
        CmaState state = new CmaState(n, init.mean, init.sigma, init.cdiag, lambda0, 0);
        while (true) {
            List<FrozenTrial> gen = byRestartGen.getOrDefault((long) state.restart, Map.of())
                    .getOrDefault((long) state.generation, List.of());
            if (gen.size() < state.lambda) {
                return state;
            }
            List<FrozenTrial> told = new ArrayList<>(gen);
            told.sort(Comparator.comparingInt(FrozenTrial::number));
            told = told.subList(0, state.lambda);
            double[][] xs = new double[state.lambda][];
            double[] fs = new double[state.lambda];
            for (int i = 0; i < state.lambda; i++) {
                xs[i] = point(told.get(i), n);
                fs[i] = direction.toMinimized(told.get(i).value());
            }
            state.tell(xs, fs);
            if (ipop && state.shouldStop()) {
                int r = state.restart + 1;
                SplittableRandom g = new SplittableRandom(0x5DEECE66DL * (r + 1));
                double[] m = new double[n];
                for (int i = 0; i < n; i++) {
                    m[i] = 0.2 + 0.6 * g.nextDouble();
                }
                double[] ones = new double[n];
                java.util.Arrays.fill(ones, 1);
                state = new CmaState(n, m, sigma0 * 2, ones, state.lambda * 2, r);
            }
        }
    }

    private static double[] point(FrozenTrial t, int n) {
        List<?> l = (List<?>) t.systemAttrs().get(X);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = ((Number) l.get(i)).doubleValue();
        }
        return x;
    }

    private record Init(double[] mean, double sigma, double[] cdiag) {}

    /** The initial distribution stored in the study (the first worker to store it wins). */
    private Init initialDistribution(StudyView study, SpaceCodec codec, String sig, List<FrozenTrial> complete,
                                     StudyDirection direction) {
        String key = INIT + sig;
        Object stored = study.systemAttrs().get(key);
        if (stored == null) {
            Init computed = computeInit(codec, sig, complete, direction);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", toList(computed.mean));
            m.put("sigma", computed.sigma);
            m.put("cdiag", toList(computed.cdiag));
            study.compareAndSetSystemAttr(key, Optional.empty(), m);
            stored = study.systemAttrs().get(key);
        }
        Map<?, ?> m = (Map<?, ?>) stored;
        return new Init(toArray((List<?>) m.get("mean")), ((Number) m.get("sigma")).doubleValue(),
                toArray((List<?>) m.get("cdiag")));
    }

    private Init computeInit(SpaceCodec codec, String sig, List<FrozenTrial> complete, StudyDirection direction) {
        int n = codec.dim();
        double[] center = new double[n];
        double[] ones = new double[n];
        java.util.Arrays.fill(center, 0.5);
        java.util.Arrays.fill(ones, 1);
        List<FrozenTrial> prior = new ArrayList<>();
        for (FrozenTrial t : complete) {
            if (!sig.equals(t.systemAttrs().get(SPACE)) && codec.covers(t) && t.values().size() == 1
                    && Double.isFinite(t.value())) {
                prior.add(t);
            }
        }
        if (!warmStart || prior.size() < 3) {
            return new Init(center, sigma0, ones);
        }
        prior.sort(Comparator.comparingDouble(t -> direction.toMinimized(t.value())));
        int k = Math.max(2, (int) Math.ceil(prior.size() / 4.0));
        double[] mean = new double[n];
        double[][] xs = new double[k][];
        for (int i = 0; i < k; i++) {
            xs[i] = codec.encode(prior.get(i));
            for (int d = 0; d < n; d++) {
                mean[d] += xs[i][d] / k;
            }
        }
        double[] sd = new double[n];
        double avg = 0;
        for (int d = 0; d < n; d++) {
            double s = 0;
            for (double[] x : xs) {
                s += (x[d] - mean[d]) * (x[d] - mean[d]);
            }
            sd[d] = Math.min(0.5, Math.max(0.02, Math.sqrt(s / k)));
            avg += sd[d] / n;
        }
        double sigma = Math.min(sigma0, avg);
        double[] cdiag = new double[n];
        for (int d = 0; d < n; d++) {
            cdiag[d] = (sd[d] / sigma) * (sd[d] / sigma);
        }
        return new Init(mean, sigma, cdiag);
    }

    private static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) {
            l.add(v);
        }
        return l;
    }

    private static double[] toArray(List<?> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((Number) l.get(i)).doubleValue();
        }
        return a;
    }

    @Override
    public synchronized double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return independent.sampleIndependent(study, trial, name, distribution);
    }

    @Override
    public void beforeTrial(StudyView study, FrozenTrial trial) {
        if (study.directions().size() != 1) {
            throw new IllegalStateException("CmaEsSampler optimises one objective; study '" + study.name() + "' has "
                    + study.directions().size() + " (use NSGAIISampler or random sampling)");
        }
        independent.beforeTrial(study, trial);
    }

    @Override
    public void afterTrial(StudyView study, FrozenTrial trial, TrialState state, List<Double> values) {
        independent.afterTrial(study, trial, state, values);
    }

    @Override
    public synchronized void reseed(long seed) {
        this.seed = seed;
        independent.reseed(seed);
    }
}
