package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.ConstraintsFunction;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.ParetoFront;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * NSGA-II (Deb et al. 2002) for studies with one or more objectives: a population of
 * {@code populationSize} trials per generation; parents chosen by binary tournament on
 * (non-domination rank, crowding distance); children by crossover and mutation; the next parent
 * population is the elite of the previous one and the new generation (μ + λ), chosen by
 * non-dominated sorting and crowding distance. With a {@link ConstraintsFunction}, domination is
 * Deb's constrained domination (feasible first, then smaller violation).
 *
 * <p><b>Crossover.</b> {@link Crossover#SBX} (default): floats and integers use simulated binary
 * crossover (η = 15) in the unit cube and polynomial mutation (η = 20), categoricals are inherited
 * uniformly; {@link Crossover#UNIFORM} (Optuna's default): each parameter from either parent with
 * probability {@code swappingProb}, for every kind of parameter. On ZDT1 (5 variables, 800 trials)
 * SBX reaches a hypervolume of 0.81 of 0.877, uniform crossover 0.53. A pair is crossed with
 * probability {@code crossoverProb}, else the first parent is copied.
 *
 * <p><b>Mutation.</b> Each parameter is mutated with probability {@code mutationProb} (default
 * 1 / number of parameters): redrawn at random (uniform crossover, and categoricals always) or
 * perturbed polynomially (SBX).
 *
 * <p><b>No state outside the storage.</b> A trial's generation is stored in its system attribute
 * {@value #GENERATION} at {@link #beforeTrial}: generation g + 1 starts once generation g has
 * {@code populationSize} COMPLETE trials. The parent population of every generation is rebuilt from
 * the COMPLETE trials (cached by the number of trials it was built from). Generation 0 and
 * parameters outside the joint space are sampled at random. Thread-safe.
 */
public final class NSGAIISampler implements Sampler {
    /** The trial system attribute holding the trial's generation. */
    public static final String GENERATION = SystemAttrs.NSGA2_GENERATION;

    /** How children inherit parameters. */
    public enum Crossover {
        /** each parameter from either parent (any kind of parameter) */
        UNIFORM,
        /** simulated binary crossover on numeric parameters (uniform on categoricals) */
        SBX
    }

    private final int populationSize;
    private final Crossover crossover;
    private final double crossoverProb;
    private final double swappingProb;
    private final Optional<Double> mutationProb;
    private final Optional<ConstraintsFunction> constraints;
    private long seed;
    /** the draws of the trial being sampled ({@link TrialSeeds}) */
    private Random rng = new Random(0);
    /** (study, generation) → the parent population after it and how many trials it was built from */
    private final Map<String, CachedPopulation> cache = new HashMap<>();

    private record CachedPopulation(int inputs, List<FrozenTrial> population) {}

    private NSGAIISampler(Builder b) {
        populationSize = b.populationSize;
        crossover = b.crossover;
        crossoverProb = b.crossoverProb;
        swappingProb = b.swappingProb;
        mutationProb = b.mutationProb;
        constraints = b.constraints;
        seed = BuilderSupport.seed(b.seed);
    }

    /** @return a builder with the defaults (population 50, SBX crossover with probability 0.9) */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of an {@link NSGAIISampler}. */
    public static final class Builder {
        private Optional<Long> seed = Optional.empty();
        private int populationSize = 50;
        private Crossover crossover = Crossover.SBX;
        private double crossoverProb = 0.9;
        private double swappingProb = 0.5;
        private Optional<Double> mutationProb = Optional.empty();
        private Optional<ConstraintsFunction> constraints = Optional.empty();

        private Builder() {}

        /** Fixes the random generator's seed. */
        public Builder seed(long s) {
            seed = Optional.of(s);
            return this;
        }

        /** Trials per generation; >= 2. */
        public Builder populationSize(int n) {
            populationSize = BuilderSupport.atLeast("populationSize", n, 2);
            return this;
        }

        /** The crossover operator. */
        public Builder crossover(Crossover c) {
            crossover = c;
            return this;
        }

        /** Probability that a child is a crossover of two parents (else a copy of one); in [0, 1]. */
        public Builder crossoverProb(double p) {
            crossoverProb = probability("crossoverProb", p);
            return this;
        }

        /** Probability that uniform crossover takes a parameter from the second parent; in [0, 1]. */
        public Builder swappingProb(double p) {
            swappingProb = probability("swappingProb", p);
            return this;
        }

        /** Probability that a parameter is mutated; in [0, 1] (default 1 / number of parameters). */
        public Builder mutationProb(double p) {
            mutationProb = Optional.of(probability("mutationProb", p));
            return this;
        }

        /** Constraints on the trials (≤ 0 feasible), used through constrained domination. */
        public Builder constraints(ConstraintsFunction fn) {
            constraints = Optional.of(fn);
            return this;
        }

        private static double probability(String what, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
            }
            return p;
        }

        /** @return the sampler */
        public NSGAIISampler build() {
            return new NSGAIISampler(this);
        }
    }

    @Override
    public void beforeTrial(StudyView study, FrozenTrial trial) {
        int g = openGeneration(study.trials(EnumSet.of(TrialState.COMPLETE)));
        study.setTrialSystemAttr(trial.trialId(), GENERATION, g);
    }

    /** The first generation with fewer than populationSize COMPLETE trials. */
    private int openGeneration(List<FrozenTrial> complete) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (FrozenTrial t : complete) {
            Integer g = generationOf(t);
            if (g != null) {
                counts.merge(g, 1, Integer::sum);
            }
        }
        int g = 0;
        while (counts.getOrDefault(g, 0) >= populationSize) {
            g++;
        }
        return g;
    }

    private static Integer generationOf(FrozenTrial t) {
        return t.systemAttrs().get(GENERATION) instanceof Number n ? n.intValue() : null;
    }

    @Override
    public Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        return SpaceCodec.intersection(study.trials(EnumSet.of(TrialState.COMPLETE)), false);
    }

    @Override
    public synchronized Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial,
                                                           Map<String, Distribution> searchSpace) {
        rng = TrialSeeds.random(seed, trial.number());
        Integer g = generationOf(trial);
        if (g == null) {
            g = openGeneration(study.trials(EnumSet.of(TrialState.COMPLETE)));
        }
        if (g == 0 || searchSpace.isEmpty()) {
            return Map.of();
        }
        List<StudyDirection> directions = study.directions();
        List<FrozenTrial> parents = population(study, study.trials(EnumSet.of(TrialState.COMPLETE)), g - 1, directions);
        List<FrozenTrial> usable = new ArrayList<>();
        SpaceCodec codec = new SpaceCodec(searchSpace, false);
        for (FrozenTrial t : parents) {
            if (codec.covers(t)) {
                usable.add(t);
            }
        }
        if (usable.size() < 2) {
            return Map.of();
        }
        double[][] v = ParetoFront.minimized(usable, directions);
        double[] viol = new double[usable.size()];
        for (int i = 0; i < viol.length; i++) {
            viol[i] = Constraints.violation(usable.get(i));
        }
        int[] rank = ParetoFront.ranks(v, viol);
        double[] crowd = crowdingByFront(v, rank);
        double[] p1 = codec.encode(usable.get(tournament(rank, crowd)));
        double[] p2 = codec.encode(usable.get(tournament(rank, crowd)));
        return child(codec, p1, p2);
    }

    private double[] crowdingByFront(double[][] v, int[] rank) {
        double[] crowd = new double[v.length];
        int maxRank = 0;
        for (int r : rank) {
            maxRank = Math.max(maxRank, r);
        }
        for (int r = 0; r <= maxRank; r++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < v.length; i++) {
                if (rank[i] == r) {
                    members.add(i);
                }
            }
            double[][] front = new double[members.size()][];
            for (int i = 0; i < front.length; i++) {
                front[i] = v[members.get(i)];
            }
            double[] d = ParetoFront.crowdingDistance(front);
            for (int i = 0; i < front.length; i++) {
                crowd[members.get(i)] = d[i];
            }
        }
        return crowd;
    }

    private int tournament(int[] rank, double[] crowd) {
        int a = rng.nextInt(rank.length);
        int b = rng.nextInt(rank.length);
        if (rank[a] != rank[b]) {
            return rank[a] < rank[b] ? a : b;
        }
        if (crowd[a] != crowd[b]) {
            return crowd[a] > crowd[b] ? a : b;
        }
        return rng.nextBoolean() ? a : b;
    }

    /** Crossover and mutation; mutated-by-redraw parameters are left out (sampled independently). */
    private Map<String, Double> child(SpaceCodec codec, double[] p1, double[] p2) {
        int nParams = codec.names().size();
        double pm = mutationProb.orElse(1.0 / nParams);
        boolean cross = rng.nextDouble() < crossoverProb;
        double[] c = p1.clone();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < nParams; i++) {
            int o = codec.offset(i);
            boolean numeric = !(codec.dist(i) instanceof CategoricalDistribution);
            if (cross) {
                if (crossover == Crossover.SBX && numeric) {
                    c[o] = sbx(p1[o], p2[o]);
                } else if (rng.nextDouble() < swappingProb) {
                    c[o] = p2[o];
                }
            }
            if (rng.nextDouble() < pm) {
                if (crossover == Crossover.SBX && numeric) {
                    c[o] = polynomialMutation(c[o]);
                } else {
                    continue; // redrawn by sampleIndependent
                }
            }
            out.put(codec.names().get(i), codec.decodeParam(i, c));
        }
        return out;
    }

    /** Simulated binary crossover of one coordinate in [0, 1] (η = 15), one child. */
    private double sbx(double a, double b) {
        final double eta = 15;
        if (rng.nextDouble() > 0.5 || Math.abs(a - b) < 1e-14) {
            return a;
        }
        double u = rng.nextDouble();
        double beta = u <= 0.5 ? Math.pow(2 * u, 1 / (eta + 1)) : Math.pow(1 / (2 * (1 - u)), 1 / (eta + 1));
        double child = rng.nextBoolean() ? 0.5 * ((1 + beta) * a + (1 - beta) * b) : 0.5 * ((1 - beta) * a + (1 + beta) * b);
        return Math.min(1, Math.max(0, child));
    }

    /** Polynomial mutation of one coordinate in [0, 1] (η = 20). */
    private double polynomialMutation(double x) {
        final double eta = 20;
        double u = rng.nextDouble();
        double delta = u < 0.5
                ? Math.pow(2 * u + (1 - 2 * u) * Math.pow(1 - x, eta + 1), 1 / (eta + 1)) - 1
                : 1 - Math.pow(2 * (1 - u) + 2 * (u - 0.5) * Math.pow(x, eta + 1), 1 / (eta + 1));
        return Math.min(1, Math.max(0, x + delta));
    }

    /**
     * The parent population after generation {@code g}: the elite of (population after g − 1) ∪
     * (COMPLETE trials of generation g); for g = 0 the elite of generation 0.
     */
    private List<FrozenTrial> population(StudyView study, List<FrozenTrial> complete, int g, List<StudyDirection> directions) {
        Map<Integer, List<FrozenTrial>> byGen = new HashMap<>();
        for (FrozenTrial t : complete) {
            Integer tg = generationOf(t);
            if (tg != null && tg <= g && t.values().size() == directions.size()) {
                byGen.computeIfAbsent(tg, k -> new ArrayList<>()).add(t);
            }
        }
        List<FrozenTrial> pop = List.of();
        int inputs = 0;
        for (int k = 0; k <= g; k++) {
            List<FrozenTrial> gen = byGen.getOrDefault(k, List.of());
            inputs += gen.size();
            String key = study.name() + "#" + study.studyId() + "#" + k;
            CachedPopulation hit = cache.get(key);
            if (hit != null && hit.inputs() == inputs) {
                pop = hit.population();
                continue;
            }
            List<FrozenTrial> pool = new ArrayList<>(pop);
            pool.addAll(gen);
            pop = elite(pool, directions);
            cache.put(key, new CachedPopulation(inputs, pop));
        }
        return pop;
    }

    /** The best populationSize of a pool by constrained non-dominated sorting, then crowding distance. */
    private List<FrozenTrial> elite(List<FrozenTrial> pool, List<StudyDirection> directions) {
        if (pool.size() <= populationSize) {
            return List.copyOf(pool);
        }
        pool.sort(Comparator.comparingInt(FrozenTrial::number));
        double[][] v = ParetoFront.minimized(pool, directions);
        double[] viol = new double[pool.size()];
        for (int i = 0; i < viol.length; i++) {
            viol[i] = Constraints.violation(pool.get(i));
        }
        int[] rank = ParetoFront.ranks(v, viol);
        double[] crowd = crowdingByFront(v, rank);
        Integer[] idx = new Integer[pool.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, Comparator.<Integer>comparingInt(i -> rank[i])
                .thenComparing(i -> -crowd[i]).thenComparingInt(i -> i));
        List<FrozenTrial> out = new ArrayList<>(populationSize);
        for (int i = 0; i < populationSize; i++) {
            out.add(pool.get(idx[i]));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return RandomSampler.fromUnit(distribution, TrialSeeds.unit(seed, trial.number(), name));
    }

    @Override
    public void afterTrial(StudyView study, FrozenTrial trial, TrialState state, List<Double> values) {
        constraints.ifPresent(fn -> Constraints.evaluateAndStore(fn, study, trial, state, values));
    }

    @Override
    public synchronized void reseed(long seed) {
        this.seed = seed;
        cache.clear();
    }
}
