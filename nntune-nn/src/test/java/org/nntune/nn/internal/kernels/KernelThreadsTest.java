package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;
import org.nntune.nn.tensor.Parallelism;
import org.nntune.nn.tensor.Rng;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelThreadsTest {

    @Test
    void everyPartRunsExactlyOnceOnAtMostTheGivenThreads() {
        for (int threads : new int[] {1, 2, 3}) {
            for (int parts : new int[] {1, 2, 3, 17}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(parts);
                Set<Thread> ran = ConcurrentHashMap.newKeySet();
                KernelThreads.run(threads, parts, p -> {
                    seen.incrementAndGet(p);
                    ran.add(Thread.currentThread());
                });
                for (int i = 0; i < parts; i++) {
                    assertThat(seen.get(i)).as("part %d of %d on %d threads", i, parts, threads).isEqualTo(1);
                }
                assertThat(ran.size()).as("threads used for %d parts", parts).isBetween(1, threads);
            }
        }
    }

    @Test
    void aFailingPartFailsTheCallAfterTheOthersFinish() {
        AtomicIntegerArray seen = new AtomicIntegerArray(4);
        assertThatThrownBy(() -> KernelThreads.run(2, 4, p -> {
            seen.incrementAndGet(p);
            if (p == 2) {
                throw new IllegalStateException("part two broke");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part two broke");
        for (int i = 0; i < 4; i++) {
            assertThat(seen.get(i)).isEqualTo(1);
        }
    }

    @Test
    void threadsPerJobSplitsTheCores() {
        assertThat(Parallelism.threadsPerJob(1)).isEqualTo(Parallelism.cores());
        assertThat(Parallelism.threadsPerJob(Parallelism.cores() * 4)).isEqualTo(1);
        assertThatThrownBy(() -> Parallelism.threadsPerJob(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nJobs 0");
    }

    @Test
    void theThreadsPropertyIsParsedAndChecked() {
        assertThat(KernelThreads.parseThreads(null)).isEqualTo(Parallelism.cores());
        assertThat(KernelThreads.parseThreads(" ")).isEqualTo(Parallelism.cores());
        assertThat(KernelThreads.parseThreads(" 3 ")).isEqualTo(3);
        assertThatThrownBy(() -> KernelThreads.parseThreads("two"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nntune.threads=two").hasMessageContaining("positive thread count");
        assertThatThrownBy(() -> KernelThreads.parseThreads("0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread count 0");
    }

    @Test
    void aThreadLimitKeepsEveryPartOnTheCallerUntilClosed() {
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        try (Parallelism.Limit outer = Parallelism.limitThreads(3)) {
            assertThat(KernelThreads.capped(8)).isEqualTo(3);
            try (Parallelism.Limit inner = Parallelism.limitThreads(1)) {
                assertThat(KernelThreads.capped(8)).isEqualTo(1);
                KernelThreads.run(4, 64, p -> ran.add(Thread.currentThread()));
                assertThat(ran).containsExactly(Thread.currentThread());
            }
            assertThat(KernelThreads.capped(8)).as("the outer limit is back").isEqualTo(3);
            assertThat(KernelThreads.capped(2)).isEqualTo(2);
        }
        assertThat(KernelThreads.capped(8)).as("no limit after both are closed").isEqualTo(8);
        assertThatThrownBy(() -> Parallelism.limitThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thread count 0");
    }

    @Test
    void aLimitedGemmGivesTheSameResult() {
        int m = 300, n = 200, k = 120;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        Rng rng = new Rng(7);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rng.nextDouble() - 0.5f;
        }
        Kernels two = KernelProvider.get(2);
        float[] free = new float[m * n];
        two.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, free, 0, n);
        float[] limited = new float[m * n];
        try (Parallelism.Limit l = Parallelism.limitThreads(1)) {
            two.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, limited, 0, n);
        }
        assertThat(limited).isEqualTo(free);
    }
}
