package org.nntune.cli.studyfile;

import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.pruner.HyperbandPruner;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.pruner.PercentilePruner;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.pruner.SuccessiveHalvingPruner;
import org.nntune.tune.sampler.CmaEsSampler;
import org.nntune.tune.sampler.GPSampler;
import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.sampler.NSGAIISampler;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.SobolSampler;
import org.nntune.tune.sampler.TpeSampler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;

/**
 * The one registry of the study file's samplers and pruners: each name with the options it takes
 * and the factory that builds it. Options a file leaves out keep the library's defaults (a factory
 * only calls the builder for options given); a value the library refuses is reported at its key's
 * line. The study-file reader builds each strategy once to check it; the run builds it again.
 *
 * <p>A new sampler or pruner is one {@code register} line here. The sampler type {@value #PBT}
 * (population-based training) is no {@link Sampler}: it runs the study its own way, and
 * {@link #population} reads its options.
 */
public final class Strategies {
    private Strategies() {}

    /**
     * What a factory may depend on besides its options: the number of jobs, and the space's grid
     * axes, enumerated only when a grid asks for them (a stepped range of many points is fine for
     * the other samplers).
     */
    public record Context(int jobs, java.util.function.Supplier<Map<String, List<Object>>> grid) {}

    /** Builds a strategy from its options. */
    @FunctionalInterface
    public interface Factory<T> {
        T create(Opts o, Context ctx);
    }

    /**
     * A sampler or pruner type.
     *
     * @param options        the option names it accepts
     * @param multiObjective whether it handles several objectives
     */
    public record Type<T>(String name, Set<String> options, boolean multiObjective, Factory<T> factory) {}

    /** The sampler type that runs population-based training instead of sampling trials. */
    public static final String PBT = "pbt";
    private static final Set<String> PBT_OPTIONS = Set.of("population", "interval", "quantile", "resample_probability",
            "factors", "synchronous", "max_attempts");

    private static final Map<String, Type<Sampler>> SAMPLERS = new LinkedHashMap<>();
    private static final Map<String, Type<Pruner>> PRUNERS = new LinkedHashMap<>();

    private static <T> void register(Map<String, Type<T>> into, String name, boolean multiObjective, Factory<T> factory,
                                     String... options) {
        into.put(name, new Type<>(name, Set.of(options), multiObjective, factory));
    }

    static {
        register(SAMPLERS, "nsga2", true, (o, ctx) -> {
            NSGAIISampler.Builder b = NSGAIISampler.builder();
            o.integer("population_size", b::populationSize);
            return b.build();
        }, "population_size");
        register(SAMPLERS, "tpe", true, (o, ctx) -> {
            TpeSampler.Builder b = TpeSampler.builder();
            o.integer("startup_trials", b::nStartupTrials);
            o.integer("ei_candidates", b::nEiCandidates);
            o.bool("multivariate", b::multivariate);
            // parallel trials in one process: the constant liar keeps them apart (on unless the file says otherwise)
            b.constantLiar(ctx.jobs() > 1);
            o.bool("constant_liar", b::constantLiar);
            o.number("prior_weight", b::priorWeight);
            o.bool("improvement_weights", b::improvementWeights);
            o.number("clip_exponent", b::magicClipExponent);
            return b.build();
        }, "startup_trials", "ei_candidates", "multivariate", "constant_liar", "prior_weight", "improvement_weights",
                "clip_exponent");
        register(SAMPLERS, "random", true, (o, ctx) -> new RandomSampler());
        register(SAMPLERS, "sobol", true, (o, ctx) -> o.has("scramble")
                ? new SobolSampler(0, (Boolean) o.value("scramble", Boolean.class)) : new SobolSampler(), "scramble");
        register(SAMPLERS, "grid", true, (o, ctx) -> new GridSampler(ctx.grid().get()));
        register(SAMPLERS, "gp", false, (o, ctx) -> {
            GPSampler.Builder b = GPSampler.builder();
            o.integer("startup_trials", b::nStartupTrials);
            o.integer("candidates", b::nCandidates);
            o.integer("max_fit_points", b::maxFitPoints);
            return b.build();
        }, "startup_trials", "candidates", "max_fit_points");
        register(SAMPLERS, "cmaes", false, (o, ctx) -> {
            CmaEsSampler.Builder b = CmaEsSampler.builder();
            o.integer("startup_trials", b::nStartupTrials);
            o.integer("population_size", b::popsize);
            o.bool("restarts", b::ipopRestarts);
            return b.build();
        }, "startup_trials", "population_size", "restarts");
        register(PRUNERS, "none", true, (o, ctx) -> Pruner.none());
        register(PRUNERS, "median", false, (o, ctx) -> o.construct(() -> new MedianPruner(
                o.intOr("startup_trials", PercentilePruner.DEFAULT_STARTUP_TRIALS),
                o.intOr("warmup_steps", PercentilePruner.DEFAULT_WARMUP_STEPS),
                o.intOr("interval_steps", PercentilePruner.DEFAULT_INTERVAL_STEPS),
                o.intOr("min_trials", PercentilePruner.DEFAULT_MIN_TRIALS))),
                "startup_trials", "warmup_steps", "interval_steps", "min_trials");
        register(PRUNERS, "percentile", false, (o, ctx) -> o.construct(() -> new PercentilePruner(
                o.required("percentile"),
                o.intOr("startup_trials", PercentilePruner.DEFAULT_STARTUP_TRIALS),
                o.intOr("warmup_steps", PercentilePruner.DEFAULT_WARMUP_STEPS),
                o.intOr("interval_steps", PercentilePruner.DEFAULT_INTERVAL_STEPS),
                o.intOr("min_trials", PercentilePruner.DEFAULT_MIN_TRIALS))),
                "percentile", "startup_trials", "warmup_steps", "interval_steps", "min_trials");
        register(PRUNERS, "asha", false, (o, ctx) -> o.construct(() -> new SuccessiveHalvingPruner(
                o.intOr("min_resource", SuccessiveHalvingPruner.DEFAULT_MIN_RESOURCE),
                o.intOr("reduction_factor", SuccessiveHalvingPruner.DEFAULT_REDUCTION_FACTOR),
                o.intOr("min_early_stopping_rate", SuccessiveHalvingPruner.DEFAULT_MIN_EARLY_STOPPING_RATE), 0)),
                "min_resource", "reduction_factor", "min_early_stopping_rate");
        register(PRUNERS, "hyperband", false, (o, ctx) -> o.construct(() -> new HyperbandPruner(
                o.intOr("min_resource", HyperbandPruner.DEFAULT_MIN_RESOURCE),
                o.intOr("max_resource", HyperbandPruner.DEFAULT_MAX_RESOURCE),
                o.intOr("reduction_factor", HyperbandPruner.DEFAULT_REDUCTION_FACTOR), 0)),
                "min_resource", "max_resource", "reduction_factor");
    }

    /** The sampler names, in the registry's order, then {@value #PBT}. */
    public static List<String> samplerNames() {
        List<String> names = new java.util.ArrayList<>(SAMPLERS.keySet());
        names.add(PBT);
        return List.copyOf(names);
    }

    /** Whether a study file's sampler section asks for population-based training. */
    public static boolean isPopulation(StudyFile.Options sampler) {
        return sampler.type().equals(PBT);
    }

    /**
     * The population-based training settings of a {@code sampler: {type: pbt, …}} section: each
     * option checked at its line; what the file leaves out keeps the library's defaults.
     *
     * @param epochs the epochs each member trains (the model's)
     * @param seed the study seed
     */
    public static PbtOptions population(StudyFile.Options options, int epochs, long seed) {
        Opts o = new Opts("sampler", options, PBT_OPTIONS);
        int population = o.intOr("population", PbtOptions.DEFAULT_POPULATION);
        int interval = o.intOr("interval", Math.min(PbtOptions.DEFAULT_INTERVAL, epochs));
        PbtOptions[] p = {o.construct(() -> PbtOptions.defaults(population, interval, epochs).withSeed(seed))};
        o.number("quantile", q -> p[0] = p[0].withQuantile(q));
        o.number("resample_probability", r -> p[0] = p[0].withResampleProbability(r));
        if (o.has("factors")) {
            double[] f = o.numbers("factors", 2, "[down, up], e.g. [0.8, 1.2]");
            o.apply("factors", () -> p[0] = p[0].withFactors(f[0], f[1]));
        }
        o.bool("synchronous", b -> p[0] = p[0].withSynchronous(b));
        o.integer("max_attempts", n -> p[0] = p[0].withMaxAttempts(n));
        return p[0];
    }

    /** The pruner names, in the registry's order. */
    public static List<String> prunerNames() {
        return List.copyOf(PRUNERS.keySet());
    }

    /** Samplers that handle several objectives. */
    public static List<String> multiObjectiveSamplers() {
        return SAMPLERS.values().stream().filter(Type::multiObjective).map(Type::name).toList();
    }

    /** The sampler a study file's {@code sampler:} section asks for (unseeded: the study seeds it). */
    public static Sampler sampler(StudyFile.Options options, Context ctx) {
        return create(SAMPLERS, "sampler", options, ctx);
    }

    /** The pruner a study file's {@code pruner:} section asks for. */
    public static Pruner pruner(StudyFile.Options options, Context ctx) {
        return create(PRUNERS, "pruner", options, ctx);
    }

    /** Whether a sampler type handles several objectives. */
    public static boolean multiObjective(String sampler) {
        return !sampler.equals(PBT) && SAMPLERS.get(sampler).multiObjective();
    }

    /** Refuses an option the {@code section}'s ({@code sampler} or {@code pruner}) type does not take, at its line. */
    static void checkOptionNames(String section, StudyFile.Options options) {
        Set<String> allowed = section.equals("sampler") && options.type().equals(PBT) ? PBT_OPTIONS
                : (section.equals("sampler") ? SAMPLERS.get(options.type()) : PRUNERS.get(options.type())).options();
        new Opts(section, options, allowed);
    }

    private static <T> T create(Map<String, Type<T>> registry, String section, StudyFile.Options options, Context ctx) {
        Type<T> type = registry.get(options.type());
        if (type == null) {
            throw new IllegalStateException(section + " type '" + options.type() + "' is not registered");
        }
        Opts o = new Opts(section, options, type.options());
        return type.factory().create(o, ctx);
    }

    /**
     * One section's options as written, each read at most through a typed getter that names the
     * option's line when the value has the wrong type or the library refuses it.
     */
    public static final class Opts {
        private final String section;
        private final StudyFile.Options options;

        Opts(String section, StudyFile.Options options, Set<String> allowed) {
            this.section = section;
            this.options = options;
            for (String k : options.options().keySet()) {
                if (!allowed.contains(k)) {
                    String hint = Hints.forKey(section, k, allowed);
                    throw error(k, "unknown option '" + k + "' for " + section + " type " + options.type()
                            + (hint.isEmpty() ? "" : "; " + hint), allowed.isEmpty() ? "it takes no options"
                            : "options: " + String.join(", ", new TreeSet<>(allowed)));
                }
            }
        }

        StudyFileException error(String key, String problem, String allowed) {
            return new StudyFileException(options.where(key), section + "." + key, problem, allowed);
        }

        boolean has(String key) {
            return options.options().containsKey(key);
        }

        Object value(String key, Class<?> type) {
            Object v = options.options().get(key);
            if (!type.isInstance(v)) {
                String what = type == Long.class ? "a whole number" : type == Boolean.class ? "true or false" : "a number";
                throw error(key, "expected " + what + " but found " + v, null);
            }
            return v;
        }

        /** Calls {@code setter} with the option's value when given; the library's refusal names the key's line. */
        void integer(String key, IntConsumer setter) {
            if (has(key)) {
                long v = (Long) value(key, Long.class);
                apply(key, () -> setter.accept(Math.toIntExact(Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)))));
            }
        }

        void number(String key, DoubleConsumer setter) {
            if (has(key)) {
                double v = ((Number) value(key, Number.class)).doubleValue();
                apply(key, () -> setter.accept(v));
            }
        }

        void bool(String key, Consumer<Boolean> setter) {
            if (has(key)) {
                boolean v = (Boolean) value(key, Boolean.class);
                apply(key, () -> setter.accept(v));
            }
        }

        /** A list of {@code n} numbers ({@code what} says how it reads). */
        double[] numbers(String key, int n, String what) {
            Object v = options.options().get(key);
            if (!(v instanceof List<?> l) || l.size() != n || !l.stream().allMatch(Number.class::isInstance)) {
                throw error(key, "expected " + n + " numbers " + what + " but found " + v, null);
            }
            return l.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        }

        /** An integer option for a constructor: the value given, or the library's default. */
        int intOr(String key, int libraryDefault) {
            return has(key) ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (Long) value(key, Long.class)))
                    : libraryDefault;
        }

        /** A number option the type cannot do without. */
        double required(String key) {
            if (!has(key)) {
                throw new StudyFileException(options.where(key), section + "." + key, "the " + options.type() + " "
                        + section + " needs '" + key + "'", "e.g. {type: " + options.type() + ", " + key + ": 25}");
            }
            return ((Number) value(key, Number.class)).doubleValue();
        }

        /**
         * Runs a constructor that takes every option at once: its refusal is reported at the line of
         * the first given option whose words its message mentions, else at the section's.
         */
        <T> T construct(java.util.function.Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (IllegalArgumentException e) {
                String msg = e.getMessage() == null ? "" : e.getMessage();
                String words = msg.toLowerCase(java.util.Locale.ROOT).replace("_", "");
                for (String k : options.options().keySet()) {
                    if (words.contains(k.replace("_", ""))) { // min_resource ~ "minResource must be >= 1"
                        throw error(k, msg, null);
                    }
                }
                throw new StudyFileException(options.where(null), section, msg, null);
            }
        }

        void apply(String key, Runnable r) {
            try {
                r.run();
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage(), null);
            }
        }
    }
}
