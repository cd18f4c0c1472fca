package org.nntune.tune.population;

import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The explore step of population-based training, on internal values (numbers for floats and
 * integers, the choice's index for categoricals), as Ray Tune's PBT does it: each hyperparameter is
 * resampled from its distribution with probability {@code resampleProbability}; otherwise a number
 * is multiplied by one of the two factors (chosen with equal odds) and clipped to its range
 * (integers rounded, and moved one step when rounding would leave them where they were; stepped
 * floats snapped to their grid), and a choice moves to a neighbouring choice (clipped at the ends).
 * The result always lies in the space.
 */
final class Explorer {
    private Explorer() {}

    /** @return the explored internal values, in the space's order */
    static Map<String, Double> explore(Map<String, Distribution> space, Map<String, Double> current,
                                       SplittableRandom random, PbtOptions options) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Distribution> e : space.entrySet()) {
            Distribution d = e.getValue();
            double old = current.get(e.getKey());
            double v;
            if (d.isSingle()) {
                v = old;
            } else if (random.nextDouble() < options.resampleProbability()) {
                v = sample(d, random);
            } else {
                boolean up = random.nextBoolean();
                v = perturb(d, old, up ? options.upFactor() : options.downFactor(), up);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** @return a value drawn from the distribution (internal form) */
    static double sample(Distribution d, SplittableRandom random) {
        return RandomSampler.fromUnit(d, random.nextDouble());
    }

    static double perturb(Distribution d, double old, double factor, boolean up) {
        if (d instanceof FloatDistribution f) {
            double v = Math.min(f.high(), Math.max(f.low(), old * factor));
            if (f.step().isPresent()) {
                double s = f.step().getAsDouble();
                v = Math.min(f.high(), f.low() + Math.rint((v - f.low()) / s) * s);
            }
            return v;
        }
        if (d instanceof IntDistribution i) {
            long v = Math.round(old * factor);
            v = i.low() + Math.round((v - i.low()) / (double) i.step()) * i.step();
            if (v == (long) old) { // 1 x 1.2 rounds back to 1: move one step the way the factor points
                v += factor >= 1 ? i.step() : -i.step();
            }
            return Math.min(i.high(), Math.max(i.low(), v));
        }
        int n = ((CategoricalDistribution) d).choices().size();
        int k = (int) old + (up ? 1 : -1);
        return Math.min(n - 1, Math.max(0, k));
    }
}
