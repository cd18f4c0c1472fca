package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.tune.study.StudyDirection;
import org.nntune.tune.study.Trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Trains one candidate on every split and scores it: the cross-validation loop of one trial.
 * Candidates whose estimators have equal {@link Estimator#fitKey() fit keys} (e.g. a grid point
 * whose parameter has no effect on that configuration) are fitted once; the twin's row repeats
 * the scores, epochs and measured times of the first.
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
        Estimator estimator;
    }

    /** The outcome of all splits of one candidate. */
    record Outcome(List<SplitOutcome> splits, boolean pruned, int prunedAtStep) {}

    private final SearchSpace space;
    private final Scorer scorer;
    private final long seed;
    private final List<Dataset[]> folds; // [train, held-out]
    /** Splits' outcomes by {@link Estimator#fitKey()}: twins are fitted once (no pruning, no kept models). */
    private final Map<Object, CompletableFuture<List<SplitOutcome>>> fitted = new ConcurrentHashMap<>();

    private final boolean dedupe;

    /** @param dedupe whether to fit twins once (a finite grid; a random search over ranges has no twins to find) */
    FoldRunner(SearchSpace space, Scorer scorer, long seed, List<Dataset[]> folds, boolean dedupe) {
        this.dedupe = dedupe;
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
        if (trial == null) {
            Estimator first = space.suggest(source, seed);
            java.util.Optional<Object> key = keep || !dedupe ? java.util.Optional.empty() : first.fitKey();
            if (key.isEmpty()) {
                return new Outcome(fitAll(first, source, keep), false, -1);
            }
            CompletableFuture<List<SplitOutcome>> mine = new CompletableFuture<>();
            CompletableFuture<List<SplitOutcome>> earlier = fitted.putIfAbsent(key.get(), mine);
            if (earlier != null) {
                try {
                    return new Outcome(copies(earlier.get()), false, -1);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
            try {
                List<SplitOutcome> out = fitAll(first, source, false);
                mine.complete(out);
                return new Outcome(copies(out), false, -1);
            } catch (Exception | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        return lockstep(source, trial, keep);
    }

    private static List<SplitOutcome> copies(List<SplitOutcome> in) {
        List<SplitOutcome> out = new ArrayList<>(in.size());
        for (SplitOutcome s : in) {
            SplitOutcome c = new SplitOutcome();
            c.score = s.score;
            c.fitSeconds = s.fitSeconds;
            c.scoreSeconds = s.scoreSeconds;
            c.epochs = s.epochs;
            out.add(c);
        }
        return out;
    }

    private List<SplitOutcome> fitAll(Estimator first, ParamSource source, boolean keep) {
        List<SplitOutcome> out = new ArrayList<>();
        for (Dataset[] f : folds) {
            SplitOutcome o = new SplitOutcome();
            Estimator e = out.isEmpty() ? first : space.suggest(source, seed);
            long t0 = System.nanoTime();
            e.fit(f[0]);
            o.fitSeconds = (System.nanoTime() - t0) / 1e9;
            score(o, e, f[1]);
            finish(o, e, keep);
            out.add(o);
        }
        return out;
    }

    private void score(SplitOutcome o, Estimator e, Dataset heldOut) {
        long t0 = System.nanoTime();
        o.score = scorer.score(e, heldOut);
        o.scoreSeconds = (System.nanoTime() - t0) / 1e9;
        o.epochs = e.epochsTrained();
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
        Throwable error = null;
        try {
            for (int step = 1; ; step++) {
                boolean anyRan = false;
                for (Lane lane : lanes) {
                    if (lane.finished) {
                        continue;
                    }
                    anyRan = true;
                    lane.go.release();
                    back.acquireUninterruptibly();
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
            }
        } finally {
            // stop every split still waiting at an epoch's end and let it finish
            for (Lane lane : lanes) {
                lane.stop = true;
            }
            for (Lane lane : lanes) {
                while (!lane.finished) {
                    lane.go.release();
                    back.acquireUninterruptibly();
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
        return new Outcome(out, pruned, prunedAt);
    }

    /** The direction a scorer asks for. */
    static StudyDirection direction(Scorer scorer) {
        return scorer.greaterIsBetter() ? StudyDirection.MAXIMIZE : StudyDirection.MINIMIZE;
    }
}
