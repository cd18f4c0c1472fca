/**
 * nntune's tuner: search spaces, trials as data, the storage contract with in-memory storages,
 * samplers, pruners, the runner, analysis, studies and population-based training, in that order of
 * layers (a package uses only those before it). Framework-agnostic; depends on nothing.
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
    exports org.nntune.tune.trial;
}
