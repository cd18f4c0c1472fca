package org.nntune.tune.study;

import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a trial ends: the state, the values and, for FAIL, the reason. */
record Outcome(TrialState state, List<Double> values, Optional<String> reason) {

    static Outcome failure(String reason) {
        return new Outcome(TrialState.FAIL, List.of(), Optional.of(reason));
    }

    /** COMPLETE with the values, or FAIL if one is NaN or infinite. */
    static Outcome of(double[] values) {
        if (values.length == 1 && Double.isFinite(values[0])) {
            return new Outcome(TrialState.COMPLETE, List.of(values[0]), Optional.empty());
        }
        List<Double> list = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return failure("the objective returned " + values[i]
                        + (values.length > 1 ? " for objective " + i : "") + "; values must be finite");
            }
            list.add(values[i]);
        }
        return new Outcome(TrialState.COMPLETE, list, Optional.empty());
    }

    /** PRUNED, with the trial's last intermediate value if it is finite. */
    static Outcome pruned(Trial trial) {
        var iv = trial.intermediateValues();
        List<Double> values = iv.isEmpty() || !Double.isFinite(iv.lastEntry().getValue())
                ? List.of() : List.of(iv.lastEntry().getValue());
        return new Outcome(TrialState.PRUNED, values, Optional.empty());
    }
}
