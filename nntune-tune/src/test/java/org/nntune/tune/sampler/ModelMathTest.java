package org.nntune.tune.sampler;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class ModelMathTest {

    @Test
    void normalCdfMatchesKnownValues() {
        assertThat(NormalMath.cdf(0)).isCloseTo(0.5, offset(1e-15));
        assertThat(NormalMath.cdf(1.96)).isCloseTo(0.9750021048517795, offset(1e-13));
        assertThat(NormalMath.cdf(-3.5)).isCloseTo(2.326290790355250e-4, offset(1e-16));
        assertThat(NormalMath.logCdf(-40)).isCloseTo(-804.6084420137538, offset(1e-9));
    }

    @Property(tries = 200)
    void logExpectedImprovementIsFiniteAndIncreasingInTheGap(@ForAll @DoubleRange(min = -60, max = 10) double z) {
        double a = NormalMath.logH(z);
        double b = NormalMath.logH(z + 0.01);
        assertThat(a).isFinite();
        assertThat(b).isGreaterThan(a);
        if (z > -5) { // where the plain formula is accurate, both agree
            double plain = Math.log(z * NormalMath.cdf(z) + NormalMath.pdf(z));
            assertThat(a).isCloseTo(plain, offset(1e-9 * Math.max(1, Math.abs(plain))));
        }
    }

    @Property(tries = 200)
    void codecRoundTripsEveryKindOfParameter(@ForAll @DoubleRange(min = 0, max = 1) double u1,
                                             @ForAll @DoubleRange(min = 0, max = 1) double u2,
                                             @ForAll @DoubleRange(min = 0, max = 1) double u3,
                                             @ForAll @DoubleRange(min = 0, max = 1) double u4) {
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("lr", FloatDistribution.logUniform(1e-5, 1));
        space.put("n", IntDistribution.logUniform(1, 64));
        space.put("s", FloatDistribution.stepped(0, 1, 0.25));
        space.put("k", CategoricalDistribution.of("a", "b", "c"));
        SpaceCodec codec = new SpaceCodec(space, true);
        assertThat(codec.dim()).isEqualTo(6);
        double[] x = new double[codec.dim()];
        double[] u = {u1, u2, u3, u4};
        int j = 0;
        for (int i = 0; i < codec.names().size(); i++) {
            for (int k = 0; k < codec.width(i); k++) {
                x[codec.offset(i) + k] = u[j % 4] * (k + 1) % 1.0;
            }
            j++;
        }
        Map<String, Double> decoded = codec.decode(x);
        decoded.forEach((name, v) -> assertThat(space.get(name).containsInternal(v)).as(name + "=" + v).isTrue());
        double[] again = x.clone();
        codec.snapInPlace(again);
        assertThat(codec.decode(again)).isEqualTo(decoded);
        for (double c : again) {
            assertThat(c).isBetween(0.0, 1.0);
        }
    }
}
