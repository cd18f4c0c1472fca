package org.nntune.tune.study;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.trial.StudyDirection;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A study deleted while {@code optimize} runs it ({@code nntune delete --force} from another process): the next
 * heartbeat finds it gone and the running trials end then, interrupted, instead of when their objective would have
 * returned, and {@code optimize} says the study was deleted.
 */
class StudyDeletedUnderRunTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void theHeartbeatFindsTheStudyGoneAndEndsTheRunningTrialsAtOnce(int nJobs) throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        Study study = Study.builder("doomed").storage(storage).direction(StudyDirection.MINIMIZE)
                .sampler(new RandomSampler(1)).create();
        CountDownLatch started = new CountDownLatch(nJobs);
        Thread deleter = new Thread(() -> {
            try {
                if (started.await(30, TimeUnit.SECONDS)) {
                    storage.deleteStudy(storage.getStudyId("doomed"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        deleter.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> study.optimize(trial -> {
            double x = trial.suggestFloat("x", 0, 1);
            started.countDown();
            Thread.sleep(120_000); // a trial of minutes
            return x;
        }, OptimizeOptions.trials(10).withJobs(nJobs).withHeartbeat(Duration.ofMillis(100))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("study 'doomed' was deleted from its storage while trial ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended by the heartbeat, not by the trial")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt that stopped the trial is not left behind")
                .isFalse();
        deleter.join();
        assertThat(storage.getAllStudies()).isEmpty();
    }
}
