package org.nntune.cli.run;

import org.nntune.cli.studyfile.DidYouMean;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileException;
import org.nntune.cli.studyfile.YNode;
import org.nntune.tune.pruner.HyperbandPruner;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.pruner.PercentilePruner;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.pruner.SuccessiveHalvingPruner;
import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.SobolSampler;
import org.nntune.tune.sampler.TpeSampler;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Samplers and pruners from a study file's {@code sampler:} and {@code pruner:} sections. Each
 * type accepts a fixed set of options (an unknown one is an error with a did-you-mean); defaults
 * are the tuner's.
 */
public final class Strategies {
    private Strategies() {}

    /** Options each sampler type accepts. */
    static final Map<String, Set<String>> SAMPLER_OPTIONS = Map.of(
            "grid", Set.of(),
            "random", Set.of(),
            "sobol", Set.of("scramble"),
            "tpe", Set.of("startup_trials", "ei_candidates", "multivariate", "constant_liar", "prior_weight",
                    "improvement_weights", "clip_exponent"),
            "gp", Set.of("startup_trials", "candidates", "max_fit_points"),
            "cmaes", Set.of("startup_trials", "population_size", "restarts"),
            "nsga2", Set.of("population_size"));

    /** Samplers that model a single objective. */
    static final Set<String> SINGLE_OBJECTIVE_SAMPLERS = Set.of("gp", "cmaes");

    /** Options each pruner type accepts. */
    static final Map<String, Set<String>> PRUNER_OPTIONS = Map.of(
            "none", Set.of(),
            "median", Set.of("startup_trials", "warmup_steps", "interval_steps", "min_trials"),
            "percentile", Set.of("percentile", "startup_trials", "warmup_steps", "interval_steps", "min_trials"),
            "asha", Set.of("min_resource", "reduction_factor", "min_early_stopping_rate"),
            "hyperband", Set.of("min_resource", "max_resource", "reduction_factor"));

    /**
     * The sampler a study file asks for.
     *
     * @param grid for the grid sampler: each searched parameter's values (trial names)
     */
    public static Sampler sampler(StudyFile sf, long seed, Map<String, List<Object>> grid) {
        StudyFile.Options o = sf.sampler();
        Reader r = new Reader(sf, "sampler", o, SAMPLER_OPTIONS.get(o.type()));
        if (sf.objectives().size() > 1 && SINGLE_OBJECTIVE_SAMPLERS.contains(o.type())) {
            throw r.error("type", "the " + o.type() + " sampler searches for one objective, but metric: gives "
                    + sf.objectives().size(), "with several objectives: nsga2, tpe, random, sobol, grid");
        }
        return switch (o.type()) {
            case "grid" -> new GridSampler(grid);
            case "random" -> new RandomSampler(seed);
            case "sobol" -> new SobolSampler(seed, r.bool("scramble", true));
            case "tpe" -> TpeSampler.builder().seed(seed)
                    .nStartupTrials(r.integer("startup_trials", 10, 0))
                    .nEiCandidates(r.integer("ei_candidates", TpeSampler.DEFAULT_EI_CANDIDATES, 1))
                    .multivariate(r.bool("multivariate", false))
                    .constantLiar(r.bool("constant_liar", sf.budget().jobs() > 1))
                    .priorWeight(positive(r, "prior_weight", 1.0))
                    .improvementWeights(r.bool("improvement_weights", true))
                    .magicClipExponent(positive(r, "clip_exponent", TpeSampler.DEFAULT_MAGIC_CLIP_EXPONENT))
                    .build();
            default -> ModelBasedSamplers.create(o.type(), r, seed);
        };
    }

    /** A number option that must be positive and finite, with the file's place in the message. */
    private static double positive(Reader r, String key, double dflt) {
        double v = r.number(key, dflt);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw r.error(key, "expected a number > 0 but found " + v, null);
        }
        return v;
    }

    public static Pruner pruner(StudyFile sf) {
        StudyFile.Options o = sf.pruner();
        Reader r = new Reader(sf, "pruner", o, PRUNER_OPTIONS.get(o.type()));
        return switch (o.type()) {
            case "none" -> Pruner.none();
            case "median" -> new MedianPruner(r.integer("startup_trials", 5, 0), r.integer("warmup_steps", 0, 0),
                    r.integer("interval_steps", 1, 1), r.integer("min_trials", 1, 1));
            case "percentile" -> new PercentilePruner(r.number("percentile", 25.0), r.integer("startup_trials", 5, 0),
                    r.integer("warmup_steps", 0, 0), r.integer("interval_steps", 1, 1), r.integer("min_trials", 1, 1));
            case "asha" -> new SuccessiveHalvingPruner(r.integer("min_resource", 1, 1), r.integer("reduction_factor", 4, 2),
                    r.integer("min_early_stopping_rate", 0, 0), 0);
            case "hyperband" -> new HyperbandPruner(r.integer("min_resource", 1, 1), r.integer("max_resource", 100, 1),
                    r.integer("reduction_factor", 3, 2), 0);
            default -> throw new IllegalStateException("pruner type " + o.type());
        };
    }

    /** Reads one section's options, checking names and types. */
    static final class Reader {
        private final StudyFile sf;
        private final String section;
        private final StudyFile.Options options;

        Reader(StudyFile sf, String section, StudyFile.Options options, Set<String> allowed) {
            this.sf = sf;
            this.section = section;
            this.options = options;
            for (String k : options.options().keySet()) {
                if (!allowed.contains(k)) {
                    String hint = DidYouMean.suggest(k, allowed);
                    throw error(k, "unknown option '" + k + "' for " + section + " type " + options.type()
                            + (hint.isEmpty() ? "" : "; " + hint), allowed.isEmpty() ? "it takes no options"
                            : "options: " + String.join(", ", new TreeSet<>(allowed)));
                }
            }
        }

        private StudyFileException error(String key, String problem, String allowed) {
            return new StudyFileException(new YNode.Where(sf.file().toString(), options.line(), 1), section + "." + key, problem, allowed);
        }

        int integer(String key, int dflt, int min) {
            Object v = options.options().get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Long l) || l < min || l > Integer.MAX_VALUE) {
                throw error(key, "expected a whole number ≥ " + min + " but found " + v, null);
            }
            return l.intValue();
        }

        double number(String key, double dflt) {
            Object v = options.options().get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Number n)) {
                throw error(key, "expected a number but found " + v, null);
            }
            return n.doubleValue();
        }

        boolean has(String key) {
            return options.options().containsKey(key);
        }

        boolean bool(String key, boolean dflt) {
            Object v = options.options().get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Boolean b)) {
                throw error(key, "expected true or false but found " + v, null);
            }
            return b;
        }
    }
}
