package org.nntune.tune.space;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistributionTest {

    @Test
    void validatesFloatRanges() {
        assertThatThrownBy(() -> FloatDistribution.uniform(2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low must be <= high");
        assertThatThrownBy(() -> FloatDistribution.logUniform(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low must be > 0");
        assertThatThrownBy(() -> FloatDistribution.uniform(0, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> FloatDistribution.stepped(0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step");
        assertThatThrownBy(() -> new FloatDistribution(1, 2, true, OptionalDouble.of(0.5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log and step");
    }

    @Test
    void steppedRangesEndOnTheGrid() {
        FloatDistribution f = FloatDistribution.stepped(0, 1.05, 0.1);
        assertThat(f.high()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(f.gridSize()).isEqualTo(11);
        assertThat(f.contains(0.3)).isTrue();
        assertThat(f.contains(0.35)).isFalse();
        IntDistribution i = new IntDistribution(1, 10, false, 4);
        assertThat(i.high()).isEqualTo(9);
        assertThat(i.size()).isEqualTo(3);
        assertThat(i.contains(5L)).isTrue();
        assertThat(i.contains(6L)).isFalse();
        assertThat(i.contains(5.0)).isFalse();
    }

    @Test
    void validatesIntRanges() {
        assertThatThrownBy(() -> IntDistribution.uniform(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntDistribution.logUniform(0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new IntDistribution(1, 8, true, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log needs step 1");
        assertThatThrownBy(() -> new IntDistribution(1, 8, false, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void categoricalsNormaliseAndRejectBadChoices() {
        CategoricalDistribution c = new CategoricalDistribution(List.of(16, 32, 2.5f, "adam", false));
        assertThat(c.choices()).containsExactly(16L, 32L, 2.5, "adam", false);
        assertThat(c.toInternal(32)).isEqualTo(1.0);
        assertThat(c.toExternal(3)).isEqualTo("adam");
        assertThat(c.contains(16L)).isTrue();
        assertThat(c.contains("sgd")).isFalse();
        assertThatThrownBy(() -> c.toInternal("sgd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sgd");
        assertThatThrownBy(() -> c.toExternal(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CategoricalDistribution(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CategoricalDistribution(List.of("a", List.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#1");
        assertThatThrownBy(() -> new CategoricalDistribution(List.of(1, 1L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void jsonFormsRoundTrip() {
        List<Distribution> all = List.of(FloatDistribution.uniform(-1, 1), FloatDistribution.logUniform(1e-5, 0.1),
                FloatDistribution.stepped(0, 0.5, 0.125), new IntDistribution(2, 64, false, 2),
                IntDistribution.logUniform(1, 1024), CategoricalDistribution.of("a", 1, 0.5, true));
        for (Distribution d : all) {
            assertThat(Distribution.fromJson(d.toJson())).isEqualTo(d);
        }
        assertThat(FloatDistribution.uniform(0, 1).toJson())
                .isEqualTo("{\"name\":\"FloatDistribution\",\"attributes\":{\"low\":0.0,\"high\":1.0,\"log\":false}}");
        assertThatThrownBy(() -> Distribution.fromJson("{\"name\":\"Beta\",\"attributes\":{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown distribution 'Beta'");
        assertThatThrownBy(() -> Distribution.fromJson("{\"name\":\"IntDistribution\",\"attributes\":{\"low\":1}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'high'");
    }

    @Test
    void jsonValuesRoundTripAndErrorsSayWhere() {
        Object v = Map.of("s", "a\"b\\c\n\u0001é", "l", List.of(1L, -2.5e-7, true, Double.NaN, Double.NEGATIVE_INFINITY),
                "m", Map.of());
        assertThat(Json.decode(Json.encode(v))).isEqualTo(v);
        assertThat(Json.decode(" [1, 2.0 , \"x\" ] ")).isEqualTo(List.of(1L, 2.0, "x"));
        assertThatThrownBy(() -> Json.decode("[1, 2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column");
        assertThatThrownBy(() -> Json.decode("{\"a\" 1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 6");
        assertThatThrownBy(() -> Json.encode(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a storable value");
        assertThatThrownBy(() -> Json.encode(java.util.Arrays.asList(1, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    @Test
    void jsonNullIsOneValueThatRoundTrips() {
        // Optuna's JSON holds null: a categorical with None among its choices, a float's "step": null
        assertThat(Json.decode("[\"a\", null, 3]")).isEqualTo(List.of("a", JsonNull.INSTANCE, 3L));
        assertThat(Json.decode(" null ")).isSameAs(JsonNull.INSTANCE);
        assertThat(Json.encode(List.of("a", JsonNull.INSTANCE))).isEqualTo("[\"a\",null]");
        assertThat(Json.normalize(JsonNull.INSTANCE)).isSameAs(JsonNull.INSTANCE);
        assertThat(Json.isValue(Map.of("k", JsonNull.INSTANCE))).isTrue();
        assertThat(JsonNull.INSTANCE).hasToString("null");
        assertThatThrownBy(() -> Json.decode("nul")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 1");
    }

    @Test
    void optunasCategoricalWithNoneReadsAndWritesBackTheSame() {
        String optuna = "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"a\", \"b\", null, 3, 2.5, true]}}";
        CategoricalDistribution c = (CategoricalDistribution) Distribution.fromJson(optuna);
        assertThat(c.choices()).containsExactly("a", "b", JsonNull.INSTANCE, 3L, 2.5, true);
        assertThat(c.toExternal(2)).isSameAs(JsonNull.INSTANCE);
        assertThat(c.toInternal(JsonNull.INSTANCE)).isEqualTo(2.0);
        assertThat(c.contains(JsonNull.INSTANCE)).isTrue();
        assertThat(c.toJson()).isEqualTo("{\"name\":\"CategoricalDistribution\",\"attributes\":{\"choices\":[\"a\",\"b\",null,3,2.5,true]}}");
        assertThat(Distribution.fromJson(c.toJson())).isEqualTo(c);
        assertThatThrownBy(() -> CategoricalDistribution.of("a", JsonNull.INSTANCE, JsonNull.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        // Optuna's float without a step
        assertThat(Distribution.fromJson("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0,"
                + " \"high\": 1.0, \"log\": false}}")).isEqualTo(FloatDistribution.uniform(0, 1));
    }

    @Property(tries = 200)
    void doublesRoundTripExactly(@ForAll double d) {
        assertThat(Json.decode(Json.encode(d))).isEqualTo(d);
    }

    @Property(tries = 200)
    void floatInternalExternalRoundTrip(@ForAll @DoubleRange(min = -1e6, max = 1e6) double a,
                                        @ForAll @DoubleRange(min = 0, max = 1e6) double width,
                                        @ForAll @DoubleRange(min = 0, max = 1) double u) {
        FloatDistribution f = FloatDistribution.uniform(a, a + width);
        double v = Math.min(f.high(), f.low() + u * (f.high() - f.low()));
        assertThat(f.containsInternal(v)).isTrue();
        assertThat(f.toInternal(f.toExternal(v))).isEqualTo(v);
        assertThat(Distribution.fromJson(f.toJson())).isEqualTo(f);
    }

    @Property(tries = 200)
    void intInternalExternalRoundTrip(@ForAll @LongRange(min = -1000, max = 1000) long low,
                                      @ForAll @IntRange(min = 0, max = 500) int width,
                                      @ForAll @IntRange(min = 1, max = 7) int step,
                                      @ForAll @IntRange(min = 0, max = 1000) int k) {
        IntDistribution d = new IntDistribution(low, low + width, false, step);
        long v = d.low() + (k % d.size()) * step;
        assertThat(d.contains(v)).isTrue();
        assertThat(d.toExternal(d.toInternal(v))).isEqualTo(v);
        assertThat(d.containsInternal(v + 0.5)).isFalse();
        assertThat(Distribution.fromJson(d.toJson())).isEqualTo(d);
    }
}
