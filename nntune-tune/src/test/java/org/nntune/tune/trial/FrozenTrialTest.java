package org.nntune.tune.trial;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrozenTrialTest {

    private static FrozenTrial running() {
        return new FrozenTrial(0, 1, TrialState.RUNNING, List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                java.util.Collections.emptyNavigableMap(), Optional.of(Instant.EPOCH), Optional.empty(),
                Optional.empty());
    }

    private static FrozenTrial with(FrozenTrial base, Map<String, Object> params, Map<String, Distribution> dists) {
        return new FrozenTrial(base.number(), base.trialId(), base.state(), base.values(), params, dists,
                base.userAttrs(), base.systemAttrs(), base.intermediateValues(), base.datetimeStart(),
                base.datetimeComplete(), base.failureReason());
    }

    @Test
    void withParamAppendsAndReplacesInOrder() {
        FrozenTrial t = running().withParam("x", 0.5, FloatDistribution.uniform(0, 1))
                .withParam("n", 3L, IntDistribution.uniform(1, 5))
                .withParam("c", "b", CategoricalDistribution.of("a", "b"));
        assertThat(t.params()).containsExactly(Map.entry("x", 0.5), Map.entry("n", 3L), Map.entry("c", "b"));
        assertThat(t.distributions().keySet()).containsExactly("x", "n", "c");
        FrozenTrial replaced = t.withParam("n", 4L, IntDistribution.uniform(1, 5));
        assertThat(replaced.params()).containsExactly(Map.entry("x", 0.5), Map.entry("n", 4L), Map.entry("c", "b"));
        assertThat(t.params().get("n")).isEqualTo(3L); // the original is unchanged
        assertThat(replaced.internalParam("c")).isEqualTo(1.0);
    }

    @Test
    void fixedParamsAreTheEnqueuedValuesInTheirOrder() {
        assertThat(running().fixedParams()).isEmpty();
        Map<String, Object> queued = new LinkedHashMap<>();
        queued.put("x", 0.5);
        queued.put("c", "b");
        queued.put("n", 3L);
        FrozenTrial t = running().withSystemAttr(SystemAttrs.FIXED_PARAMS, queued);
        assertThat(t.fixedParams()).containsExactly(Map.entry("x", 0.5), Map.entry("c", "b"), Map.entry("n", 3L));
        assertThatThrownBy(() -> t.fixedParams().put("y", 1.0)).isInstanceOf(UnsupportedOperationException.class);
        // a value the trial asked for stays among them (and is in params too)
        assertThat(t.withParam("x", 0.5, FloatDistribution.uniform(0, 1)).fixedParams()).containsKeys("x", "c", "n");
        // anything else under the key (not written by nntune or Optuna) is no values
        assertThat(running().withSystemAttr(SystemAttrs.FIXED_PARAMS, "x=0.5").fixedParams()).isEmpty();
    }

    @Test
    void aValueOutsideItsDistributionIsRejected() {
        FrozenTrial t = running().withParam("x", 0.5, FloatDistribution.uniform(0, 1));
        assertThatThrownBy(() -> t.withParam("y", 7.0, FloatDistribution.uniform(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'y' = 7.0");
        // replacing a checked value by a bad one, or its distribution by one that excludes it
        assertThatThrownBy(() -> t.withParam("x", 2.0, FloatDistribution.uniform(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' = 2.0");
        assertThatThrownBy(() -> t.withParam("x", 0.5, FloatDistribution.uniform(2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' = 0.5");
    }

    @Test
    void checkedValuesAreCheckedAgainAgainstOtherDistributions() {
        FrozenTrial t = running().withParam("x", 0.5, FloatDistribution.uniform(0, 1));
        // the same (already checked) values map with another distributions map is checked afresh
        assertThatThrownBy(() -> with(t, t.params(), Map.of("x", FloatDistribution.uniform(2, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not in");
        assertThatThrownBy(() -> with(t, t.params(), Map.of("y", FloatDistribution.uniform(0, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same names");
        // and with its own distributions it passes, also as plain maps in another order
        assertThat(with(t, t.params(), t.distributions()).params()).isEqualTo(t.params());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("b", 2L);
        p.put("a", 0.25);
        Map<String, Distribution> d = new LinkedHashMap<>();
        d.put("a", FloatDistribution.uniform(0, 1));
        d.put("b", IntDistribution.uniform(1, 3));
        FrozenTrial mixed = with(t, p, d);
        assertThat(mixed.params().keySet()).containsExactly("b", "a");
        assertThat(mixed.withParam("c", "z", CategoricalDistribution.of("z")).params())
                .containsExactly(Map.entry("b", 2L), Map.entry("a", 0.25), Map.entry("c", "z"));
        assertThatThrownBy(() -> mixed.withParam("a", 5.0, FloatDistribution.uniform(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void attributeStepAndFinishCopiesKeepTheRest() {
        FrozenTrial t = running().withParam("x", 0.5, FloatDistribution.uniform(0, 1))
                .withUserAttr("note", "hi").withSystemAttr("grid", 3L)
                .withIntermediateValue(2, 0.7).withIntermediateValue(1, 0.9).withIntermediateValue(2, 0.6);
        assertThat(t.userAttrs()).containsExactly(Map.entry("note", "hi"));
        assertThat(t.systemAttrs()).containsExactly(Map.entry("grid", 3L));
        assertThat(t.intermediateValues()).containsExactly(Map.entry(1, 0.9), Map.entry(2, 0.6));
        FrozenTrial done = t.finished(TrialState.COMPLETE, List.of(0.25), Instant.EPOCH.plusSeconds(5), Optional.empty());
        assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(done.value()).isEqualTo(0.25);
        assertThat(done.params()).isEqualTo(t.params());
        assertThat(done.intermediateValues()).isEqualTo(t.intermediateValues());
        assertThat(done.duration()).hasValue(java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> t.withUserAttr("k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void largeParameterMapsFindEveryName() {
        FrozenTrial t = running();
        for (int i = 0; i < 40; i++) {
            t = t.withParam("p" + i, (double) i, FloatDistribution.uniform(0, 100));
        }
        for (int i = 0; i < 40; i++) {
            assertThat(t.params().get("p" + i)).isEqualTo((double) i);
            assertThat(t.internalParam("p" + i)).isEqualTo(i);
        }
        assertThat(t.params().get("p40")).isNull();
        assertThat(t.params().containsKey(7)).isFalse();
        assertThat(t.withParam("p3", 50.0, FloatDistribution.uniform(0, 100)).params().get("p3")).isEqualTo(50.0);
    }
}
