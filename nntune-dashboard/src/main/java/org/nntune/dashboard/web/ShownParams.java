package org.nntune.dashboard.web;

import org.nntune.tune.trial.FrozenTrial;

import java.util.Map;

/**
 * What the dashboard shows as a trial's parameters: the values its objective asked for
 * ({@link FrozenTrial#params()}) and, while the trial has not finished, the values enqueued for it
 * that it has not asked for yet ({@link FrozenTrial#fixedParams()}: a trial queued with
 * {@code Study.enqueueTrial} or Optuna's {@code enqueue_trial}, a retry of a dead worker's trial).
 * A WAITING trial has asked for nothing, so without these it would show no parameters at all. The
 * enqueued ones are marked as such: they have no distribution until the trial asks for them, and a
 * finished trial shows only what it asked for (a value enqueued for a name it never asked for was
 * not one of its parameters).
 */
final class ShownParams {
    private ShownParams() {}

    /** @return the values enqueued for an unfinished trial that it has not asked for yet ({@link FrozenTrial#enqueuedNotAsked}) */
    static Map<String, Object> enqueued(FrozenTrial t) {
        return t.enqueuedNotAsked();
    }

    /** @return the parameters asked for, then the {@link #enqueued} ones ({@link FrozenTrial#shownParams}) */
    static Map<String, Object> of(FrozenTrial t) {
        return t.shownParams();
    }

    /** @return the value the trial shows for {@code name} (asked for or enqueued), or null */
    static Object value(FrozenTrial t, String name) {
        Object v = t.params().get(name);
        return v != null || t.state().isFinished() ? v : t.fixedParams().get(name);
    }
}
