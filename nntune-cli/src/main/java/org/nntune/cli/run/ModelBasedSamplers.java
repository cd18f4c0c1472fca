package org.nntune.cli.run;

import org.nntune.tune.sampler.CmaEsSampler;
import org.nntune.tune.sampler.GPSampler;
import org.nntune.tune.sampler.NSGAIISampler;
import org.nntune.tune.sampler.Sampler;

/** The model-based samplers (GP, CMA-ES, NSGA-II) from a study file's options. */
final class ModelBasedSamplers {
    private ModelBasedSamplers() {}

    static Sampler create(String type, Strategies.Reader r, long seed) {
        return switch (type) {
            case "gp" -> {
                GPSampler.Builder b = GPSampler.builder().seed(seed);
                if (r.has("startup_trials")) b.nStartupTrials(r.integer("startup_trials", 10, 1));
                if (r.has("candidates")) b.nCandidates(r.integer("candidates", 1000, 1));
                if (r.has("max_fit_points")) b.maxFitPoints(r.integer("max_fit_points", 300, 2));
                yield b.build();
            }
            case "cmaes" -> {
                CmaEsSampler.Builder b = CmaEsSampler.builder().seed(seed);
                if (r.has("startup_trials")) b.nStartupTrials(r.integer("startup_trials", 1, 0));
                if (r.has("population_size")) b.popsize(r.integer("population_size", 8, 2));
                b.ipopRestarts(r.bool("restarts", false));
                yield b.build();
            }
            case "nsga2" -> {
                NSGAIISampler.Builder b = NSGAIISampler.builder().seed(seed);
                if (r.has("population_size")) b.populationSize(r.integer("population_size", 50, 2));
                yield b.build();
            }
            default -> throw new IllegalStateException("sampler type '" + type + "' has no factory");
        };
    }
}
