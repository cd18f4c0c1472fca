package org.nntune.dashboard;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.List;

/**
 * Computes parameter importances for a report. The default is {@link FanovaImportance};
 * {@link SpearmanImportance} is a cheaper one that sees monotone effects only.
 */
public interface ImportanceProvider {

    /**
     * @param completeTrials COMPLETE trials, each with one finite value per objective
     * @param objective the index of the objective to explain
     * @param direction that objective's direction
     * @return the importances of every parameter that appears in the trials (empty when there are
     *     too few trials to say anything)
     */
    ParamImportances compute(List<FrozenTrial> completeTrials, int objective, StudyDirection direction);
}
