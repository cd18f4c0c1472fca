package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.study.Study;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.study.Trial;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One TPE step against Optuna 3.1: after a fixed history, {@code log l(x) − log g(x)} for a
 * parameter equals what Optuna's TPESampler computes (split with PRUNED trials ranked by step,
 * a trial lacking a parameter, a FAIL trial ignored, the ramp weights of the bad trials); and the
 * columnar copy TPE samples from is up to date after every told trial; nntune's default good-trial
 * weights and clip against estimators built by hand. Golden numbers:
 * nntune-bench/scripts/tpe_golden.py ({@code sampler_step}).
 */
class TpeStepTest {
    /** x0, x1 of 45 Branin trials of Optuna's TPESampler(seed=0), rounded to 6 digits. */
    private static final double[][] HISTORY = {
        {3.232203, 10.72784}, {4.041451, 8.173248}, {1.354822, 9.688412}, {1.563808, 13.376595}, {9.454941,
        5.751623}, {6.875876, 7.933424}, {3.520668, 13.88395}, {-3.934459, 1.306939}, {-4.696724, 12.489298},
        {6.672351, 13.050182}, {9.496954, 4.446971}, {9.291674, 4.644794}, {9.724913, 5.018123}, {7.621001,
        2.903636}, {9.944476, 4.590952}, {7.703614, 0.582344}, {9.988223, 2.885648}, {5.423171, 2.213167},
        {8.241329, 0.083952}, {5.271806, 3.153955}, {8.596608, 6.97294}, {9.876782, 3.950208}, {8.711061, 3.784735},
        {9.799247, 2.710735}, {7.995462, 2.091058}, {9.831219, 1.670793}, {6.688042, 3.000291}, {8.484795,
        5.872546}, {7.157121, 3.51133}, {9.140052, 1.042763}, {8.611569, 0.831861}, {9.917806, 2.018862}, {8.960977,
        2.163707}, {8.87493, 0.254681}, {7.617489, 1.124698}, {6.195374, 2.410732}, {8.851333, 1.282364}, {7.899901,
        2.690202}, {5.90455, 1.563973}, {9.038787, 0.723861}, {4.611005, 3.686537}, {9.878607, 2.077274}, {9.172166,
        2.533005}, {7.20253, 2.587024}, {9.142038, 1.909813}
    };

    private static double branin(double x0, double x1) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double u = x1 - b * x0 * x0 + c * x0 - 6;
        return u * u + 10 * (1 - t) * Math.cos(x0) + 10;
    }

    private static Trial fixed(Study s, double x0, Double x1) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("x0", x0);
        if (x1 != null) {
            p.put("x1", x1);
        }
        s.enqueueTrial(p);
        Trial t = s.ask();
        t.suggestFloat("x0", -5, 10);
        if (x1 != null) {
            t.suggestFloat("x1", 0, 15);
        }
        return t;
    }

    @Test
    void logRatioMatchesOptunaAfterAMixedHistory() {
        TpeSampler tpe = TpeSampler.builder().optunaDefaults().build();
        Study s = Study.builder("step").sampler(tpe).seed(0).create();
        for (double[] h : HISTORY) {
            s.tell(fixed(s, h[0], h[1]), branin(h[0], h[1]));
        }
        Trial p1 = fixed(s, 1.5, 2.0);
        p1.report(0, 9.0);
        p1.report(1, 5.0);
        s.tellPruned(p1);
        Trial p2 = fixed(s, -4.0, 2.0);
        p2.report(0, 3.0);
        s.tellPruned(p2);
        Trial p3 = fixed(s, 8.0, 2.0);
        p3.report(0, 40.0);
        p3.report(2, 0.1);
        s.tellPruned(p3);
        s.tellPruned(fixed(s, 3.0, null));
        s.tellFailed(fixed(s, 0.0, null), "test");
        double[] at = {-5.0, -3.1, 0.0, 2.5, 3.14, 7.0, 9.4, 10.0};
        double[] expected = {1.28768552195901, 1.4737755862614603, 1.7741748989375337, 1.748090372744688,
            1.6544567225900355, 1.9161507963578563, 1.997204782912079, 1.8175400262674424};
        double[] got = tpe.logRatio(s.view(), "x0", FloatDistribution.uniform(-5, 10), at);
        for (int i = 0; i < at.length; i++) {
            assertThat(got[i]).as("log l - log g at %s", at[i]).isCloseTo(expected[i], within(1e-9));
        }
    }

    /** 20 trials of x on [0, 1] told (x - 0.3)^2, then l and g with the given weights of the 2 good ones. */
    private static double[] byHand(double[] xs, double[] goodWeights, double clip, double[] at) {
        // gamma(20) = 2: the good trials are the two nearest 0.3, the others bad in trial order
        Integer[] order = new Integer[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> Math.abs(xs[i] - 0.3)));
        int g1 = Math.min(order[0], order[1]);
        int g2 = Math.max(order[0], order[1]);
        double[] good = {xs[g1], xs[g2]};
        double[] bad = new double[xs.length - 2];
        int k = 0;
        for (int i = 0; i < xs.length; i++) {
            if (i != g1 && i != g2) {
                bad[k++] = xs[i];
            }
        }
        double[] badWeights = new double[bad.length];
        java.util.Arrays.fill(badWeights, 1.0);
        ParzenEstimator.Settings s = new ParzenEstimator.Settings(true, 1.0, true, false, false, true, clip);
        List<Distribution> d = List.of(FloatDistribution.uniform(0, 1));
        double[] logL = new ParzenEstimator(d, new double[][] {good}, goodWeights, s).logPdf(new double[][] {at});
        double[] logG = new ParzenEstimator(d, new double[][] {bad}, badWeights, s).logPdf(new double[][] {at});
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = logL[i] - logG[i];
        }
        return out;
    }

    /** A study of the sampler with one trial per x told (x - 0.3)^2. */
    private static Study told(TpeSampler tpe, double[] xs) {
        Study s = Study.builder("told").sampler(tpe).seed(0).create();
        for (double x : xs) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("x", x);
            s.enqueueTrial(p);
            Trial t = s.ask();
            s.tell(t, Math.pow(t.suggestFloat("x", 0, 1) - 0.3, 2));
        }
        return s;
    }

    @Test
    void defaultWeighsGoodTrialsByTheirImprovementOnTheBestBadOne() {
        double[] xs = new double[20];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (i * 0.618034) % 1.0;
        }
        double[] at = {0.02, 0.25, 0.3, 0.33, 0.6, 0.99};
        TpeSampler tpe = new TpeSampler();
        Study s = told(tpe, xs);
        double[] v = new double[xs.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow(xs[i] - 0.3, 2);
        }
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        double threshold = sorted[2]; // the best bad trial
        int first = -1;
        int second = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] < threshold) {
                if (first < 0) {
                    first = i;
                } else {
                    second = i;
                }
            }
        }
        double w1 = threshold - v[first];
        double w2 = threshold - v[second];
        double mean = (w1 + w2) / 2;
        double[] expected = byHand(xs, new double[] {w1 / mean, w2 / mean}, TpeSampler.DEFAULT_MAGIC_CLIP_EXPONENT, at);
        double[] uniform = byHand(xs, new double[] {1, 1}, TpeSampler.DEFAULT_MAGIC_CLIP_EXPONENT, at);
        double[] got = tpe.logRatio(s.view(), "x", FloatDistribution.uniform(0, 1), at);
        for (int i = 0; i < at.length; i++) {
            assertThat(got[i]).as("log l - log g at %s", at[i]).isCloseTo(expected[i], within(1e-9));
        }
        assertThat(expected).as("the weights matter here").isNotEqualTo(uniform);
        // with uniform weights and Optuna's clip the same history gives Optuna's estimator
        TpeSampler plain = TpeSampler.builder().improvementWeights(false).magicClipExponent(1.0).build();
        Study u = told(plain, xs);
        double[] optuna = byHand(xs, new double[] {1, 1}, 1.0, at);
        double[] gotPlain = plain.logRatio(u.view(), "x", FloatDistribution.uniform(0, 1), at);
        for (int i = 0; i < at.length; i++) {
            assertThat(gotPlain[i]).isCloseTo(optuna[i], within(1e-9));
        }
    }

    @Test
    void incrementalRefreshSeesEveryToldTrial() {
        Study study = Study.builder("obs").sampler(new TpeSampler()).seed(2).create();
        TpeObservations obs = new TpeObservations(study.view());
        for (int n = 0; n < 40; n++) {
            Trial t = study.ask();
            double x = t.suggestFloat("x", -5, 5);
            obs.refresh(study.view());
            assertThat(obs.nFinished).as("finished before trial %d is told", n).isEqualTo(n);
            if (n % 7 == 3) {
                t.report(0, x * x + 1);
                study.tellPruned(t);
            } else {
                study.tell(t, x * x);
            }
            obs.refresh(study.view());
            assertThat(obs.nFinished).isEqualTo(n + 1);
            assertThat(obs.column("x")[n]).isEqualTo(x);
            assertThat(obs.observed(n, false)).isTrue();
        }
    }
}
