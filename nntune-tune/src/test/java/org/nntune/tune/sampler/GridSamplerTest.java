package org.nntune.tune.sampler;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GridSamplerTest {

    private static Map<String, List<?>> grid() {
        Map<String, List<?>> g = new LinkedHashMap<>();
        g.put("x", List.of(-5.0, 0.0, 5.0));
        g.put("units", List.of(16, 32));
        g.put("opt", List.of("sgd", "adam"));
        return g;
    }

    private static double objective(Trial t) {
        double x = t.suggestFloat("x", -5, 5);
        int units = t.suggestCategorical("units", List.of(16, 32));
        String opt = t.suggestCategorical("opt", List.of("sgd", "adam"));
        return x * x + units + opt.length();
    }

    /** grid point (as a map of values) → how many COMPLETE or PRUNED trials it got */
    private static Map<Map<String, Object>, Integer> doneCounts(Study s) {
        Map<Map<String, Object>, Integer> counts = new HashMap<>();
        for (FrozenTrial t : s.trials()) {
            if (t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED) {
                counts.merge(t.params(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void coversEveryPointOnceAndEndsTheStudy() {
        GridSampler sampler = new GridSampler(grid());
        assertThat(sampler.size()).isEqualTo(12);
        Study s = Study.builder("grid").sampler(sampler).seed(3).create();
        s.optimize(GridSamplerTest::objective, 1000);
        assertThat(s.trials()).hasSize(12);
        assertThat(doneCounts(s)).hasSize(12).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
        assertThat(s.trials()).allSatisfy(t -> assertThat(t.systemAttrs()).containsKey(GridSampler.GRID_ID_ATTR));
        assertThatThrownBy(s::ask).isInstanceOf(IllegalStateException.class).hasMessageContaining("exhausted");
    }

    @Test
    void retriesFailedPointsAndCountsPrunedAsDoneWithParallelWorkers() {
        Study s = Study.builder("grid-retry").sampler(new GridSampler(grid())).seed(5).create();
        Set<Object> failedOnce = ConcurrentHashMap.newKeySet();
        s.optimize(t -> {
            double v = objective(t);
            if (failedOnce.add(t.params())) {
                throw new IllegalStateException("first attempt fails");
            }
            if (t.params().get("opt").equals("sgd")) {
                t.report(0, v);
                throw new TrialPrunedException();
            }
            return v;
        }, OptimizeOptions.trials(1000).withJobs(3));
        assertThat(doneCounts(s)).hasSize(12).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
        assertThat(s.trials(Set.of(TrialState.FAIL))).hasSize(12);
        assertThat(s.trials(Set.of(TrialState.PRUNED))).hasSize(6);
    }

    @Property(tries = 12)
    void everyGridIsCoveredExactlyOnce(@ForAll @IntRange(min = 1, max = 3) int params,
                                       @ForAll @IntRange(min = 1, max = 4) int values,
                                       @ForAll @IntRange(min = 1, max = 3) int jobs,
                                       @ForAll long seed) {
        Map<String, List<?>> g = new LinkedHashMap<>();
        for (int p = 0; p < params; p++) {
            List<Integer> vs = new ArrayList<>();
            for (int v = 0; v < values + p; v++) {
                vs.add(v);
            }
            g.put("p" + p, vs);
        }
        GridSampler sampler = new GridSampler(g);
        Study s = Study.builder("prop").sampler(sampler).seed(seed).create();
        SplittableRandom failures = new SplittableRandom(seed);
        s.optimize(t -> {
            double sum = 0;
            for (int p = 0; p < params; p++) {
                sum += t.suggestInt("p" + p, 0, 10);
            }
            boolean fail;
            synchronized (failures) {
                fail = failures.nextInt(4) == 0;
            }
            if (fail) {
                throw new RuntimeException("random failure");
            }
            return sum;
        }, OptimizeOptions.trials(100_000).withJobs(jobs));
        assertThat(doneCounts(s)).hasSize(sampler.size()).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
        assertThat(s.trials()).noneMatch(t -> t.state() == TrialState.RUNNING);
    }

    @Test
    void waitsWhileEveryFreePointIsHeldAndLosersOfARaceGetNoCandidate() {
        Storage storage = new InMemoryStorage();
        Map<String, List<?>> one = Map.of("x", List.of(1.0));
        Study a = Study.builder("race").storage(storage).sampler(new GridSampler(one)).create();
        Study b = Study.builder("race").storage(storage).sampler(new GridSampler(one)).load();
        Trial held = a.ask();
        assertThat(b.sampler().readiness(b.view())).isEqualTo(Sampler.Readiness.WAIT);
        assertThatThrownBy(b::ask).isInstanceOf(IllegalStateException.class).hasMessageContaining("running trials");
        FrozenTrial loser = storage.createTrial(b.studyId());
        assertThatThrownBy(() -> b.sampler().beforeTrial(b.view(), loser)).isInstanceOf(NoCandidateException.class);
        a.tellFailed(held, "worker crashed");
        assertThat(b.sampler().readiness(b.view())).isEqualTo(Sampler.Readiness.READY);
        Trial retry = b.ask();
        assertThat(retry.suggestFloat("x", 0, 2)).isEqualTo(1.0);
        b.tell(retry, 1.0);
        assertThat(a.sampler().readiness(a.view())).isEqualTo(Sampler.Readiness.EXHAUSTED);
    }

    @Test
    void objectivesOutsideTheGridFailClearly() {
        Study s = Study.builder("outside").sampler(new GridSampler(Map.of("x", List.of(7.0)))).create();
        Trial t = s.ask();
        assertThatThrownBy(() -> t.suggestFloat("y", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'y' is not in the grid");
        assertThatThrownBy(() -> t.suggestFloat("x", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grid value 7.0");
    }

    @Test
    void rejectsBadGrids() {
        assertThatThrownBy(() -> new GridSampler(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GridSampler(Map.of("x", List.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> new GridSampler(Map.of("x", List.of(List.of(1)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#0");
        assertThat(new GridSampler(grid()).point(0)).containsExactly(Map.entry("x", -5.0), Map.entry("units", 16L),
                Map.entry("opt", "sgd"));
        assertThatThrownBy(() -> new GridSampler(grid()).point(12)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSteppedRangeIsEnumeratedOnlyWithinTheBound() {
        assertThat(GridSampler.values(0.1, 0.5, 0.1, false)).hasSize(5).first().isEqualTo(0.1);
        assertThat(GridSampler.values(8, 64, 8, true)).containsExactly(8L, 16L, 24L, 32L, 40L, 48L, 56L, 64L);
        assertThat(GridSampler.values(0, 1, 1.0 / (GridSampler.MAX_RANGE_POINTS - 1), false)).hasSize(GridSampler.MAX_RANGE_POINTS);
        // 90 million points would take gigabytes: refused before anything is allocated, saying how many
        assertThatThrownBy(() -> GridSampler.values(1e-2, 1e-1, 1e-9, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 1.0E-9 makes 9.00e+07 points").hasMessageContaining("1,000,000");
        assertThatThrownBy(() -> GridSampler.values(0, 1, Double.MIN_VALUE, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GridSampler.values(0, 1, 0, false)).hasMessageContaining("step > 0");
    }
}
