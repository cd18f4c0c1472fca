package org.nntune.tune.sampler;

import java.util.Optional;

/** What the builders of the GP, CMA-ES and NSGA-II samplers share: checked options and seeded parts. */
final class BuilderSupport {
    private BuilderSupport() {}

    /** @return {@code n}, if it is at least {@code min} */
    static int atLeast(String option, int n, int min) {
        if (n < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + n);
        }
        return n;
    }

    /** @return a generator with the seed, or an unseeded one */
    /** The seed, or one from entropy. */
    static long seed(Optional<Long> seed) {
        return seed.orElseGet(() -> new java.util.SplittableRandom().nextLong());
    }

    /**
     * @return the given independent sampler, else TPE with the seed (unseeded without one) and Optuna 3.1's
     * defaults, uniform random start-up trials among them (its parameters lie outside the joint space, so a
     * Sobol design would not apply; nntune's other TPE defaults are not measured in that role)
     */
    static Sampler independentOrTpe(Optional<Sampler> independent, Optional<Long> seed) {
        return independent.orElseGet(() -> {
            TpeSampler.Builder tpe = TpeSampler.builder().optunaDefaults();
            seed.ifPresent(tpe::seed);
            return tpe.build();
        });
    }
}
