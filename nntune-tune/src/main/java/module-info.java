/**
 * nntune's tuner: search spaces, studies and trials, the runner, samplers, pruners,
 * population-based training, the storage contract with in-memory storages, and analysis.
 * Framework-agnostic; depends on nothing.
 */
module org.nntune.tune {
    exports org.nntune.tune.analysis;
    exports org.nntune.tune.population;
    exports org.nntune.tune.pruner;
    exports org.nntune.tune.run;
    exports org.nntune.tune.sampler;
    exports org.nntune.tune.space;
    exports org.nntune.tune.storage;
    exports org.nntune.tune.study;
}
