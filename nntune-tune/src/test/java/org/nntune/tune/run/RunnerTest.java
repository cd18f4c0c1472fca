package org.nntune.tune.run;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner driven by a scripted loop and a manual clock: no real waiting anywhere. */
class RunnerTest {

    /** A clock that moves only when someone sleeps on it. */
    static final class ManualClock implements RunClock {
        long now;
        final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void sleep(Duration d) {
            sleeps.add(d);
            now += d.toNanos();
        }
    }

    /** A loop that plays steps from a script, then stops. */
    static class ScriptedLoop implements TrialLoop {
        final List<Step> script;
        final InFlightTrials inFlight = new InFlightTrials();
        final List<Long> beats = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stopped;
        volatile String interruption;
        int next;

        ScriptedLoop(List<Step> script) {
            this.script = script;
        }

        @Override
        public synchronized Step next() {
            return next < script.size() ? script.get(next++) : Step.STOP;
        }

        @Override
        public boolean stopped() {
            return stopped || interruption != null;
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public void interrupt(String reason) {
            interruption = reason;
        }

        @Override
        public boolean interrupted() {
            return interruption != null;
        }

        @Override
        public InFlightTrials inFlight() {
            return inFlight;
        }

        @Override
        public void beat(long trialId) {
            beats.add(trialId);
        }
    }

    /** Threads of the JVM's executors, counted. */
    static final class CountingThreads implements WorkerThreads {
        final AtomicInteger pools = new AtomicInteger();
        final AtomicInteger schedulers = new AtomicInteger();

        @Override
        public ExecutorService workers(int n) {
            pools.incrementAndGet();
            return Executors.newFixedThreadPool(n);
        }

        @Override
        public ScheduledExecutorService heartbeats() {
            schedulers.incrementAndGet();
            return Executors.newSingleThreadScheduledExecutor();
        }
    }

    @Test
    void oneWorkerRunsTheStepsOnTheCallingThreadAndWaitsOnTheInjectedClock() {
        ManualClock clock = new ManualClock();
        CountingThreads threads = new CountingThreads();
        List<Thread> ranOn = new ArrayList<>();
        ScriptedLoop loop = new ScriptedLoop(List.of(new Step.Run(() -> ranOn.add(Thread.currentThread())),
                new Step.Wait(Duration.ofMillis(20)), new Step.Run(() -> ranOn.add(Thread.currentThread())),
                new Step.Wait(Duration.ofSeconds(3))));
        new Runner(threads, clock).run(loop, 1, Duration.ofHours(1), Duration.ZERO);
        assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
        assertThat(clock.sleeps).containsExactly(Duration.ofMillis(20), Duration.ofSeconds(3));
        assertThat(loop.next).isEqualTo(4); // and then the STOP after the script
        assertThat(threads.pools.get()).isZero();
        assertThat(threads.schedulers.get()).isZero(); // no heartbeat asked for
    }

    @Test
    void noStepIsTakenOnceTheDeadlineHasPassed() {
        ManualClock clock = new ManualClock();
        List<Step> waits = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waits.add(new Step.Wait(Duration.ofSeconds(1)));
        }
        ScriptedLoop loop = new ScriptedLoop(waits);
        new Runner(new CountingThreads(), clock).run(loop, 1, Duration.ofSeconds(10), Duration.ZERO);
        assertThat(loop.next).isEqualTo(10);
        assertThat(clock.now).isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aStoppedLoopTakesNoStep() {
        ScriptedLoop loop = new ScriptedLoop(List.of(new Step.Run(() -> { })));
        loop.stop();
        new Runner(new CountingThreads(), new ManualClock()).run(loop, 3, Duration.ofHours(1), Duration.ZERO);
        assertThat(loop.next).isZero();
    }

    @Test
    void parallelWorkersShareTheLoopOnTheInjectedPool() {
        CountingThreads threads = new CountingThreads();
        List<Step> runs = new ArrayList<>();
        List<String> names = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 12; i++) {
            runs.add(new Step.Run(() -> names.add(Thread.currentThread().getName())));
        }
        ScriptedLoop loop = new ScriptedLoop(runs);
        new Runner(threads, new ManualClock()).run(loop, 3, Duration.ofHours(1), Duration.ZERO);
        assertThat(names).hasSize(12).doesNotContain(Thread.currentThread().getName());
        assertThat(threads.pools.get()).isEqualTo(1);
    }

    @Test
    void theFirstFailureOfAWorkerStopsTheRunAndIsRethrown() {
        ScriptedLoop loop = new ScriptedLoop(List.of(new Step.Run(() -> {
            throw new IllegalStateException("boom");
        })));
        Runner runner = new Runner(new CountingThreads(), new ManualClock());
        assertThatThrownBy(() -> runner.run(loop, 2, Duration.ofHours(1), Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(loop.stopped).isTrue();
    }

    @Test
    void anInterruptedCallerInterruptsTheLoop() {
        ScriptedLoop loop = new ScriptedLoop(List.of(new Step.Run(() -> { })));
        Thread.currentThread().interrupt();
        try {
            new Runner(new CountingThreads(), new ManualClock()).run(loop, 1, Duration.ofHours(1), Duration.ZERO);
        } finally {
            Thread.interrupted();
        }
        assertThat(loop.interruption).contains("interrupted");
        assertThat(loop.next).isZero();
    }

    @Test
    void heartbeatsStampTheTrialsInFlightUntilTheRunEnds() throws Exception {
        CountingThreads threads = new CountingThreads();
        ScriptedLoop loop = new ScriptedLoop(new ArrayList<>());
        loop.script.add(new Step.Run(() -> { // a trial running while the heartbeat thread ticks
            long until = System.nanoTime() + 5_000_000_000L;
            while (loop.beats.size() < 4 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }));
        loop.inFlight.put(7, Thread.currentThread());
        loop.inFlight.put(9, Thread.currentThread());
        new Runner(threads, new ManualClock()).run(loop, 1, Duration.ofHours(1), Duration.ofMillis(10));
        assertThat(threads.schedulers.get()).isEqualTo(1);
        assertThat(loop.beats).contains(7L, 9L);
        int after = loop.beats.size();
        Thread.sleep(50);
        assertThat(loop.beats).hasSize(after); // the scheduler was shut down with the run
    }

    @Test
    void theDeadlineSaturatesForLongTimeouts() {
        assertThat(Runner.deadline(5, Duration.ofSeconds(2))).isEqualTo(5 + 2_000_000_000L);
        assertThat(Runner.deadline(5, Duration.ofDays(365L * 1000))).isEqualTo(5 + Long.MAX_VALUE / 2);
    }
}
