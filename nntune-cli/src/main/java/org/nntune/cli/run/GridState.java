package org.nntune.cli.run;

import org.nntune.tune.study.Study;

import java.util.Optional;

/**
 * A grid sampler's number of points and how many are done ({@link org.nntune.tune.sampler.GridSampler#donePoints}:
 * each has its COMPLETE or PRUNED trial; a point whose trial FAILed runs again, so it is not done).
 */
record GridState(int points, int done) {
    /** The grid's state, when the study's sampler is a grid. */
    static Optional<GridState> of(Study study) {
        return study.sampler() instanceof org.nntune.tune.sampler.GridSampler g
                ? Optional.of(new GridState(g.size(), g.donePoints(study.view()))) : Optional.empty();
    }

    int left() {
        return points - done;
    }
}
