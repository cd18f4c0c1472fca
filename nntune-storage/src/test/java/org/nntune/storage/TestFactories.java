package org.nntune.storage;

import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.study.Objective;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Objective factories the worker processes of the tests run (public no-argument constructors). */
public final class TestFactories {
    private TestFactories() {}

    /** The value every test objective returns for its parameters, so results can be checked. */
    static double value(double x, long y) {
        return (x - 0.3) * (x - 0.3) + y * 0.01;
    }

    /** A grid of {@code nx × ny} points over ints x and y; definition {@code {"nx": .., "ny": ..}}. */
    public static final class Grid implements StudyWorker.ObjectiveFactory {
        @Override
        public Objective objective(Map<String, Object> definition) {
            int nx = ((Long) definition.get("nx")).intValue();
            int ny = ((Long) definition.get("ny")).intValue();
            return trial -> value(trial.suggestInt("x", 0, nx - 1), trial.suggestInt("y", 0, ny - 1));
        }

        @Override
        public Sampler sampler(Map<String, Object> definition) {
            return new GridSampler(grid(((Long) definition.get("nx")).intValue(), ((Long) definition.get("ny")).intValue()));
        }

        static Map<String, List<Integer>> grid(int nx, int ny) {
            Map<String, List<Integer>> g = new LinkedHashMap<>();
            g.put("x", java.util.stream.IntStream.range(0, nx).boxed().toList());
            g.put("y", java.util.stream.IntStream.range(0, ny).boxed().toList());
            return g;
        }
    }

    /**
     * Random x in [0, 1] and y in 0..9. Definition keys: {@code sleep_ms} (per trial), {@code hang_at}
     * (a trial number: that trial writes the file {@code marker} and then sleeps for ever, so that the
     * test can kill its worker in the middle of it).
     */
    public static final class Random implements StudyWorker.ObjectiveFactory {
        @Override
        public Objective objective(Map<String, Object> definition) {
            long sleep = definition.get("sleep_ms") instanceof Long s ? s : 0;
            long hangAt = definition.get("hang_at") instanceof Long h ? h : -1;
            String marker = String.valueOf(definition.get("marker"));
            return trial -> {
                double x = trial.suggestFloat("x", 0, 1);
                long y = trial.suggestInt("y", 0, 9);
                trial.report(0, x);
                if (trial.number() == hangAt) {
                    Files.writeString(Path.of(marker), "trial " + trial.number());
                    Thread.sleep(Long.MAX_VALUE);
                }
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                return value(x, y);
            };
        }
    }
}
