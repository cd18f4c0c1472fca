package org.nntune.search;

import org.nntune.tune.study.StudyCallback;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The running clock of a {@link TimeBudget}: when the budget ends, how much of it the refit needs,
 * and whether another epoch or another trial fits before the search's share runs out.
 *
 * <p>Every epoch of every trial reports its wall time and the rows it trained on; a trial's
 * mean seconds per row and epoch, times the refit's rows and the epochs its validation score peaked at,
 * times a margin of {@value #MARGIN}, is the refit's estimate. The reserve is that estimate for
 * the best trial so far (before the first trial completes: for the median trial at max epochs, at
 * most half the budget), or for a running trial whose validation score already beats the best's
 * if its refit would take longer (a best found late with a slower network would otherwise raise the
 * reserve when the search had spent the time, and its refit was cut short), plus an allowance of
 * {@value #ALLOWANCE_SHARE} of the budget for what is not an epoch. The search ends at
 * {@code end − reserve}: a trial whose next epoch would end after it is stopped and keeps its last
 * value, and no trial starts once the longest epoch
 * seen no longer fits. The refit stops before an epoch that would end after the budget, so the
 * budget holds even when the estimate was short (the model then trains fewer epochs).
 *
 * <p><b>Warm epochs.</b> A process's first epochs run while the JVM is still compiling the code,
 * and take up to tens of times longer than the same epochs later (1.9 s against milliseconds on the
 * bundled digits, with two trials warming up side by side). So a trial's speed is its epochs after
 * its first, or its first epoch when that started after some trial's second epoch had ended (the
 * JVM then warm); a first epoch run before is "cold", and stands for the trial only while no warm
 * epoch is known. The longest epoch a new trial must fit, the median speed and the refit's
 * estimates follow the warm epochs once there are any. Thread-safe.
 */
public final class BudgetClock {
    /** User attribute of a trial the budget stopped (it keeps its last value): the epoch it stopped after. */
    public static final String STOPPED_ATTR = "stopped_by_time_budget_after_epoch";

    /** The refit's estimate is the measured time times this: parallel trials and a loaded machine vary. */
    public static final double MARGIN = 1.25;

    /**
     * The share of the budget the reserve adds to the refit's epochs for what is not an epoch:
     * ending the search, the results table and building the network (at most
     * {@value #MAX_ALLOWANCE_SECONDS} s). Without it a refit of millisecond epochs had a reserve of
     * a fifth of a second, and trained 1 to 14 of its 20 epochs on a loaded machine.
     */
    public static final double ALLOWANCE_SHARE = 0.02;
    /** The most seconds of {@link #ALLOWANCE_SHARE}. */
    public static final double MAX_ALLOWANCE_SECONDS = 10;

    private final TimeBudget budget;
    private final int refitRows;
    private final boolean maximize;
    private final LongSupplier nanos;
    private final long start;
    private final long end;
    /** the epochs of every trial so far, by trial number (guarded by this) */
    private final Map<Integer, Work> work = new java.util.HashMap<>();
    /** whether any epoch was measured (a new trial is always allowed before) */
    private volatile boolean measured;
    /** the longest epoch of all, and the longest warm one (0 before one) */
    private volatile double longestEpoch = 0;
    private volatile double longestWarmEpoch = 0;
    /** when (by {@link #nanos}) the first epoch after a trial's first one ended: the JVM is warm from there */
    private volatile long warmSince = Long.MAX_VALUE;
    private volatile double bestReserve = Double.NaN;
    /** the best trial's value (NaN before one completes) */
    private volatile double bestValue = Double.NaN;
    /** {peak validation score, the epoch of the peak} of every running trial that reported one, by trial number */
    private final Map<Integer, double[]> peaks = new ConcurrentHashMap<>();

    BudgetClock(TimeBudget budget, int refitRows, boolean maximize, LongSupplier nanos) {
        this(budget, refitRows, maximize, nanos, nanos.getAsLong());
    }

    private BudgetClock(TimeBudget budget, int refitRows, boolean maximize, LongSupplier nanos, long start) {
        this.budget = Objects.requireNonNull(budget, "budget");
        if (refitRows < 1) {
            throw new IllegalArgumentException("the refit needs at least one row, got " + refitRows);
        }
        this.refitRows = refitRows;
        this.maximize = maximize;
        this.nanos = nanos;
        this.start = start;
        this.end = start + budget.timeout().toNanos();
    }

    /**
     * Starts the clock now.
     *
     * @param refitRows the rows the best configuration is refitted on (all training rows)
     * @param maximize  whether a higher validation score is better (the refit's epochs are where it peaked)
     */
    public static BudgetClock start(TimeBudget budget, int refitRows, boolean maximize) {
        return new BudgetClock(budget, refitRows, maximize, System::nanoTime);
    }

    /**
     * A clock that started at {@code started} by the wall clock, possibly in another process: a
     * worker joining a study follows the deadline its {@code tune} run set (start + timeout).
     * The time since then is taken from the wall clock once; from there on the clock is monotonic.
     */
    public static BudgetClock startedAt(TimeBudget budget, java.time.Instant started, int refitRows, boolean maximize) {
        long now = System.nanoTime();
        long ago = Duration.between(started, java.time.Instant.now()).toNanos();
        return new BudgetClock(budget, refitRows, maximize, System::nanoTime, now - ago);
    }

    /** @return the time budget this clock counts down: its timeout, longest training, brackets and refit */
    public TimeBudget budget() {
        return budget;
    }

    /** Time since the clock started. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos.getAsLong() - start);
    }

    /** The whole budget. */
    public Duration total() {
        return budget.timeout();
    }

    /** A trial's epochs: its first one (and whether it ran warm), and the sum of the others. */
    private static final class Work {
        double firstSeconds;
        double firstRows;
        boolean firstWarm;
        double restSeconds;
        double restRows;
        int epochs;

        /** seconds per row and epoch of its warm epochs; NaN if its only one is a cold first epoch */
        double warmRate() {
            return restRows > 0 ? restSeconds / restRows : firstWarm && firstRows > 0 ? firstSeconds / firstRows : Double.NaN;
        }

        /** seconds per row and epoch of all its epochs */
        double anyRate() {
            return (firstSeconds + restSeconds) / (firstRows + restRows);
        }
    }

    /** The longest epoch any trial took so far, in seconds (0 before the first): the longest warm one once there is one. */
    public double longestEpochSeconds() {
        return longestWarmEpoch > 0 ? longestWarmEpoch : longestEpoch;
    }

    /** Whether some epoch ran warm (see the class comment): the estimates no longer follow cold epochs. */
    public boolean warm() {
        return longestWarmEpoch > 0;
    }

    /** Records an epoch of trial {@code trial}: {@code seconds} of wall time training (and scoring) {@code rows} rows. */
    public void epochDone(int trial, double seconds, long rows) {
        long now = nanos.getAsLong();
        synchronized (this) {
            Work w = work.computeIfAbsent(trial, k -> new Work());
            boolean warmEpoch;
            if (w.epochs == 0) {
                warmEpoch = now - (long) (seconds * 1e9) >= warmSince;
                w.firstWarm = warmEpoch;
                if (rows > 0 && seconds > 0) {
                    w.firstSeconds = seconds;
                    w.firstRows = rows;
                }
            } else {
                warmEpoch = true;
                warmSince = Math.min(warmSince, now);
                if (rows > 0 && seconds > 0) {
                    w.restSeconds += seconds;
                    w.restRows += rows;
                }
            }
            w.epochs++;
            longestEpoch = Math.max(longestEpoch, seconds);
            if (warmEpoch) {
                longestWarmEpoch = Math.max(longestWarmEpoch, seconds);
            }
            measured = true;
        }
    }

    /**
     * Seconds per row and epoch of {@code trial}: of its warm epochs; of the warm trials' median
     * when it has only a cold first epoch and some trial ran warm (at most its own); of its cold first
     * epoch when none did; the median of all when this clock did not time it. NaN before any epoch.
     */
    private synchronized double rateOf(int trial) {
        Work w = work.get(trial);
        if (w == null || w.firstRows + w.restRows == 0) {
            return medianRate();
        }
        double warm = w.warmRate();
        if (!Double.isNaN(warm)) {
            return warm;
        }
        double median = medianRate();
        return warm() && !Double.isNaN(median) ? Math.min(median, w.anyRate()) : w.anyRate();
    }

    /**
     * Records an epoch as {@link #epochDone(int, double, long)} does, and the validation score the
     * trial reported at {@code epoch}: a running trial whose peak beats the best trial's value is a
     * contender, and the reserve covers its refit too.
     */
    public void epochDone(int trial, double seconds, long rows, int epoch, double score) {
        epochDone(trial, seconds, rows);
        if (!Double.isNaN(score)) {
            peaks.merge(trial, new double[] {score, epoch}, (was, now) -> better(maximize, now[0], was[0]) ? now : was);
        }
    }

    /** A trial has finished (in any state): it is no longer a running contender. */
    public void trialDone(int trial) {
        peaks.remove(trial);
    }

    /** Whether score {@code a} is better than {@code b} (higher when {@code maximize}). */
    private static boolean better(boolean maximize, double a, double b) {
        return maximize ? a > b : a < b;
    }

    /** The longest refit estimate among running trials whose peak beats the best trial's value (0 if none). */
    private double contenderReserve() {
        double best = bestValue;
        double most = 0;
        if (Double.isNaN(best)) {
            return 0;
        }
        for (Map.Entry<Integer, double[]> e : peaks.entrySet()) {
            boolean timed;
            synchronized (this) {
                timed = work.containsKey(e.getKey());
            }
            if (timed && better(maximize, e.getValue()[0], best)) {
                most = Math.max(most, rateOf(e.getKey()) * refitRows * Math.max(1, (int) e.getValue()[1]) * MARGIN);
            }
        }
        return most;
    }

    /**
     * The seconds the search keeps for the refit now (0 with refit off, or before any epoch was
     * measured): its epochs' estimate plus the {@linkplain #ALLOWANCE_SHARE allowance}.
     */
    public double reserveSeconds() {
        if (!budget.refit()) {
            return 0;
        }
        double seconds = budget.timeout().toNanos() / 1e9;
        double allowance = Math.min(MAX_ALLOWANCE_SECONDS, ALLOWANCE_SHARE * seconds);
        double b = bestReserve;
        if (!Double.isNaN(b)) {
            return Math.max(b, contenderReserve()) + allowance;
        }
        double median = medianRate();
        if (Double.isNaN(median)) {
            return 0;
        }
        return Math.min(0.5 * seconds, median * refitRows * budget.maxEpochs() * MARGIN + allowance);
    }

    /** Seconds left for the search: to the end of the budget, less the refit's reserve. */
    public double searchSecondsLeft() {
        return (end - nanos.getAsLong()) / 1e9 - reserveSeconds();
    }

    /** Whether an epoch of {@code seconds} ends before the search's share of the budget does. */
    public boolean allowsEpoch(double seconds) {
        return seconds <= searchSecondsLeft();
    }

    /**
     * Whether trial {@code trial}'s next epoch ends before the search's share of the budget does,
     * its last epoch having taken {@code seconds}: expected as long as that one, or, after a cold
     * first epoch (see the class comment), no longer than the longest warm epoch when there is one.
     */
    public boolean allowsNextEpoch(int trial, double seconds) {
        double next = seconds;
        synchronized (this) {
            Work w = work.get(trial);
            if (w != null && w.epochs == 1 && !w.firstWarm && longestWarmEpoch > 0) {
                next = Math.min(seconds, longestWarmEpoch);
            }
        }
        return allowsEpoch(next);
    }

    /**
     * Whether a new trial can train one epoch (always, before any epoch was measured): its network
     * may be the space's largest, so the longest epoch seen must fit. (With the quickest, a large
     * CNN trial started with a tenth of a second left and ran 0.8 s into the refit's reserve, and
     * the refit was cut short.)
     */
    public boolean allowsNewTrial() {
        return measured ? allowsEpoch(longestEpochSeconds()) : searchSecondsLeft() > 0;
    }

    /**
     * The seconds one refit epoch should take: {@code best}'s measured seconds per row and epoch in
     * warm epochs (else the median trial's; see {@link #rateOf}) times the refit's rows; 0 before any
     * epoch was measured.
     */
    public double refitEpochSeconds(FrozenTrial best) {
        double rate = rateOf(best.number());
        return Double.isNaN(rate) ? 0 : rate * refitRows;
    }

    /**
     * The median over trials of their seconds per row and epoch: over the trials with a warm epoch
     * once there are any (their warm epochs), else over all; NaN before any epoch.
     */
    private synchronized double medianRate() {
        double[] rates = work.values().stream().mapToDouble(Work::warmRate).filter(r -> !Double.isNaN(r)).sorted().toArray();
        if (rates.length == 0) {
            rates = work.values().stream().filter(w -> w.firstRows + w.restRows > 0).mapToDouble(Work::anyRate).sorted().toArray();
        }
        return rates.length == 0 ? Double.NaN : rates[rates.length / 2];
    }

    /**
     * Takes {@code best} (a COMPLETE trial) as the configuration to refit: the reserve follows its
     * measured times, or, for a trial this clock did not time (run by another worker or an earlier
     * run), its best epoch count at the median speed measured here.
     */
    public void bestIs(FrozenTrial best) {
        // a best trial that ran elsewhere (another worker, an earlier run): its epochs at this process's median speed
        double rate = rateOf(best.number());
        if (!Double.isNaN(rate)) {
            bestReserve = rate * refitRows * refitEpochs(best) * MARGIN;
        }
        bestValue = best.values().get(0);
    }

    /**
     * The epochs to refit {@code best} for: the step at which its validation score peaked (the
     * first, on a tie), or {@code maxEpochs} when it reported none.
     */
    public int refitEpochs(FrozenTrial best) {
        return refitEpochs(best, maximize, budget.maxEpochs());
    }

    /**
     * The epochs a time budget refits {@code best} for, without a clock (e.g. {@code nntune best} on
     * a stored study): the step at which its validation score peaked (the first, on a tie; higher is
     * better when {@code maximize}), or {@code maxEpochs} when it reported none.
     */
    public static int refitEpochs(FrozenTrial best, boolean maximize, int maxEpochs) {
        int at = -1;
        double top = Double.NaN;
        for (Map.Entry<Integer, Double> e : best.intermediateValues().entrySet()) {
            double v = e.getValue();
            if (!Double.isNaN(v) && (Double.isNaN(top) || better(maximize, v, top))) {
                top = v;
                at = e.getKey();
            }
        }
        return at < 1 ? maxEpochs : at;
    }

    /** Seconds until the end of the whole budget. */
    public double secondsLeft() {
        return (end - nanos.getAsLong()) / 1e9;
    }

    /**
     * The refit's epoch hook: after each epoch {@code onEpoch} hears of it, and training stops when
     * the next epoch (as long as the longest so far) would end after the budget.
     */
    public EpochHook refitHook(IntConsumer onEpoch) {
        return new EpochHook() {
            private long last = nanos.getAsLong();
            private double longest;

            @Override
            public void started() {
                last = nanos.getAsLong(); // building the network is not an epoch
            }

            @Override
            public boolean afterEpoch(int epoch) {
                long now = nanos.getAsLong();
                longest = Math.max(longest, (now - last) / 1e9);
                last = now;
                onEpoch.accept(epoch);
                return longest <= secondsLeft();
            }
        };
    }

    /**
     * A study callback for the search: after each trial, follows the best trial (the reserve) and
     * stops the study when no new trial fits.
     */
    public StudyCallback stopWhenSpent() {
        return (study, trial) -> {
            trialDone(trial.number());
            if (study.directions().size() == 1) {
                study.findBestTrial().filter(t -> t.state() == TrialState.COMPLETE).ifPresent(this::bestIs);
            }
            if (!allowsNewTrial()) {
                study.stop();
            }
        };
    }
}
