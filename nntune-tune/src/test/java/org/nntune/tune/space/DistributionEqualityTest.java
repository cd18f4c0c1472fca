package org.nntune.tune.space;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributions' hand-written equals and hashCode agree with what the records would generate:
 * each is checked against a record with the same components (whose methods are the generated ones).
 */
class DistributionEqualityTest {
    private record FloatShape(double low, double high, boolean log, OptionalDouble step) {}

    private record IntShape(long low, long high, boolean log, long step) {}

    private record CategoricalShape(List<Object> choices) {}

    private static FloatShape shape(FloatDistribution f) {
        return new FloatShape(f.low(), f.high(), f.log(), f.step());
    }

    private static IntShape shape(IntDistribution i) {
        return new IntShape(i.low(), i.high(), i.log(), i.step());
    }

    private static FloatDistribution floatOf(int kind, double low, double width) {
        return switch (kind) {
            case 0 -> FloatDistribution.uniform(low, low + width);
            case 1 -> FloatDistribution.logUniform(Math.abs(low) + 1e-3, Math.abs(low) + 1e-3 + width);
            default -> FloatDistribution.stepped(low, low + width, Math.max(width / 7, 1e-3));
        };
    }

    @Property(tries = 300)
    void floatEqualityIsTheRecords(@ForAll @IntRange(min = 0, max = 2) int kindA, @ForAll @IntRange(min = 0, max = 2) int kindB,
                                   @ForAll @DoubleRange(min = -3, max = 3) double lowA, @ForAll boolean sameLow,
                                   @ForAll @DoubleRange(min = 0, max = 4) double width) {
        FloatDistribution a = floatOf(kindA, lowA, width);
        FloatDistribution b = floatOf(kindB, sameLow ? lowA : lowA + 0.5, width);
        assertThat(a.hashCode()).isEqualTo(shape(a).hashCode());
        assertThat(a.equals(b)).isEqualTo(shape(a).equals(shape(b)));
        assertThat(a.equals(floatOf(kindA, lowA, width))).isTrue();
        assertThat(a.hashCode()).isEqualTo(floatOf(kindA, lowA, width).hashCode());
    }

    @Test
    void floatEqualityComparesDoublesAsTheRecordDoes() {
        FloatDistribution plus = FloatDistribution.uniform(0.0, 1.0);
        FloatDistribution minus = FloatDistribution.uniform(-0.0, 1.0);
        assertThat(plus.equals(minus)).isFalse().isEqualTo(shape(plus).equals(shape(minus)));
        assertThat(minus.hashCode()).isEqualTo(shape(minus).hashCode());
        assertThat(plus.equals("FloatDistribution")).isFalse();
        assertThat(plus.equals(null)).isFalse();
    }

    @Property(tries = 300)
    void intEqualityIsTheRecords(@ForAll @LongRange(min = 1, max = 50) long low, @ForAll @LongRange(min = 0, max = 60) long width,
                                 @ForAll @LongRange(min = 1, max = 4) long step, @ForAll boolean log, @ForAll boolean sameStep) {
        IntDistribution a = new IntDistribution(low, low + width, log, log ? 1 : step);
        IntDistribution b = new IntDistribution(low, low + width, false, sameStep ? (log ? 1 : step) : step + 1);
        assertThat(a.hashCode()).isEqualTo(shape(a).hashCode());
        assertThat(b.hashCode()).isEqualTo(shape(b).hashCode());
        assertThat(a.equals(b)).isEqualTo(shape(a).equals(shape(b)));
        assertThat(a).isEqualTo(new IntDistribution(low, low + width, log, log ? 1 : step));
        assertThat(a.equals(IntDistribution.uniform(low, low + width + 1))).isFalse();
    }

    @Test
    void categoricalEqualityIsTheRecords() {
        CategoricalDistribution a = CategoricalDistribution.of("a", 1, true);
        CategoricalDistribution same = CategoricalDistribution.of("a", 1L, true);
        CategoricalDistribution other = CategoricalDistribution.of("a", true, 1);
        assertThat(a).isEqualTo(same);
        assertThat(a.hashCode()).isEqualTo(same.hashCode())
                .isEqualTo(new CategoricalShape(a.choices()).hashCode());
        assertThat(a).isNotEqualTo(other);
        assertThat(a.equals(List.of("a", 1L, true))).isFalse();
    }
}
