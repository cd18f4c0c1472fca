package org.nntune.tune.run;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightTrialsTest {

    @Test
    void growsAndForgetsEntries() {
        InFlightTrials t = new InFlightTrials();
        Thread me = Thread.currentThread();
        for (long id = 1; id <= 5; id++) {
            t.put(id, me);
        }
        t.remove(2);
        t.remove(42); // not in flight: nothing
        assertThat(t.ids()).containsExactlyInAnyOrder(1L, 3L, 4L, 5L);
        assertThat(t.contains(3)).isTrue();
        assertThat(t.contains(2)).isFalse();
        assertThat(t.entries()).hasSize(4).allSatisfy(e -> assertThat(e.getValue()).isSameAs(me))
                .extracting(Map.Entry::getKey).containsExactlyInAnyOrder(1L, 3L, 4L, 5L);
    }

    @Test
    void aFailedBeatIsSkippedAndTheOthersStillBeat() {
        InFlightTrials t = new InFlightTrials();
        t.put(1, Thread.currentThread());
        t.put(2, Thread.currentThread());
        StringBuilder beaten = new StringBuilder();
        Heartbeats.beatAll(t, id -> {
            if (id == 1) {
                throw new IllegalStateException("trial 1 is finished");
            }
            beaten.append(id);
        });
        assertThat(beaten).hasToString("2");
    }

    @Test
    void shutdownGuardRemovesItsHook() {
        ShutdownGuard g = ShutdownGuard.install("test-guard", () -> { });
        g.close();
        // removing it again says it was not registered any more
        assertThat(Runtime.getRuntime().removeShutdownHook(g.hook())).isFalse();
    }

    /**
     * An interruption waits for a start in progress, so that it lists the trial that start puts in flight, and
     * refuses the starts after it; a new run opens the gate again.
     */
    @Test
    void closingTheStartsWaitsForTheOneInProgressAndRefusesTheNext() throws Exception {
        InFlightTrials t = new InFlightTrials();
        assertThat(t.beginStart()).isTrue();
        java.util.concurrent.atomic.AtomicReference<long[]> listed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread hook = new Thread(() -> {
            t.closeStarts(java.time.Duration.ofSeconds(30));
            listed.set(t.ids());
        });
        hook.start();
        while (hook.getState() != Thread.State.TIMED_WAITING) {
            assertThat(hook.isAlive()).isTrue();
            Thread.onSpinWait();
        }
        t.put(7, Thread.currentThread()); // the storage had created trial 7 before the hook ran
        t.endStart();
        hook.join(10_000);
        assertThat(listed.get()).containsExactly(7L);
        assertThat(t.beginStart()).as("no start after an interruption").isFalse();
        t.resetRun();
        assertThat(t.beginStart()).isTrue();
        t.endStart();
    }

    @Test
    void closingTheStartsGivesUpAfterItsPatience() {
        InFlightTrials t = new InFlightTrials();
        assertThat(t.beginStart()).isTrue();
        long t0 = System.nanoTime();
        assertThat(t.closeStarts(java.time.Duration.ofMillis(100))).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(100_000_000L);
    }
}
