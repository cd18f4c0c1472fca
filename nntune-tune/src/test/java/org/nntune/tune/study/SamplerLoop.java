package org.nntune.tune.study;

import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Sampler tests' shorthand over {@link Study#optimize}: objectives written against parameter
 * distributions, values in the internal representation.
 */
public final class SamplerLoop {
    private SamplerLoop() {}

    /** @return a new in-memory study with the sampler */
    public static Study study(Sampler sampler, StudyDirection... directions) {
        return Study.builder("test").directions(directions).sampler(sampler).create();
    }

    /** The objective's handle: suggest parameters by distribution. */
    public interface Suggest {
        /** @return the internal value (a float or int itself, a categorical's index) */
        double suggest(String name, Distribution d);

        /** @return the trial being evaluated (parameters suggested so far) */
        FrozenTrial current();
    }

    private static Suggest handle(Trial trial) {
        return new Suggest() {
            @Override
            public double suggest(String name, Distribution d) {
                return d.toInternal(trial.suggest(name, d));
            }

            @Override
            public FrozenTrial current() {
                return trial.study().storage().getTrial(trial.trialId());
            }
        };
    }

    /** Runs {@code n} more trials of a multi-objective function. */
    public static void run(Study study, int n, Function<Suggest, double[]> objective) {
        study.optimizeMulti(t -> objective.apply(handle(t)),
                OptimizeOptions.trials(study.trials().size() + n).withCatchList(List.of()));
    }

    /** Runs {@code n} more trials of a single-objective function. */
    public static void runSingle(Study study, int n, ToDoubleFunction<Suggest> objective) {
        study.optimize((Objective) t -> objective.applyAsDouble(handle(t)),
                OptimizeOptions.trials(study.trials().size() + n).withCatchList(List.of()));
    }

    /** @return the best (lowest) value of a minimising single-objective study */
    public static double bestValue(Study study) {
        return study.trials(EnumSet.of(TrialState.COMPLETE)).stream()
                .mapToDouble(FrozenTrial::value).min().orElseThrow();
    }
}
