package org.nntune.tune.run;

import java.time.Duration;

/**
 * The runner's time: a monotonic reading for deadlines and a way to wait. Injected so that tests
 * can drive a run (a timeout, a poll) without real waiting; {@link #system()} is the JVM's.
 */
public interface RunClock {

    /** @return a monotonic time in nanoseconds (only differences mean anything) */
    long nanoTime();

    /** Waits about {@code d} (zero: not at all). @throws InterruptedException if the thread is interrupted meanwhile */
    void sleep(Duration d) throws InterruptedException;

    /** @return the JVM's clock: {@link System#nanoTime()} and {@link Thread#sleep} */
    static RunClock system() {
        return SystemClock.INSTANCE;
    }

    /** The JVM's clock. */
    enum SystemClock implements RunClock {
        /** The one JVM clock. */
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            if (!d.isZero()) {
                Thread.sleep(Math.max(1, d.toMillis()));
            }
        }
    }
}
