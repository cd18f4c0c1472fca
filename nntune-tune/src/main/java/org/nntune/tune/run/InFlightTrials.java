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

    /** Forgets an earlier run's {@link #abandon}. */
    public synchronized void clearAbandonment() {
        abandoned = null;
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
