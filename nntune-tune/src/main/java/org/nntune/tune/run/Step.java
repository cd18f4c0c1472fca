package org.nntune.tune.run;

import java.time.Duration;

/** What a worker does next, as its {@link TrialLoop} decides. */
public sealed interface Step {

    /** Run a trial that has been started: the objective, the outcome, its recording. */
    record Run(Runnable trial) implements Step {}

    /** Nothing to start now (candidates or budget held by running trials): ask again after {@code pause}. */
    record Wait(Duration pause) implements Step {}

    /** Nothing more to do: the worker ends. */
    record Stop() implements Step {}

    /** The one {@link Stop}. */
    Step STOP = new Stop();
}
