package org.nntune.tune.population;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.trial.StudyDirection;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A population-based training study deleted while {@code run} trains it ({@code nntune delete --force} from another
 * process): the next heartbeat finds it gone and the rounds in flight end then, interrupted, instead of when their
 * epoch would have ended, and {@code run} says the study was deleted.
 */
class PopulationDeletedUnderRunTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void theHeartbeatFindsTheStudyGoneAndEndsTheRoundsInFlightAtOnce(int threads) throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "doomed", StudyDirection.MINIMIZE,
                Map.of("lr", FloatDistribution.logUniform(0.001, 0.1)), PbtOptions.defaults(2, 1, 2)
                        .withTiming(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(5)));
        CountDownLatch training = new CountDownLatch(threads);
        Thread deleter = new Thread(() -> {
            try {
                if (training.await(30, TimeUnit.SECONDS)) {
                    storage.deleteStudy(storage.getStudyId("doomed"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        deleter.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pbt.run((params, checkpoint, seed) -> new PopulationObjective.Member() {
            @Override
            public double trainEpoch(int epoch) throws Exception {
                training.countDown();
                Thread.sleep(120_000); // an epoch of minutes
                return 1;
            }

            @Override
            public byte[] save() {
                return new byte[0];
            }
        }, threads)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("study 'doomed' was deleted from its storage while round 0 of member ")
                .hasMessageContaining("a heartbeat found it gone");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended by the heartbeat, not by the epoch")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt that stopped the round is not left behind")
                .isFalse();
        deleter.join();
        assertThat(storage.getAllStudies()).isEmpty();
    }
}
