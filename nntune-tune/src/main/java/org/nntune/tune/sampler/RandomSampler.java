package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;

import java.util.SplittableRandom;

/**
 * Independent uniform sampling: floats uniform (or log-uniform) in their range, stepped floats and
 * integers uniform over their grid points (log integers log-uniform, then rounded), categoricals
 * uniform over the choices. Seeded: each value is drawn from the seed, the trial's number and
 * the parameter's name ({@link TrialSeeds}), so that the same seed gives the same trials in any
 * order, on any thread, and processes sharing a study (workers, resumes) draw different values for
 * different trials. Thread-safe.
 */
public final class RandomSampler implements Sampler {
    private volatile long seed;

    /** A sampler seeded from entropy. */
    public RandomSampler() {
        this.seed = new SplittableRandom().nextLong();
    }

    /** A sampler with a fixed seed. */
    public RandomSampler(long seed) {
        this.seed = seed;
    }

    @Override
    public void reseed(long seed) {
        this.seed = seed;
    }

    @Override
    public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return fromUnit(distribution, TrialSeeds.unit(seed, trial.number(), name));
    }

    /**
     * Maps a number {@code u} in {@code [0, 1)} to the internal value of a distribution so that a
     * uniform {@code u} gives a uniform (log-uniform) value: the shared inverse-CDF of the random,
     * Sobol and TPE start-up samplers. Grid points and choices are found by a cast (the floor of a
     * non-negative number), not {@code Math.floor}, which is no intrinsic before C2 compiles it.
     */
    public static double fromUnit(Distribution d, double u) {
        if (d instanceof FloatDistribution f) {
            if (f.step().isPresent()) {
                long n = f.gridSize();
                long k = Math.min(n - 1, (long) (u * n)); // u * n >= 0: the cast is the floor
                return Math.min(f.high(), f.low() + k * f.step().getAsDouble());
            }
            if (f.log()) {
                double lo = Math.log(f.low());
                double v = Math.exp(lo + u * (Math.log(f.high()) - lo));
                return Math.min(f.high(), Math.max(f.low(), v));
            }
            double v = f.low() + u * (f.high() - f.low());
            return Math.min(f.high(), Math.max(f.low(), v));
        }
        if (d instanceof IntDistribution i) {
            if (i.log()) {
                double lo = Math.log(i.low() - 0.5);
                double v = Math.exp(lo + u * (Math.log(i.high() + 0.5) - lo));
                long r = Math.round(v);
                return Math.min(i.high(), Math.max(i.low(), r));
            }
            long k = Math.min(i.size() - 1, (long) (u * i.size()));
            return i.low() + k * i.step();
        }
        int k = ((CategoricalDistribution) d).choices().size();
        return Math.min(k - 1, (int) (u * k));
    }
}
