package org.nntune.tune.analysis;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.Constraints;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A summary of one parameter over a study's COMPLETE trials.
 *
 * @param name the parameter
 * @param distributions the distinct distributions it was asked with (usually one)
 * @param count how many COMPLETE trials have it
 * @param min smallest value (numeric parameters)
 * @param max largest value (numeric parameters)
 * @param mean mean value (numeric parameters)
 * @param median median value (numeric parameters)
 * @param choiceCounts how often each value was tried (categorical parameters; empty otherwise), in
 *     the order of the choices
 * @param bestValue its value in the best feasible trial (single-objective studies whose best trial has it)
 */
public record ParamSummary(String name, List<Distribution> distributions, int count, OptionalDouble min,
                           OptionalDouble max, OptionalDouble mean, OptionalDouble median,
                           Map<Object, Integer> choiceCounts, Optional<Object> bestValue) {

    /** Copies the collections unmodifiable. */
    public ParamSummary {
        distributions = List.copyOf(distributions);
        choiceCounts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(choiceCounts));
    }

    /** @return one summary per parameter, in the order the parameters first appeared */
    public static List<ParamSummary> of(StudyView study) {
        List<FrozenTrial> complete = study.trials(EnumSet.of(TrialState.COMPLETE));
        Optional<FrozenTrial> best = study.directions().size() == 1
                ? Constraints.bestTrial(complete, study.directions().get(0)) : Optional.empty();
        return of(complete, best);
    }

    /** @return one summary per parameter of the COMPLETE trials, with the given best trial */
    public static List<ParamSummary> of(List<FrozenTrial> trials, Optional<FrozenTrial> best) {
        Map<String, List<FrozenTrial>> byName = new LinkedHashMap<>();
        for (FrozenTrial t : trials) {
            if (t.state() != TrialState.COMPLETE) {
                continue;
            }
            for (String p : t.params().keySet()) {
                byName.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
            }
        }
        List<ParamSummary> out = new ArrayList<>();
        for (Map.Entry<String, List<FrozenTrial>> e : byName.entrySet()) {
            String name = e.getKey();
            List<FrozenTrial> ts = e.getValue();
            List<Distribution> dists = new ArrayList<>();
            Map<Object, Integer> counts = new LinkedHashMap<>();
            List<Double> numbers = new ArrayList<>();
            for (FrozenTrial t : ts) {
                Distribution d = t.distributions().get(name);
                if (!dists.contains(d)) {
                    dists.add(d);
                    if (d instanceof CategoricalDistribution c) {
                        c.choices().forEach(ch -> counts.putIfAbsent(ch, 0));
                    }
                }
                Object v = t.params().get(name);
                if (d instanceof CategoricalDistribution) {
                    counts.merge(v, 1, Integer::sum);
                } else {
                    numbers.add(((Number) v).doubleValue());
                }
            }
            OptionalDouble min = OptionalDouble.empty();
            OptionalDouble max = OptionalDouble.empty();
            OptionalDouble mean = OptionalDouble.empty();
            OptionalDouble median = OptionalDouble.empty();
            if (!numbers.isEmpty()) {
                double[] a = numbers.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                min = OptionalDouble.of(a[0]);
                max = OptionalDouble.of(a[a.length - 1]);
                mean = Arrays.stream(a).average();
                median = OptionalDouble.of(a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]));
            }
            Optional<Object> bestValue = best.map(b -> b.params().get(name));
            out.add(new ParamSummary(name, dists, ts.size(), min, max, mean, median, counts, bestValue));
        }
        return out;
    }
}
