package org.nntune.tune.analysis;

import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.StudyDirection;
import org.nntune.tune.study.TrialState;

import java.util.ArrayList;
import java.util.List;

/**
 * The Pareto front of a study: the COMPLETE trials that no other COMPLETE trial dominates (at
 * least as good in every objective and better in one). With one objective it is the set of trials
 * sharing the best value.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /**
     * @return the non-dominated COMPLETE trials among {@code trials}, by number; FAIL, PRUNED,
     *     RUNNING and WAITING trials never count
     * @throws IllegalArgumentException if a COMPLETE trial's values do not match the directions
     */
    public static List<FrozenTrial> of(List<FrozenTrial> trials, List<StudyDirection> directions) {
        List<FrozenTrial> complete = new ArrayList<>();
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE) {
                if (t.values().size() != directions.size()) {
                    throw new IllegalArgumentException("trial " + t.number() + " has " + t.values().size()
                            + " values for " + directions.size() + " directions");
                }
                complete.add(t);
            }
        }
        List<FrozenTrial> front = new ArrayList<>();
        for (FrozenTrial a : complete) {
            boolean dominated = false;
            for (FrozenTrial b : complete) {
                if (b != a && dominates(b, a, directions)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(a);
            }
        }
        return front;
    }

    /** @return whether {@code a} dominates {@code b} */
    public static boolean dominates(FrozenTrial a, FrozenTrial b, List<StudyDirection> directions) {
        boolean better = false;
        for (int k = 0; k < directions.size(); k++) {
            double va = directions.get(k).toMinimized(a.values().get(k));
            double vb = directions.get(k).toMinimized(b.values().get(k));
            if (va > vb) {
                return false;
            }
            better |= va < vb;
        }
        return better;
    }
}
