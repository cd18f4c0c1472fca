package org.nntune.dashboard;

import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test fixture: a population-based training study whose members are one number walking towards
 * the optimum 3 at a rate of their hyperparameters (4 members, 5 rounds, in milliseconds).
 */
public final class WalkPopulation {
    private WalkPopulation() {}

    private static final PopulationObjective WALK = (params, checkpoint, seed) -> {
        double rate = ((Number) params.get("rate")).doubleValue();
        double scale = ((Number) params.get("scale")).doubleValue();
        double[] x = {checkpoint.map(b -> ByteBuffer.wrap(b).getDouble()).orElse(-5.0 + (seed & 7))};
        return new PopulationObjective.Member() {
            @Override
            public double trainEpoch(int epoch) {
                x[0] += rate * scale * (3 - x[0]);
                return Math.abs(3 - x[0]);
            }

            @Override
            public byte[] save() {
                return ByteBuffer.allocate(8).putDouble(x[0]).array();
            }
        };
    };

    /** Runs the study {@code name} in {@code storage}; @return its history */
    public static PopulationHistory run(Storage storage, String name) {
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("rate", FloatDistribution.logUniform(0.01, 0.5));
        space.put("scale", CategoricalDistribution.of(0.5, 1.0, 2.0));
        PbtOptions o = PbtOptions.defaults(4, 1, 5).withTiming(Duration.ofMillis(100), Duration.ofSeconds(10),
                Duration.ofMillis(5));
        return PopulationTraining.createOrLoad(storage, name, StudyDirection.MINIMIZE, space, o).run(WALK);
    }
}
