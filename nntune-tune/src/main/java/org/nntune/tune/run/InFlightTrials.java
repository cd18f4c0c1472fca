package org.nntune.tune.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The trials a worker process is running, each with the thread running it: what the heartbeats
 * stamp and what an interruption fails. A few entries (one per parallel trial), kept in two
 * arrays, so starting and finishing a trial box and hash nothing. Thread-safe.
 */
public final class InFlightTrials {
    private long[] ids = new long[2];
    private Thread[] threads = new Thread[2];
    private int size;
    /** why this run's trials are gone from the storage (their study deleted under the run), once found out */
    private RuntimeException abandoned;
    /** starts between {@link #beginStart} and {@link #endStart}: their trials may exist in the storage, not yet here */
    private int starting;
    /** whether {@link #closeStarts} ran: the run is interrupted, and no trial may start any more */
    private boolean closed;

    /**
     * Opens a trial's start: call it before the storage creates (or claims) the trial, and {@link #endStart} once
     * the trial is {@link #put} here (or was not started). An interruption ({@link #closeStarts}) waits for the
     * starts in progress, so that it finds their trials here, and refuses the later ones.
     *
     * @return false if the run is interrupted: start nothing
     */
    public synchronized boolean beginStart() {
        if (closed) {
            return false;
        }
        starting++;
        return true;
    }

    /** Ends a start opened by {@link #beginStart} (its trial is here now, or was not started). */
    public synchronized void endStart() {
        starting--;
        notifyAll();
    }

    /**
     * For an interruption (Ctrl-C or SIGTERM's hook, which the JVM halts right after): refuses every start from
     * now on and waits, up to {@code patience}, for the starts in progress to put their trials here, so that the
     * entries listed afterwards hold every trial this run has made RUNNING. Without the wait, a trial the storage
     * created just before the interruption and put here just after it would be left RUNNING by a JVM that halts.
     *
     * @return whether no start is in progress any more (false: the patience ran out, e.g. on a stuck database)
     */
    public synchronized boolean closeStarts(java.time.Duration patience) {
        closed = true;
        awaitWhile(this, () -> starting > 0, patience);
        return starting == 0;
    }

    /**
     * Waits on {@code monitor}, which the caller holds, while {@code waiting} says so, up to {@code patience} (for the
     * waits of an interruption, which must end: a thread interrupt meanwhile does not end them, and is kept for the
     * caller). Whoever changes what {@code waiting} reads calls {@code notifyAll} on the monitor.
     */
    public static void awaitWhile(Object monitor, java.util.function.BooleanSupplier waiting, java.time.Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        boolean interrupted = false;
        while (waiting.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(monitor, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records that {@code thread} runs the trial with id {@code id}. */
    public synchronized void put(long id, Thread thread) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            threads = Arrays.copyOf(threads, size * 2);
        }
        ids[size] = id;
        threads[size] = thread;
        size++;
    }

    /** Forgets the trial (finished, or failed by someone else); nothing if it is not in flight. */
    public synchronized void remove(long id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                size--;
                ids[i] = ids[size];
                threads[i] = threads[size];
                threads[size] = null;
                return;
            }
        }
    }

    /** @return whether the trial with id {@code id} is in flight */
    public synchronized boolean contains(long id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** @return the ids of the trials in flight (a copy) */
    public synchronized long[] ids() {
        return Arrays.copyOf(ids, size);
    }

    /**
     * The study's rows are gone from the storage ({@code nntune delete --force}, or another program deleted it
     * while this run ran it), as a refused heartbeat found: forgets every trial in flight and interrupts the
     * threads running them (but the caller's), so that they end now rather than after training for nothing:
     * nothing they would write has anywhere to go. A trial put here afterwards (its start raced with this call)
     * is one its starter ends on seeing {@link #abandonment()}.
     */
    public synchronized void abandon(RuntimeException why) {
        if (abandoned != null) {
            return;
        }
        abandoned = why;
        for (int i = 0; i < size; i++) {
            if (threads[i] != Thread.currentThread()) {
                threads[i].interrupt();
            }
            threads[i] = null;
        }
        size = 0;
    }

    /**
     * Whether {@link #abandon} was called; if so, clears the calling thread's interrupt (that interrupt was this
     * object's, sent to stop the trial, not the caller's wish to stop), so the caller can still ask the storage
     * what happened.
     */
    public synchronized java.util.Optional<RuntimeException> abandonment() {
        if (abandoned == null) {
            return java.util.Optional.empty();
        }
        Thread.interrupted();
        return java.util.Optional.of(abandoned);
    }

    /** Forgets an earlier run's {@link #abandon} and {@link #closeStarts}: a new run starts. */
    public synchronized void resetRun() {
        abandoned = null;
        closed = false;
    }

    /** @return a copy of the entries (trial id, thread) */
    public synchronized List<Map.Entry<Long, Thread>> entries() {
        List<Map.Entry<Long, Thread>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(Map.entry(ids[i], threads[i]));
        }
        return out;
    }
}
