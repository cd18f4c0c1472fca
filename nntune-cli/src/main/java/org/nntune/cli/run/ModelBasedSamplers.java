package org.nntune.cli.run;

import org.nntune.tune.sampler.Sampler;

/** The model-based samplers (GP, CMA-ES, NSGA-II) from a study file's options. */
final class ModelBasedSamplers {
    private ModelBasedSamplers() {}

    static Sampler create(String type, Strategies.Reader r, long seed) {
        throw new IllegalStateException("sampler type '" + type + "' is not available in this build");
    }
}
