package org.nntune.cli.run;

import org.nntune.cli.output.Progress;
import org.nntune.search.BudgetClock;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Shows the finished trials of a run on the progress display, a failed one with its reason: {@code tune}'s, a
 * worker's, a cluster run's driver's.
 */
final class RunProgress {
    private static final EnumSet<TrialState> FINISHED = EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
    final Progress progress;
    private final PrintWriter out;
    final int before;
    final int budget;
    /** the trials this run is expected to end at: the budget, or a smaller grid's points (one more per failed point, which runs again) */
    final AtomicInteger total;
    final boolean grid;
    final boolean multi;
    final long t0 = System.nanoTime();
    final AtomicInteger done;
    /**
     * the numbers of the study's trials counted in {@link #done}, as the budget counts them, whichever worker finished
     * them: a retry's chain counts once, by its first attempt ({@link SystemAttrs#FAILED_TRIAL})
     */
    final java.util.Set<Integer> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicInteger pruned;
    final AtomicInteger failed;

    /** the time-budget mode's clock (null: a number of trials): progress is then the search phase against it */
    final BudgetClock timed;

    /**
     * @param budgetWords where a budget of trials comes from, in the user's words ({@code --trials 10}…)
     * @param timed the time-budget mode's clock, or null for a number of trials
     */
    RunProgress(Study study, int budget, boolean multi, BudgetClock timed, PrintWriter out, Progress.Mode mode,
                IntFunction<String> budgetWords) {
        this.out = out;
        this.progress = new Progress(out, mode);
        List<FrozenTrial> finished = study.trials(FINISHED);
        finished.stream().filter(t -> !t.isRetry()).forEach(t -> counted.add(t.number()));
        this.before = counted.size(); // as the budget counts them (budgetFinished)
        this.budget = budget;
        this.multi = multi;
        this.timed = timed;
        this.done = new AtomicInteger(before);
        this.pruned = new AtomicInteger((int) RunResults.count(finished, TrialState.PRUNED));
        this.failed = new AtomicInteger((int) RunResults.count(finished, TrialState.FAIL));
        Optional<GridState> g = timed == null ? GridState.of(study) : Optional.empty();
        this.grid = g.isPresent();
        String runLine = null;
        if (g.isPresent() && before + g.get().left() < budget) {
            // the grid ends the run before the budget: say so, rather than "running trials 1 to 10…" and 4 trials
            this.total = new AtomicInteger(before + g.get().left());
            if (g.get().done() == 0) {
                runLine = String.format(Locale.ROOT, "running the grid's %d points (%s is more than the grid)…", g.get().points(),
                        budgetWords.apply(budget));
            } else {
                runLine = String.format(Locale.ROOT, "running the grid's %d remaining points of %d (%s is more than the grid)…",
                        g.get().left(), g.get().points(), budgetWords.apply(budget));
            }
        } else {
            this.total = new AtomicInteger(budget);
            runLine = runLine(study, budget - before);
        }
        if (timed == null) {
            progress.start(before, total.get(), runLine);
        } else {
            progress.phase("search", Duration.ZERO, timed.total(), "starting", OptionalDouble.empty());
        }
    }

    /**
     * What the run will do, in the numbers its trials get (0-based, as every other line shows them):
     * {@code running 20 more trials (numbers 20 to 39)…}; first the trials an interruption stopped,
     * queued again (they take their failed attempt's place in the budget): {@code running trial 1 (trial 0
     * again), then 11 more trials (numbers 2 to 12)…}; trials enqueued by hand likewise, before the new ones:
     * {@code running trial 2 (enqueued), then 1 more trial (number 3)…}. (It said "running trials 21 to 40…", counts beside the
     * numbers, and "running trials 2 to 12…" when trials 1 to 12 ran.) The numbers are those of a run
     * alone on the study; other workers' trials take numbers too. Null when nothing is to run.
     */
    static String runLine(Study study, int more) {
        List<FrozenTrial> all = study.trials();
        int next = all.stream().mapToInt(FrozenTrial::number).max().orElse(-1) + 1;
        List<FrozenTrial> again = all.stream().filter(t -> t.state() == TrialState.WAITING && t.isRetry())
                .sorted(java.util.Comparator.comparingInt(FrozenTrial::number)).toList();
        // trials enqueued by hand (Study.enqueueTrial, Optuna's enqueue_trial, the dashboard) run before new ones and
        // take places in the budget as they do
        List<Integer> queued = all.stream().filter(t -> t.state() == TrialState.WAITING && !t.isRetry())
                .map(FrozenTrial::number).sorted().limit(Math.max(0, more)).toList();
        int fresh = more - queued.size();
        List<String> first = new java.util.ArrayList<>();
        if (!again.isEmpty()) {
            first.add(trials(again.stream().map(FrozenTrial::number).toList()) + " ("
                    + trials(again.stream().map(t -> t.systemAttrs().get(SystemAttrs.FAILED_TRIAL)).toList()) + " again)");
        }
        if (!queued.isEmpty()) {
            first.add(trials(queued) + " (enqueued)");
        }
        String more2 = next == 0 ? "" : "more ";
        String rest = fresh <= 0 ? "" : fresh == 1 ? String.format(Locale.ROOT, "1 %strial (number %d)", more2, next)
                : String.format(Locale.ROOT, "%d %strials (numbers %d to %d)", fresh, more2, next, next + fresh - 1);
        if (first.isEmpty()) {
            return rest.isEmpty() ? null : "running " + rest + "…";
        }
        return "running " + String.join(", ", first) + (rest.isEmpty() ? "" : ", then " + rest) + "…";
    }

    /** "trial 3" or "trials 3, 5": the numbers as a run line names them. */
    private static String trials(List<?> numbers) {
        return (numbers.size() == 1 ? "trial " : "trials ") + String.join(", ", numbers.stream().map(String::valueOf).toList());
    }

    /**
     * One more trial finished (a retry stands in for its failed attempt: counted once, whoever failed it). The counts
     * shown are the study's, read from the storage as the budget is: the trials other workers finished since the last
     * line count too, so that "7/20 done" is what the study holds, not what this process ran.
     */
    void trial(Study st, FrozenTrial t) {
        if (t.isRetry()) {
            if (t.systemAttrs().get(SystemAttrs.FAILED_TRIAL) instanceof Number first) {
                counted.add(first.intValue());
            }
        } else {
            counted.add(t.number());
        }
        List<FrozenTrial> finished = st.trials(FINISHED);
        finished.stream().filter(f -> !f.isRetry()).forEach(f -> counted.add(f.number()));
        int d = done.accumulateAndGet(counted.size(), Math::max);
        pruned.accumulateAndGet((int) RunResults.count(finished, TrialState.PRUNED), Math::max);
        failed.accumulateAndGet((int) RunResults.count(finished, TrialState.FAIL), Math::max);
        OptionalDouble best = multi ? OptionalDouble.empty()
                : st.findBestTrial().map(b -> OptionalDouble.of(b.values().get(0))).orElse(OptionalDouble.empty());
        OptionalDouble value = t.values().isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(t.values().get(0));
        if (timed != null) {
            int epochs = t.intermediateValues().size();
            String state = t.userAttrs().containsKey(BudgetClock.STOPPED_ATTR) ? "stopped by the budget"
                    : t.state().name().toLowerCase(Locale.ROOT);
            progress.phase("search", timed.elapsed(), timed.total(), String.format(Locale.ROOT, "trial %d %s%s after %d epoch%s"
                    + " · %d trials · %d pruned", t.number(), state, value.isPresent() ? " " + Progress.fmt(value.getAsDouble()) : "",
                    epochs, epochs == 1 ? "" : "s", d - before, pruned.get()), best);
        } else {
            if (grid && t.state() == TrialState.FAIL) {
                total.updateAndGet(n -> Math.min(budget, n + 1)); // its point runs again
            }
            progress.update(d, total.get(), pruned.get(), failed.get(), best, Duration.ofNanos(System.nanoTime() - t0), d - before,
                    t.number(), t.state().name(), value);
        }
        if (t.state() == TrialState.FAIL) {
            progress.finish();
            out.println("  trial " + t.number() + " failed: " + t.failureReason().orElse("(no reason recorded)"));
        }
    }
}
