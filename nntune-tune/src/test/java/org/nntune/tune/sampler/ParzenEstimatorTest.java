package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Parzen estimator against golden values: Optuna 3.1's {@code _ParzenEstimator} mixture (its
 * kernel centres, widths and weights) evaluated with scipy's {@code truncnorm} (the proper density,
 * {@code scaleFreeKernels} off) and with Optuna 3.1's own {@code log_pdf}, whose
 * {@code _truncnorm.logpdf} leaves out the kernels' 1/σ ({@code scaleFreeKernels} on, the
 * sampler's default). Stepped and categorical parameters, where Optuna computes masses, are the
 * same both ways. The script that printed the numbers: nntune-bench/scripts/tpe_golden.py.
 */
class ParzenEstimatorTest {
    private static final ParzenEstimator.Settings UNI = new ParzenEstimator.Settings(true, 1.0, true, false, false);
    private static final ParzenEstimator.Settings MULTI = new ParzenEstimator.Settings(true, 1.0, true, false, true);
    private static final ParzenEstimator.Settings UNI_SF = new ParzenEstimator.Settings(true, 1.0, true, false, false, true);
    private static final ParzenEstimator.Settings MULTI_SF = new ParzenEstimator.Settings(true, 1.0, true, false, true, true);

    private static ParzenEstimator uni(Distribution d, double... obs) {
        return uni(UNI, d, obs);
    }

    private static ParzenEstimator uni(ParzenEstimator.Settings s, Distribution d, double... obs) {
        double[] w = new double[obs.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = TpeSampler.defaultWeight(i, obs.length);
        }
        return new ParzenEstimator(List.of(d), new double[][] {obs}, w, s);
    }

    private static void assertLogPdf(ParzenEstimator e, double[] at, double[] expected) {
        double[] got = e.logPdf(new double[][] {at});
        for (int i = 0; i < at.length; i++) {
            assertThat(got[i]).as("log pdf at %s", at[i]).isCloseTo(expected[i], within(1e-9));
        }
    }

    @Test
    void univariateDensitiesMatchOptuna() {
        assertLogPdf(uni(FloatDistribution.uniform(-5, 5), 0.1, 0.5, 0.52, 2.0, -3.0),
                new double[] {-4.9, 0.0, 0.5, 1.7, 4.99},
                new double[] {-3.2193554219740657, -1.6797407796574302, -1.6284160996513457, -1.8253321873655868,
                        -3.7682987745181746});
        assertLogPdf(uni(FloatDistribution.logUniform(1e-5, 1e-1), 1e-4, 3e-3, 2e-2), new double[] {1e-5, 1e-3, 5e-2},
                new double[] {-2.8674116213815766, -2.0842393324827837, -2.2667311377369703});
        assertLogPdf(uni(new IntDistribution(16, 256, false, 16), 16, 32, 32, 128, 256), new double[] {16, 48, 240},
                new double[] {-2.1042201507701574, -2.196038247928378, -3.3246973606556995});
        assertLogPdf(uni(IntDistribution.logUniform(1, 128), 2, 4, 7, 100), new double[] {1, 5, 128},
                new double[] {-1.8698177622765815, -1.2385341154826723, -2.3627154591371946});
        assertLogPdf(uni(CategoricalDistribution.of("a", "b", "c"), 0, 2, 2, 1, 2), new double[] {0, 1, 2},
                new double[] {-1.349926716949016, -1.349926716949016, -0.7308875085427924});
    }

    @Test
    void scaleFreeDensitiesMatchOptuna31sOwnLogPdf() {
        assertLogPdf(uni(UNI_SF, FloatDistribution.uniform(-5, 5), 0.1, 0.5, 0.52, 2.0, -3.0),
                new double[] {-4.9, 0.0, 0.5, 1.7, 4.99},
                new double[] {-1.48088437162014, -0.8059170807735496, -0.7843226390376408, -0.9297425594533778,
                        -1.7952960372288396});
        assertLogPdf(uni(UNI_SF, FloatDistribution.logUniform(1e-5, 1e-1), 1e-4, 3e-3, 2e-2),
                new double[] {1e-5, 1e-3, 5e-2}, new double[] {-1.1939134064504369, -0.7863699332725279, -0.9515143534953799});
        assertLogPdf(uni(UNI_SF, IntDistribution.logUniform(1, 128), 2, 4, 7, 100), new double[] {1, 5, 128},
                new double[] {-1.1308897778889955, -0.715510648290281, -1.0882309836664323});
        // masses of steps do not change
        assertLogPdf(uni(UNI_SF, new IntDistribution(16, 256, false, 16), 16, 32, 32, 128, 256),
                new double[] {16, 48, 240}, new double[] {-2.1042201507701574, -2.196038247928378, -3.3246973606556995});
        List<Distribution> dims = List.of(FloatDistribution.uniform(-5, 5), CategoricalDistribution.of("a", "b", "c"),
                IntDistribution.uniform(1, 10));
        double[][] obs = {{0.1, 0.5, 2.0, -3.0}, {0, 1, 1, 2}, {3, 5, 9, 2}};
        double[] got = new ParzenEstimator(dims, obs, new double[] {1, 1, 1, 1}, MULTI_SF)
                .logPdf(new double[][] {{0.0, -4.0}, {1, 2}, {5, 10}});
        assertThat(got[0]).isCloseTo(-3.783476260222632, within(1e-9));
        assertThat(got[1]).isCloseTo(-5.1094533752373845, within(1e-9));
    }

    /** A mixture of truncated normals on [low, high] with equal weights, by hand. */
    private static double logMixture(double x, double low, double high, double[] mus, double[] sigmas) {
        double sum = 0;
        for (int i = 0; i < mus.length; i++) {
            double mass = NormalMath.cdf((high - mus[i]) / sigmas[i]) - NormalMath.cdf((low - mus[i]) / sigmas[i]);
            sum += NormalMath.pdf((x - mus[i]) / sigmas[i]) / sigmas[i] / mass;
        }
        return Math.log(sum / mus.length);
    }

    @Test
    void magicClipExponentSetsTheNarrowestKernel() {
        // three close observations: their neighbour gaps are below the clip, so each kernel is as
        // narrow as the clip lets it be; 4 kernels with the prior: range / (1 + 4)^alpha
        double[] obs = {0.5, 0.5001, 0.5002};
        double[] at = {0.05, 0.3, 0.5, 0.62, 0.97};
        for (double alpha : new double[] {1.0, 1.25, 2.0}) {
            ParzenEstimator.Settings s = new ParzenEstimator.Settings(true, 1.0, true, false, false, false, alpha);
            ParzenEstimator e = uni(s, FloatDistribution.uniform(0, 1), obs);
            double narrow = 1 / Math.min(100, Math.pow(5, alpha));
            double[] expected = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                expected[i] = logMixture(at[i], 0, 1, new double[] {0.5, 0.5001, 0.5002, 0.5},
                        new double[] {narrow, narrow, narrow, 1.0});
            }
            assertLogPdf(e, at, expected);
        }
    }

    @Test
    void rampWeightsMatchOptuna() {
        double[] xs = {0.48813503927324753, 2.151893663724195, 1.027633760716439, 0.4488318299689684,
                -0.7634520066109527, 1.4589411306665614, -0.6241278873730751, 3.917730007820797, 4.636627605010293,
                -1.1655848117422227, 2.917250380826646, 0.28894919752904435, 0.6804456109393229, 4.25596638292661,
                -4.289639418021131, -4.1287070029845925, -4.797816025596743, 3.32619845547938, 2.7815675094985046,
                3.700121482468191, 4.786183422327641, 2.9915856421672355, -0.38520637747068154, 2.805291762864554,
                -3.817255741310668, 1.3992102132752384, -3.566467125909536, 4.446689170495839, 0.21848321750071698,
                -0.8533806000947646, -2.35444387895373, 2.7423368943421664, -0.4384966778345145, 0.6843394886864846,
                -4.812101995636448, 1.176354970758771, 1.1209572272242143, 1.1693399687475692, 4.437480785146242,
                1.818202991034834, -1.40492099426214, -0.6296804620065855, 1.9763119592726488, -4.397745283707302,
                1.6676671544566766, 1.706378696181594, -2.896174389261591, -3.710737023451467, -1.8457164907581616,
                -1.362892290573774, 0.7019677041787968, -0.6139848653767963, 4.883738380592263, -3.9795518925197193,
                -2.911232439051653, -3.386904821150037, 1.5310832546539839, -2.467083974602179, -0.33689227143693756,
                -2.5557440799839726};
        assertLogPdf(uni(FloatDistribution.uniform(-5, 5), xs), new double[] {-2.0, 0.3, 4.0},
                new double[] {-2.9421126603891428, -2.5111516210020146, -3.344360377960232});
        assertLogPdf(uni(UNI_SF, FloatDistribution.uniform(-5, 5), xs), new double[] {-2.0, 0.3, 4.0},
                new double[] {-3.0673973356567474, -3.1844488511267848, -3.4061278499869707});
        double[] w30 = {0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0};
        for (int i = 0; i < w30.length; i++) {
            assertThat(TpeSampler.defaultWeight(i, 30)).isCloseTo(w30[i], within(1e-15));
        }
        assertThat(TpeSampler.defaultWeight(0, 24)).isEqualTo(1.0);
        assertThat(TpeSampler.defaultWeight(24, 30)).isEqualTo(1.0);
        assertThat(TpeSampler.defaultWeight(4, 30)).isEqualTo(1.0);
        assertThat(TpeSampler.defaultWeight(5, 30)).isEqualTo(1.0); // the newest 25 of 30 are flat
        assertThat(TpeSampler.defaultWeight(0, 26)).isEqualTo(1.0 / 26);
    }

    @Test
    void defaultGammaIsOptunasByHand() {
        // min(ceil(0.1 n), 25): 1 good trial up to n = 10, 2 from 11, 25 from 241 on
        int[][] cases = {{1, 1}, {10, 1}, {11, 2}, {20, 2}, {21, 3}, {100, 10}, {101, 11}, {240, 24}, {241, 25}, {5000, 25}};
        for (int[] c : cases) {
            assertThat(TpeSampler.defaultGamma(c[0])).as("gamma(%d)", c[0]).isEqualTo(c[1]);
        }
        assertThat(TpeSampler.defaultGamma(0)).isZero();
    }

    @Test
    void multivariateDensityMatchesOptuna() {
        List<Distribution> dims = List.of(FloatDistribution.uniform(-5, 5), CategoricalDistribution.of("a", "b", "c"),
                IntDistribution.uniform(1, 10));
        double[][] obs = {{0.1, 0.5, 2.0, -3.0}, {0, 1, 1, 2}, {3, 5, 9, 2}};
        ParzenEstimator e = new ParzenEstimator(dims, obs, new double[] {1, 1, 1, 1}, MULTI);
        double[] got = e.logPdf(new double[][] {{0.0, -4.0}, {1, 2}, {5, 10}});
        assertThat(got[0]).isCloseTo(-4.601766929073191, within(1e-9));
        assertThat(got[1]).isCloseTo(-7.408005397782352, within(1e-9));
    }

    @Test
    void samplesLieInTheirDistributions() {
        List<Distribution> dims = List.of(FloatDistribution.logUniform(1e-5, 1e-1), new IntDistribution(16, 256, false, 16),
                FloatDistribution.stepped(0, 0.5, 0.1), CategoricalDistribution.of(1, 2, 3));
        double[][] obs = {{1e-4, 1e-2}, {16, 256}, {0.0, 0.5}, {0, 2}};
        for (ParzenEstimator.Settings s : List.of(UNI, MULTI)) {
            ParzenEstimator e = new ParzenEstimator(dims, obs, new double[] {1, 1}, s);
            double[][] samples = e.sample(new SplittableRandom(7), 500);
            for (int j = 0; j < dims.size(); j++) {
                for (double v : samples[j]) {
                    assertThat(dims.get(j).containsInternal(v)).as("%s in %s", v, dims.get(j)).isTrue();
                }
            }
        }
    }

    @Test
    void normalFunctionsAreAccurate() {
        assertThat(TruncNorm.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-15));
        assertThat(TruncNorm.erfc(1)).isCloseTo(0.15729920705028513, within(1e-15));
        assertThat(TruncNorm.erfc(3) / 2.209049699858544e-05).isCloseTo(1, within(1e-12));
        assertThat(TruncNorm.erfc(5) / 1.5374597944280349e-12).isCloseTo(1, within(1e-12));
        assertThat(TruncNorm.logErfc(30)).isCloseTo(Math.log(2.5646562037561116) - 393 * Math.log(10),
                within(1e-9));
        for (double p : new double[] {1e-300, 1e-20, 1e-5, 0.01, 0.02425, 0.3, 0.5, 0.9, 0.99999}) {
            assertThat(TruncNorm.cdf(TruncNorm.ppf(p)) / p).as("p=%s", p).isCloseTo(1, within(1e-12));
        }
        assertThat(TruncNorm.logMass(-1, 1)).isCloseTo(Math.log(0.6826894921370859), within(1e-14));
        assertThat(TruncNorm.logMass(10, 11)).isCloseTo(Math.log(7.619853024160525e-24 - 1.9106595744986828e-28),
                within(1e-9));
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            double a = r.nextDouble(-20, 20);
            double b = a + r.nextDouble(1e-6, 5);
            double x = TruncNorm.sample(a, b, r.nextDouble());
            assertThat(x).isBetween(a, b);
        }
    }
}
