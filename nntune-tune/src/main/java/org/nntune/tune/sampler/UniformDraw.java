package org.nntune.tune.sampler;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.util.Random;

/**
 * One value drawn from a distribution's own prior (uniform, log-uniform, uniform over the grid or
 * the choices), in the internal representation: the fallback of the model-based samplers for
 * parameters their model does not cover.
 */
final class UniformDraw {
    private UniformDraw() {}

    static double draw(Distribution d, Random rng) {
        if (d instanceof CategoricalDistribution c) {
            return rng.nextInt(c.choices().size());
        }
        if (d instanceof IntDistribution n) {
            if (n.log()) {
                double lo = Math.log(n.low() - 0.5);
                double hi = Math.log(n.high() + 0.5);
                return SpaceCodec.snap(d, Math.exp(lo + rng.nextDouble() * (hi - lo)));
            }
            return n.low() + (long) rng.nextInt((int) Math.min(Integer.MAX_VALUE, n.size())) * n.step();
        }
        FloatDistribution f = (FloatDistribution) d;
        if (f.step().isPresent()) {
            long k = (long) Math.floor(rng.nextDouble() * f.gridSize());
            return SpaceCodec.snap(d, f.low() + Math.min(k, f.gridSize() - 1) * f.step().getAsDouble());
        }
        if (f.log()) {
            double lo = Math.log(f.low());
            double hi = Math.log(f.high());
            return Math.min(f.high(), Math.max(f.low(), Math.exp(lo + rng.nextDouble() * (hi - lo))));
        }
        return Math.min(f.high(), f.low() + rng.nextDouble() * (f.high() - f.low()));
    }
}
