package org.nntune.cli.run;

import org.nntune.cli.output.Progress;
import org.nntune.search.BudgetClock;
import org.nntune.search.TimeBudget;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The budget mode a study's last {@code tune} ran in, kept with the study ({@link #ATTR}): its
 * workers follow it (a study tuned on a time budget is searched by every worker up to the same
 * deadline), a resumed run says what the earlier one did with its time, and {@code best} refits a
 * configuration for the epochs the time-budget search chose ({@link #refitEpochs}).
 */
public final class TimeBudgetRecord {
    private TimeBudgetRecord() {}

    /**
     * Study system attribute: the budget mode of the last {@code tune} run. In the time-budget mode
     * {@code {"mode": "time", "timeout_ms", "max_epochs", "brackets", "refit", "started_ms"}} (the
     * wall-clock start of that run: its deadline is start + timeout, which workers follow), and
     * {@code "ended_ms"} once its search ended; {@code {"mode": "trials"}} when a run counts trials,
     * with {@code "timeout_ms"} and {@code "started_ms"} when it also has a timeout (its deadline, after
     * which no worker starts a trial either).
     */
    static final String ATTR = "nntune:cli:time_budget";

    /** The time-budget record of the study's last tune run, if it was one. */
    static Optional<Map<?, ?>> stored(Storage storage, long id) {
        Object stored = storage.getStudySystemAttrs(id).get(ATTR);
        return stored instanceof Map<?, ?> m && "time".equals(m.get("mode")) ? Optional.of(m) : Optional.empty();
    }

    /** Records that this run's search ended: a worker that joins now has nothing to search. */
    static void markSearchEnded(Storage storage, long id) {
        stored(storage, id).ifPresent(m -> {
            Map<Object, Object> ended = new LinkedHashMap<>(m);
            ended.put("ended_ms", System.currentTimeMillis());
            storage.setStudySystemAttr(id, ATTR, ended);
        });
    }

    /**
     * The deadline of the study's last tune run when it counted trials and had a timeout ({@code --timeout}
     * or {@code budget.timeout} beside a number of trials): its start + timeout, after which no worker
     * starts a trial, as that run starts none.
     */
    static Optional<Instant> trialsDeadline(Storage storage, long id) {
        Object stored = storage.getStudySystemAttrs(id).get(ATTR);
        if (stored instanceof Map<?, ?> m && "trials".equals(m.get("mode")) && m.get("timeout_ms") instanceof Number timeout
                && m.get("started_ms") instanceof Number started) {
            return Optional.of(Instant.ofEpochMilli(started.longValue() + timeout.longValue()));
        }
        return Optional.empty();
    }

    /**
     * Stores this tune run's budget mode for its workers: in the time-budget mode the budget and
     * the run's start (its deadline is start + timeout); counting trials with a {@code timeout}, that
     * timeout and the start (the deadline workers follow too); counting trials without one on a
     * study that had a time budget or a deadline, that it has neither now.
     */
    static void store(Storage storage, long id, Optional<TimeBudget> time, Optional<Duration> timeout, Instant started) {
        if (time.isPresent()) {
            TimeBudget t = time.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", "time");
            m.put("timeout_ms", t.timeout().toMillis());
            m.put("max_epochs", t.maxEpochs());
            m.put("brackets", t.brackets());
            m.put("refit", t.refit());
            m.put("started_ms", started.toEpochMilli());
            storage.setStudySystemAttr(id, ATTR, m);
        } else if (timeout.isPresent()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", "trials");
            m.put("timeout_ms", timeout.get().toMillis());
            m.put("started_ms", started.toEpochMilli());
            storage.setStudySystemAttr(id, ATTR, m);
        } else if (storage.getStudySystemAttrs(id).get(ATTR) != null) {
            storage.setStudySystemAttr(id, ATTR, Map.of("mode", "trials"));
        }
    }

    /**
     * What a resumed time-budget study does with the time, said at its start: every {@code tune}
     * run has the whole timeout (it is what the command may take, search and refit); the trials of
     * earlier runs are kept (the sampler, the brackets and the choice of the best use them). After
     * an interrupted run it says how much that run had used and how to give this one only the rest.
     */
    static void printResumed(PrintWriter out, Storage storage, long id, TimeBudget now, int finished) {
        Optional<Map<?, ?>> before = stored(storage, id);
        String fresh = "this run has a fresh budget of " + Progress.clock(now.timeout()) + " for its search and refit";
        if (before.isEmpty()) {
            out.printf(Locale.ROOT, "resuming: the study already has %d finished trials, which the search keeps; %s%n", finished, fresh);
            return;
        }
        Map<?, ?> m = before.get();
        Duration timeout = Duration.ofMillis(((Number) m.get("timeout_ms")).longValue());
        Instant started = Instant.ofEpochMilli(((Number) m.get("started_ms")).longValue());
        if (m.get("ended_ms") instanceof Number) {
            out.printf(Locale.ROOT, "resuming: the study already has %d finished trials, which the search keeps; its last run"
                    + " (started %s) spent its whole %s budget; %s%n", finished, shownTime(started), Progress.clock(timeout), fresh);
            return;
        }
        // interrupted (Ctrl-C, a lost machine): its time used is up to its last finished trial
        Optional<Instant> last = storage.getAllTrials(id).stream().map(FrozenTrial::datetimeComplete).flatMap(Optional::stream)
                .filter(t -> !t.isBefore(started)).max(Comparator.naturalOrder());
        Duration used = last.map(t -> Duration.between(started, t)).orElse(Duration.ZERO);
        used = used.compareTo(timeout) > 0 ? timeout : used;
        Duration left = timeout.minus(used);
        out.printf(Locale.ROOT, "resuming: the study already has %d finished trials, which the search keeps; its last run"
                + " (started %s, budget %s) ended early, %s; %s, not the %s that run had left%s%n", finished, shownTime(started),
                Progress.clock(timeout), last.isPresent() ? "its last trial finished " + Progress.clock(used) + " into it"
                        : "before any trial finished", fresh, Progress.clock(left),
                left.getSeconds() >= 1 ? " (for only that: --timeout " + left.getSeconds() + "s)" : "");
    }

    /** A wall-clock time as the progress shows it: local time of day, to the second. */
    static String shownTime(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
                .format(t.atZone(java.time.ZoneId.systemDefault()));
    }

    /**
     * The epochs a configuration of a study searched on a time budget trains for: the time budget's
     * refit epochs for {@code best} (where its validation score peaked, at most the budget's
     * max_epochs). The file's {@code epochs}, which no trial of such a study ran, would refit another
     * network. Empty for a study counted in trials.
     */
    public static Optional<Integer> refitEpochs(Storage storage, long id, FrozenTrial best) {
        boolean maximize = storage.getStudyDirections(id).get(0) == StudyDirection.MAXIMIZE;
        return stored(storage, id).map(m -> BudgetClock.refitEpochs(best, maximize, ((Number) m.get("max_epochs")).intValue()));
    }
}
