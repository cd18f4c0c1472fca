package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;
import org.nntune.tune.analysis.ParamImportance;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The report's default importance, as Optuna's {@code plot_param_importances}: fANOVA on a random
 * forest fitted to the COMPLETE trials ({@link ParamImportance#fanova}), over the parameters that
 * every one of them has (Optuna's intersection search space; conditional parameters that some
 * trials lack are left out, and the report says which).
 *
 * <p>Bounded cost: the forest is fitted on at most {@link #maxTrials()} trials, drawn without
 * replacement with the seed when the study has more, and has {@link #nTrees()} trees; with the
 * same trials and seed the bars are the same in every run. Degenerate studies (one trial, an
 * objective that never changes, no parameter that all trials share and that varies) give no bars
 * and a note saying why.
 *
 * @param maxTrials most trials the forest is fitted on, >= 2
 * @param nTrees trees of the forest, >= 1
 * @param seed seeds the choice of trials and the forest's bootstrap samples
 */
public record FanovaImportance(int maxTrials, int nTrees, long seed) implements ImportanceProvider {

    /** Validates. */
    public FanovaImportance {
        if (maxTrials < 2) {
            throw new IllegalArgumentException("fANOVA maxTrials must be >= 2, got " + maxTrials);
        }
        if (nTrees < 1) {
            throw new IllegalArgumentException("fANOVA nTrees must be >= 1, got " + nTrees);
        }
    }

    /** @return fitted on at most 1,000 trials, 32 trees (Optuna: every trial, 64 trees), seed 0 */
    public static FanovaImportance defaults() {
        return new FanovaImportance(1000, 32, 0);
    }

    @Override
    public ParamImportances compute(List<FrozenTrial> completeTrials, int objective, StudyDirection direction) {
        int n = completeTrials.size();
        List<FrozenTrial> fit = n <= maxTrials ? completeTrials : sample(completeTrials);
        String method = String.format(Locale.ROOT, "fANOVA on a random forest of %d trees fitted to %s (seed %d)",
                nTrees, n <= maxTrials ? n + " complete trials" : maxTrials + " of " + n + " complete trials, drawn at random",
                seed);
        if (n < 2) {
            return new ParamImportances(method, Map.of(), List.of("Importances need at least two complete trials."));
        }
        double first = completeTrials.get(0).values().get(objective);
        if (completeTrials.stream().allMatch(t -> t.values().get(objective) == first)) {
            return new ParamImportances(method, Map.of(), List.of("The objective is the same in every complete trial ("
                    + Fmt.num(first) + "): no parameter explains any of it."));
        }
        Map<String, Double> values;
        try {
            values = ParamImportance.fanova(fit, t -> t.values().get(objective),
                    new ParamImportance.Options(nTrees, 64, 2, seed));
        } catch (IllegalArgumentException e) {
            return new ParamImportances(method, Map.of(), List.of("No importances: " + e.getMessage() + "."));
        }
        Set<String> leftOut = new LinkedHashSet<>();
        for (FrozenTrial t : fit) {
            leftOut.addAll(t.params().keySet());
        }
        leftOut.removeAll(values.keySet());
        List<String> notes = new ArrayList<>();
        if (!leftOut.isEmpty()) {
            notes.add("Not assessed (missing from some complete trials, as conditional parameters are, or taking one value): "
                    + String.join(", ", leftOut) + ".");
        }
        return new ParamImportances(method, new LinkedHashMap<>(values), notes);
    }

    /** @return {@link #maxTrials()} of the trials chosen with the seed, in their original order */
    private List<FrozenTrial> sample(List<FrozenTrial> trials) {
        int n = trials.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < maxTrials; i++) {
            int j = i + rng.nextInt(n - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        int[] chosen = Arrays.copyOf(idx, maxTrials);
        Arrays.sort(chosen);
        List<FrozenTrial> out = new ArrayList<>(maxTrials);
        for (int i : chosen) {
            out.add(trials.get(i));
        }
        return out;
    }
}
