/**
 * Where nntune's two cores meet: network search spaces, estimators with per-fold preprocessing,
 * cross-validated grid, random and tuner-driven search, hypergradient training and PBT
 * checkpoints inside a trial. Its API uses both cores' types, so it passes them on.
 */
module org.nntune.search {
    requires transitive org.nntune.nn;
    requires transitive org.nntune.tune;

    exports org.nntune.search;
}
