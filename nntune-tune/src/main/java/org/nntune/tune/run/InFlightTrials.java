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

    /** @return a copy of the entries (trial id, thread) */
    public synchronized List<Map.Entry<Long, Thread>> entries() {
        List<Map.Entry<Long, Thread>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(Map.entry(ids[i], threads[i]));
        }
        return out;
    }
}
