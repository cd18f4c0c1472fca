package org.nntune.storage;

import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.population.PopulationTrainingTest;
import org.nntune.tune.population.Quadratic;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A population-based training worker process for the tests: joins the PBT study {@code STUDY} at
 * {@code URL} and trains {@link Quadratic} members until the population is done.
 * Arguments: {@code URL STUDY POPULATION INTERVAL EPOCHS EPOCH_SLEEP_MS [HANG_MARKER]}; with a hang
 * marker, the worker writes that file and hangs in the first round it starts from a checkpoint (its
 * heartbeats go on until the test kills the JVM).
 * Prints {@code pbt worker trained N rounds}.
 */
public final class PbtWorker {
    private PbtWorker() {}

    static PbtOptions options(int population, int interval, int epochs) {
        return PbtOptions.defaults(population, interval, epochs).withSeed(7)
                .withTiming(Duration.ofMillis(200), Duration.ofMillis(2000), Duration.ofMillis(20));
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String study = args[1];
        int population = Integer.parseInt(args[2]);
        int interval = Integer.parseInt(args[3]);
        int epochs = Integer.parseInt(args[4]);
        long sleepMs = Long.parseLong(args[5]);
        Path marker = args.length > 6 ? Path.of(args[6]) : null;
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean hung = new AtomicBoolean();
        Quadratic q = new Quadratic();
        try (JdbcStorage storage = new JdbcStorage(url)) {
            PopulationTraining pbt = PopulationTraining.createOrLoad(storage, study, StudyDirection.MINIMIZE,
                    PopulationTrainingTest.space(), options(population, interval, epochs));
            pbt.addListener((t, done, h) -> rounds.incrementAndGet());
            pbt.run((params, checkpoint, seed) -> {
                PopulationObjective.Member m = q.member(params, checkpoint, seed);
                return new PopulationObjective.Member() {
                    @Override
                    public double trainEpoch(int epoch) throws Exception {
                        if (marker != null && checkpoint.isPresent() && hung.compareAndSet(false, true)) {
                            Files.writeString(marker, "round of epoch " + epoch);
                            Thread.sleep(Long.MAX_VALUE); // killed here
                        }
                        Thread.sleep(sleepMs);
                        return m.trainEpoch(epoch);
                    }

                    @Override
                    public byte[] save() throws Exception {
                        return m.save();
                    }
                };
            });
        }
        System.out.println("pbt worker trained " + rounds.get() + " rounds");
    }
}
