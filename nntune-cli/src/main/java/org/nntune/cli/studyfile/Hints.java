package org.nntune.cli.studyfile;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * The did-you-mean of a study file's mistakes: the closest known word, and for the mistakes a
 * did-you-mean cannot see — a key written at the wrong level ({@code space:} at the top,
 * {@code units:} directly under {@code model:}), Optuna's class names for a sampler or pruner
 * ({@code TPESampler}), the sampler's own {@code seed:} — where it belongs.
 */
final class Hints {
    private Hints() {}

    /** The top-level keys that are sections, whose keys a file may write one level too high. */
    private static final Map<String, String> SECTION_OF_TOP_LEVEL_KEY = Map.ofEntries(
            Map.entry("space", "model"), Map.entry("family", "model"), Map.entry("defaults", "model"),
            Map.entry("bundled", "data"), Map.entry("csv", "data"), Map.entry("idx", "data"), Map.entry("label", "data"),
            Map.entry("test_fraction", "data"), Map.entry("preprocessing", "data"),
            Map.entry("method", "validation"), Map.entry("folds", "validation"), Map.entry("fraction", "validation"),
            Map.entry("trials", "budget"), Map.entry("timeout", "budget"), Map.entry("jobs", "budget"),
            Map.entry("dir", "output"));

    /** Optuna's sampler and pruner classes, as a file copied from Python may name them (lower case, no '_'). */
    private static final Map<String, String> OPTUNA_CLASSES = Map.ofEntries(
            Map.entry("tpesampler", "tpe"), Map.entry("randomsampler", "random"), Map.entry("gridsampler", "grid"),
            Map.entry("cmaessampler", "cmaes"), Map.entry("nsgaiisampler", "nsga2"), Map.entry("nsgaii", "nsga2"),
            Map.entry("gpsampler", "gp"), Map.entry("qmcsampler", "sobol"), Map.entry("qmc", "sobol"),
            Map.entry("medianpruner", "median"), Map.entry("percentilepruner", "percentile"),
            Map.entry("successivehalvingpruner", "asha"), Map.entry("successivehalving", "asha"),
            Map.entry("hyperbandpruner", "hyperband"), Map.entry("noppruner", "none"), Map.entry("nop", "none"));

    /** The hint for an unknown key {@code key} of the section at {@code path} whose keys are {@code known}, or "". */
    static String forKey(String path, String key, Collection<String> known) {
        String k = key.toLowerCase(Locale.ROOT);
        if (path.isEmpty()) {
            String section = SECTION_OF_TOP_LEVEL_KEY.get(k);
            if (section != null && !known.contains(k)) {
                return "did you mean " + section + "." + key + "? ('" + key + "' goes under '" + section + ":')";
            }
            if (DidYouMean.suggest(key, known).isEmpty() && isHyperparameter(k)) {
                return "a hyperparameter goes under model.space: (model.space." + key + ")";
            }
        }
        if (path.equals("model") && !known.contains(k) && isHyperparameter(k)) {
            return "did you mean model.space." + key + "? (hyperparameters go under 'space:')";
        }
        if ((path.equals("sampler") || path.equals("pruner")) && k.equals("seed")) {
            return "the study's seed is the top-level 'seed:', which seeds the sampler too";
        }
        return DidYouMean.suggest(key, known);
    }

    /** The hint for a value {@code value} of {@code key} (dotted) that is none of {@code allowed}, or "". */
    static String forValue(String key, String value, Collection<String> allowed) {
        if (key.equals("sampler") || key.equals("sampler.type") || key.equals("pruner") || key.equals("pruner.type")) {
            String mapped = OPTUNA_CLASSES.get(value.toLowerCase(Locale.ROOT).replace("_", "").replace("-", ""));
            if (mapped != null && allowed.contains(mapped)) {
                return "did you mean '" + mapped + "'? (Optuna's " + value + ")";
            }
        }
        return DidYouMean.suggest(value, allowed);
    }

    private static boolean isHyperparameter(String key) {
        return Families.names().stream().anyMatch(f -> Families.get(f).parameters().contains(key));
    }
}
