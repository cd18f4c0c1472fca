package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.tensor.Parallelism;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.StudyDirection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trains one candidate on every split and scores it: the cross-validation loop of one trial.
 * Candidates whose estimators have equal {@link Estimator#fitKey() fit keys} (e.g. a grid point
 * whose parameter has no effect on that configuration, such as scikit-learn's 'adaptive' rate with
 * Adam) are fitted once, their splits shared out between the trials that ask for them
 * ({@link SharedFit}), whatever sampler proposed them (the CLI's grid sampler too); each twin's row
 * repeats the same scores, epochs and measured times. On a grid (queued points, no pruning), a trial whose splits
 * are all being fitted by other threads fits splits of the next grid points meanwhile, so with
 * nJobs &gt; 1 no thread idles until the grid runs out (with a timeout or a smaller trial budget,
 * a split fitted ahead for a point that never becomes a trial is wasted work).
 *
 * <p>Without pruning the splits are fitted one after the other on the calling thread. With
 * pruning, the splits are trained <b>in lock-step</b>: each split's fit runs on its own thread, but
 * only one thread computes at a time, handing a baton round the splits once per epoch. After
 * epoch e of every split still training, the running mean over splits of each split's latest
 * held-out score (a split that stopped earlier, e.g. by early stopping, keeps its last score) is
 * reported to the trial as the intermediate value of step e, and the pruner is asked; if it says
 * prune, every split stops after epoch e. So pruning sees k-fold scores, never one lucky fold, and
 * a pruned candidate costs e epochs per split.
 */
final class FoldRunner {

    /** What one split gave. */
    static final class SplitOutcome {
        double score = Double.NaN;
        double fitSeconds;
        double scoreSeconds;
        int epochs;
        /** The held-out score after each epoch, when the runner records learning curves; else empty. */
        double[] curve = new double[0];
        Estimator estimator;
        /** the hyperparameters the fit adapted, per epoch ({@link Estimator#adaptedTrajectory}) */
        Map<String, List<Double>> trajectory = Map.of();
    }

    /**
     * The adapted hyperparameters of a candidate, per epoch: the mean over its splits, up to the
     * epochs every split that adapted the name ran; empty when nothing adapted.
     */
    static Map<String, List<Double>> meanTrajectory(List<SplitOutcome> splits) {
        Map<String, List<Double>> mean = new java.util.LinkedHashMap<>();
        for (SplitOutcome s0 : splits) {
            for (String name : s0.trajectory.keySet()) {
                if (mean.containsKey(name)) {
                    continue;
                }
                int epochs = Integer.MAX_VALUE;
                int count = 0;
                for (SplitOutcome s : splits) {
                    List<Double> v = s.trajectory.get(name);
                    if (v != null) {
                        epochs = Math.min(epochs, v.size());
                        count++;
                    }
                }
                List<Double> m = new ArrayList<>(epochs);
                for (int e = 0; e < epochs; e++) {
                    double sum = 0;
                    for (SplitOutcome s : splits) {
                        List<Double> v = s.trajectory.get(name);
                        if (v != null) {
                            sum += v.get(e);
                        }
                    }
                    m.add(sum / count);
                }
                mean.put(name, List.copyOf(m));
            }
        }
        return mean;
    }

    /**
     * The outcome of all splits of one candidate.
     *
     * @param stoppedAtStep the epoch after which a time budget stopped the candidate (it keeps its
     *                      last scores), or -1
     */
    record Outcome(List<SplitOutcome> splits, boolean pruned, int prunedAtStep, int stoppedAtStep) {
        Outcome(List<SplitOutcome> splits, boolean pruned, int prunedAtStep) {
            this(splits, pruned, prunedAtStep, -1);
        }
    }

    private final SearchSpace space;
    private final Scorer scorer;
    private final long seed;
    private final List<Dataset[]> folds; // [train, held-out]
    /** Splits' outcomes by {@link Estimator#fitKey()}: twins are fitted once (no pruning, no kept models). */
    private final Map<Object, SharedFit> fitted = new ConcurrentHashMap<>();

    private final List<Map<String, Object>> ahead;
    private final AtomicInteger cursor = new AtomicInteger();
    private final int kernelThreads;
    private final boolean curves;
    /** the time budget's clock, or null: asked after every epoch whether the next one still fits */
    private final BudgetClock clock;

    /**
     * @param grid          the queued grid points, in trial order: a waiting trial may fit their
     *                      splits ahead; empty for none
     * @param kernelThreads the kernel threads a trial's training may use ({@link Parallelism#limitThreads}):
     *                      {@code Parallelism.threadsPerJob(nJobs)}, so that parallel trials share the cores
     */
    FoldRunner(SearchSpace space, Scorer scorer, long seed, List<Dataset[]> folds, List<Map<String, Object>> grid,
               int kernelThreads) {
        this(space, scorer, seed, folds, grid, kernelThreads, false, null);
    }

    /**
     * @param curves whether {@link #runReporting} is used: each split then records its held-out
     *               score after every epoch
     */
    FoldRunner(SearchSpace space, Scorer scorer, long seed, List<Dataset[]> folds, List<Map<String, Object>> grid,
               int kernelThreads, boolean curves) {
        this(space, scorer, seed, folds, grid, kernelThreads, curves, null);
    }

    /** @param clock a time budget's clock (null: none), asked after every epoch whether the next one still fits */
    FoldRunner(SearchSpace space, Scorer scorer, long seed, List<Dataset[]> folds, List<Map<String, Object>> grid,
               int kernelThreads, boolean curves, BudgetClock clock) {
        this.curves = curves;
        this.clock = clock;
        this.ahead = List.copyOf(grid);
        this.kernelThreads = kernelThreads;
        this.space = space;
        this.scorer = scorer;
        this.seed = seed;
        this.folds = folds;
    }

    /**
     * Fits and scores the candidate of {@code source} on every split. {@code trial} (may be null)
     * receives the per-epoch running means and is asked whether to prune. {@code keep} keeps the
     * fitted estimators in the outcome (else each is released once scored).
     */
    Outcome run(ParamSource source, Trial trial, boolean keep) throws Exception {
        try (Parallelism.Limit limit = Parallelism.limitThreads(kernelThreads)) {
            if (trial != null) {
                return lockstep(source, trial, keep);
            }
            Estimator first = space.suggest(source, seed);
            java.util.Optional<Object> key = keep ? java.util.Optional.empty() : first.fitKey();
            if (key.isEmpty()) {
                return new Outcome(fitAll(first, source, keep), false, -1);
            }
            SharedFit shared = fitted.computeIfAbsent(key.get(), k -> new SharedFit());
            shared.work(first, source);
            // its own splits all taken, the trial fits splits of the grid points ahead while it waits
            boolean helped = true;
            while (helped && !shared.done()) {
                helped = helpAhead();
            }
            return new Outcome(copies(shared.await()), false, -1);
        }
    }

    /**
     * Fits and scores the candidate of {@code source} on every split one after the other (twins
     * shared, as without a trial), then reports the learning curve to {@code trial} for the record:
     * at step e, the mean over splits of each split's held-out score after epoch e (a split that
     * stopped earlier counts with its final score), the values the lock-step run would report. For a
     * study that never prunes, this gives the same curves without a thread per split and a baton
     * handed round them every epoch. Needs a runner made with {@code curves}.
     */
    Outcome runReporting(ParamSource source, Trial trial) throws Exception {
        if (!curves) {
            throw new IllegalStateException("runReporting needs a runner made to record learning curves");
        }
        Outcome o = run(source, null, false);
        int steps = 0;
        for (SplitOutcome split : o.splits()) {
            steps = Math.max(steps, split.curve.length);
        }
        for (int step = 1; step <= steps; step++) {
            double sum = 0;
            int count = 0;
            for (SplitOutcome split : o.splits()) {
                double v = step <= split.curve.length ? split.curve[step - 1] : split.score;
                if (!Double.isNaN(v)) {
                    sum += v;
                    count++;
                }
            }
            if (count > 0) {
                trial.report(step, sum / count);
            }
        }
        return o;
    }

    /**
     * Fits one not yet claimed split of the first grid point ahead that has one; false when none
     * has. The point's estimators come from its queued values ({@link ParamSource#fixed}), the
     * values its trial will be given, so the trial finds that split done.
     */
    private boolean helpAhead() {
        for (int i = cursor.get(); i < ahead.size(); i++) {
            ParamSource source = ParamSource.fixed(ahead.get(i));
            Estimator e;
            java.util.Optional<Object> key;
            try {
                e = space.suggest(source, seed);
                key = e.fitKey();
            } catch (RuntimeException invalid) {
                key = java.util.Optional.empty(); // its trial will fail with the reason
                e = null;
            }
            if (key.isPresent() && fitted.computeIfAbsent(key.get(), k -> new SharedFit()).claim(e, source)) {
                return true;
            }
            cursor.compareAndSet(i, i + 1);
        }
        return false;
    }

    /**
     * The splits of one fit key, shared by every trial that asks for a candidate with that key
     * and by trials waiting for theirs ({@link #helpAhead}): each claims splits not yet started
     * and fits them with its own estimators (equal keys train identically), then waits for the
     * rest. A twin that arrives while the first is training (a grid's neighbours, with
     * nJobs = 2) thus takes half the work instead of waiting for all of it, and a trial whose
     * splits are all taken works ahead instead of idling.
     */
    private final class SharedFit {
        private final SplitOutcome[] outcomes = new SplitOutcome[folds.size()];
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done = new CountDownLatch(folds.size());
        private volatile Throwable error;

        void work(Estimator first, ParamSource source) {
            Estimator e = first;
            while (claim(e, source)) {
                e = null;
            }
        }

        /** Fits the next unclaimed split ({@code e}, or a new estimator of {@code source} when null); false when none is left. */
        boolean claim(Estimator e, ParamSource source) {
            int f = next.getAndIncrement();
            if (f >= outcomes.length) {
                return false;
            }
            try {
                if (error == null) {
                    outcomes[f] = fitOne(e != null ? e : space.suggest(source, seed), folds.get(f), false);
                }
            } catch (Throwable t) {
                error = t;
            } finally {
                done.countDown();
            }
            return true;
        }

        boolean done() {
            return done.getCount() == 0;
        }

        List<SplitOutcome> await() throws Exception {
            done.await();
            Throwable t = error;
            if (t instanceof Exception ex) {
                throw ex;
            }
            if (t != null) {
                throw (Error) t;
            }
            return List.of(outcomes);
        }
    }

    private static List<SplitOutcome> copies(List<SplitOutcome> in) {
        List<SplitOutcome> out = new ArrayList<>(in.size());
        for (SplitOutcome s : in) {
            SplitOutcome c = new SplitOutcome();
            c.score = s.score;
            c.fitSeconds = s.fitSeconds;
            c.scoreSeconds = s.scoreSeconds;
            c.epochs = s.epochs;
            c.trajectory = s.trajectory;
            c.curve = s.curve;
            out.add(c);
        }
        return out;
    }

    private List<SplitOutcome> fitAll(Estimator first, ParamSource source, boolean keep) {
        List<SplitOutcome> out = new ArrayList<>();
        for (Dataset[] f : folds) {
            out.add(fitOne(out.isEmpty() ? first : space.suggest(source, seed), f, keep));
        }
        return out;
    }

    /** Fits {@code e} on the split's training rows, scores it on the held-out ones. */
    private SplitOutcome fitOne(Estimator e, Dataset[] fold, boolean keep) {
        SplitOutcome o = new SplitOutcome();
        long t0 = System.nanoTime();
        if (curves) {
            double[][] curve = {new double[16]};
            int[] n = {0};
            e.fit(fold[0], ep -> {
                if (n[0] == curve[0].length) {
                    curve[0] = java.util.Arrays.copyOf(curve[0], 2 * n[0]);
                }
                curve[0][n[0]++] = scorer.score(e, fold[1]);
                return true;
            });
            o.curve = java.util.Arrays.copyOf(curve[0], n[0]);
        } else {
            e.fit(fold[0]);
        }
        o.fitSeconds = (System.nanoTime() - t0) / 1e9;
        score(o, e, fold[1]);
        finish(o, e, keep);
        return o;
    }

    private void score(SplitOutcome o, Estimator e, Dataset heldOut) {
        long t0 = System.nanoTime();
        o.score = scorer.score(e, heldOut);
        o.scoreSeconds = (System.nanoTime() - t0) / 1e9;
        o.epochs = e.epochsTrained();
        o.trajectory = e.adaptedTrajectory();
    }

    private static void finish(SplitOutcome o, Estimator e, boolean keep) {
        if (keep) {
            o.estimator = e;
        } else {
            e.release();
        }
    }

    /** One split's thread and its hand-over state. */
    private final class Lane implements Runnable {
        final Dataset train;
        final Dataset heldOut;
        final Estimator estimator;
        final SplitOutcome outcome = new SplitOutcome();
        final Semaphore go = new Semaphore(0);
        final Semaphore back;
        final boolean keep;
        volatile double latest = Double.NaN;
        volatile int epoch;
        volatile boolean stop;
        volatile boolean finished;
        volatile Throwable error;
        long busyNanos;
        long resumed;

        Lane(Dataset[] fold, Estimator estimator, Semaphore back, boolean keep) {
            this.train = fold[0];
            this.heldOut = fold[1];
            this.estimator = estimator;
            this.back = back;
            this.keep = keep;
        }

        @Override
        public void run() {
            try (Parallelism.Limit limit = Parallelism.limitThreads(kernelThreads)) {
                train();
            }
        }

        private void train() {
            go.acquireUninterruptibly();
            resumed = System.nanoTime();
            try {
                if (stop) {
                    estimator.release();
                    return;
                }
                estimator.fit(train, ep -> {
                    latest = scorer.score(estimator, heldOut);
                    epoch = ep;
                    busyNanos += System.nanoTime() - resumed;
                    back.release();
                    go.acquireUninterruptibly();
                    resumed = System.nanoTime();
                    return !stop;
                });
                busyNanos += System.nanoTime() - resumed;
                outcome.fitSeconds = busyNanos / 1e9;
                if (!stop) {
                    score(outcome, estimator, heldOut);
                    finish(outcome, estimator, keep);
                } else {
                    outcome.score = latest;
                    outcome.epochs = epoch;
                    outcome.trajectory = estimator.adaptedTrajectory();
                    estimator.release();
                }
            } catch (Throwable t) {
                error = t;
                estimator.release();
            } finally {
                finished = true;
                back.release();
            }
        }
    }

    private Outcome lockstep(ParamSource source, Trial trial, boolean keep) throws Exception {
        Semaphore back = new Semaphore(0);
        List<Lane> lanes = new ArrayList<>();
        for (Dataset[] f : folds) {
            lanes.add(new Lane(f, space.suggest(source, seed), back, keep));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            Thread t = new Thread(lanes.get(i), "nntune-trial-" + trial.number() + "-split-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        boolean pruned = false;
        int prunedAt = -1;
        int stoppedAt = -1;
        Throwable error = null;
        try {
            for (int step = 1; ; step++) {
                boolean anyRan = false;
                long t0 = System.nanoTime();
                long rows = 0;
                for (int i = 0; i < lanes.size(); i++) {
                    Lane lane = lanes.get(i);
                    if (lane.finished) {
                        continue;
                    }
                    anyRan = true;
                    rows += lane.train.size();
                    lane.go.release();
                    awaitBaton(back, threads.get(i));
                    if (lane.error != null) {
                        error = lane.error;
                        break;
                    }
                }
                if (error != null || !anyRan) {
                    break;
                }
                boolean reported = false;
                double sum = 0;
                int count = 0;
                for (Lane lane : lanes) {
                    if (lane.epoch >= step && !lane.finished) {
                        reported = true;
                    }
                    double v = lane.finished && !lane.stop && lane.error == null ? lane.outcome.score : lane.latest;
                    if (!Double.isNaN(v)) {
                        sum += v;
                        count++;
                    }
                }
                if (reported && count > 0) {
                    trial.report(step, sum / count);
                    if (trial.shouldPrune()) {
                        pruned = true;
                        prunedAt = step;
                        break;
                    }
                }
                if (clock != null && reported) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    clock.epochDone(trial.number(), seconds, rows, step, count > 0 ? sum / count : Double.NaN);
                    if (!clock.allowsNextEpoch(trial.number(), seconds)) {
                        // the next epoch would overrun the search's share: the trial keeps this epoch's scores
                        stoppedAt = step;
                        trial.setUserAttr(BudgetClock.STOPPED_ATTR, step);
                        break;
                    }
                }
            }
        } finally {
            // stop every split still waiting at an epoch's end and let it finish
            for (Lane lane : lanes) {
                lane.stop = true;
            }
            for (int i = 0; i < lanes.size(); i++) {
                while (!lanes.get(i).finished) {
                    lanes.get(i).go.release();
                    awaitBaton(back, threads.get(i));
                }
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        if (error != null) {
            if (error instanceof Exception e) {
                throw e;
            }
            throw (Error) error;
        }
        List<SplitOutcome> out = new ArrayList<>();
        for (Lane lane : lanes) {
            out.add(lane.outcome);
        }
        return new Outcome(out, pruned, prunedAt, stoppedAt);
    }


    /**
     * Waits until the lane that holds the baton hands it back. An interrupt of the trial's thread meanwhile (the
     * trial is no longer wanted) is passed on to the lane's thread, which is the one training, so that it stops
     * after its batch; the interrupt stays set on the trial's thread too.
     */
    private static void awaitBaton(Semaphore back, Thread lane) {
        boolean interrupted = false;
        while (true) {
            try {
                back.acquire();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                lane.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The direction a scorer asks for. */
    static StudyDirection direction(Scorer scorer) {
        return scorer.greaterIsBetter() ? StudyDirection.MAXIMIZE : StudyDirection.MINIMIZE;
    }
}
