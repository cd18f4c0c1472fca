package org.nntune.tune.study;

import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.storage.InMemoryStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A minimal define-by-run loop over the {@link Sampler} interface and an in-memory storage, for
 * sampler tests: it calls the sampler's entry points in the order the study's optimisation loop does.
 */
public final class SamplerLoop {
    private SamplerLoop() {}

    /** @return a new in-memory study with the sampler */
    public static Study study(Sampler sampler, StudyDirection... directions) {
        InMemoryStorage storage = new InMemoryStorage();
        long id = storage.createStudy("test", List.of(directions));
        return new Study(storage, id, "test", List.of(directions), sampler, Pruner.none());
    }

    /** The objective's handle: suggest parameters by distribution. */
    public interface Suggest {
        /** @return the internal value (a float or int itself, a categorical's index) */
        double suggest(String name, Distribution d);

        /** @return the trial being evaluated (parameters suggested so far) */
        FrozenTrial current();
    }

    /** Runs {@code n} trials of a multi-objective function. */
    public static void run(Study study, int n, java.util.function.Function<Suggest, double[]> objective) {
        Sampler sampler = study.sampler();
        for (int k = 0; k < n; k++) {
            FrozenTrial t = study.storage().createTrial(study.studyId());
            long id = t.trialId();
            sampler.beforeTrial(study, study.storage().getTrial(id));
            Map<String, Distribution> space = sampler.inferRelativeSearchSpace(study, study.storage().getTrial(id));
            Map<String, Double> rel = space.isEmpty() ? Map.of()
                    : sampler.sampleRelative(study, study.storage().getTrial(id), space);
            Suggest s = new Suggest() {
                @Override
                public double suggest(String name, Distribution d) {
                    FrozenTrial cur = study.storage().getTrial(id);
                    if (cur.distributions().containsKey(name)) {
                        return cur.internalParam(name);
                    }
                    double v = rel.containsKey(name) && d.equals(space.get(name)) ? rel.get(name)
                            : sampler.sampleIndependent(study, cur, name, d);
                    study.storage().setTrialParam(id, name, v, d);
                    return v;
                }

                @Override
                public FrozenTrial current() {
                    return study.storage().getTrial(id);
                }
            };
            double[] v = objective.apply(s);
            List<Double> values = new ArrayList<>();
            for (double a : v) {
                values.add(a);
            }
            sampler.afterTrial(study, study.storage().getTrial(id), TrialState.COMPLETE, values);
            study.storage().finishTrial(id, TrialState.COMPLETE, values, java.util.Optional.empty());
        }
    }

    /** Runs {@code n} trials of a single-objective function. */
    public static void runSingle(Study study, int n, ToDoubleFunction<Suggest> objective) {
        run(study, n, s -> new double[] {objective.applyAsDouble(s)});
    }

    /** @return the best (lowest) value of a minimising single-objective study */
    public static double bestValue(Study study) {
        return study.trials(java.util.EnumSet.of(TrialState.COMPLETE)).stream()
                .mapToDouble(FrozenTrial::value).min().orElseThrow();
    }
}
