package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.optim.Hypergradient;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.OptimizerState;
import org.nntune.nn.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hypergradient descent on the learning rate: its hypergradient, its training, its settings. */
class HypergradientTest {

    private static final int N = 24;

    /** A small tanh network (smooth, so central differences are accurate) and a fixed batch of 24 rows. */
    private static Sequential network() {
        return Sequential.builder().input(4).dense(8, Activation.TANH).dense(6, Activation.TANH).dense(3).seed(7).build();
    }

    private static Workspace batch(Sequential m) {
        Workspace w = m.workspace(N, 0, true);
        Rng r = new Rng(11);
        for (int i = 0; i < N * 4; i++) {
            w.acts[0][i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < N; i++) {
            w.labels[i] = r.nextInt(3);
        }
        return w;
    }

    /** Forward and backward on the batch: the gradients land in the parameters; returns the loss. */
    private static double lossAndGradient(Sequential m, Workspace w) {
        m.forward(w, N, Pass.training(new Rng(0)));
        double loss = m.loss().compute(w.output(), N, m.outputSize(), w.targets, w.grads[w.grads.length - 1]);
        m.backward(w, N);
        return loss;
    }

    /** A copy of every parameter's gradient. */
    private static List<float[]> gradients(Sequential m) {
        List<float[]> g = new ArrayList<>();
        for (Param p : m.parameters()) {
            g.add(p.grad().data().clone());
        }
        return g;
    }

    /** The cosine of two gradients over all parameters, in double. */
    private static double cosine(List<float[]> g, List<float[]> u) {
        double dot = 0;
        double gg = 0;
        double uu = 0;
        for (int q = 0; q < g.size(); q++) {
            for (int i = 0; i < g.get(q).length; i++) {
                dot += (double) g.get(q)[i] * u.get(q)[i];
                gg += (double) g.get(q)[i] * g.get(q)[i];
                uu += (double) u.get(q)[i] * u.get(q)[i];
            }
        }
        return dot / Math.sqrt(gg * uu);
    }

    /** Every weight moved from {@code before} by {@code −(float) step · g}, as plain SGD with that step does. */
    private static void assertSgdStep(Sequential m, List<float[]> before, List<float[]> g, double step) {
        for (int q = 0; q < g.size(); q++) {
            float[] now = m.parameters().get(q).value().data();
            for (int i = 0; i < now.length; i++) {
                double expected = before.get(q)[i] - (float) step * g.get(q)[i];
                assertThat((double) now[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    private static List<float[]> weights(Sequential m) {
        List<float[]> copy = new ArrayList<>();
        for (Param p : m.parameters()) {
            copy.add(p.value().data().clone());
        }
        return copy;
    }

    private static void setWeights(Sequential m, List<float[]> values) {
        for (int i = 0; i < values.size(); i++) {
            float[] v = values.get(i);
            System.arraycopy(v, 0, m.parameters().get(i).value().data(), 0, v.length);
        }
    }

    /**
     * The hypergradient the optimiser computes at step t + 1, {@code g_{t+1} · u_t}, is minus the
     * derivative of the loss after step t with respect to the rate step t used: replay step t from
     * the same weights and optimiser state with that rate moved by ±δ, and difference the losses.
     */
    @ParameterizedTest
    @CsvSource({
            "sgd, false, 0.05, 1e-3",
            "sgd, true, 0.05, 1e-3",
            "nesterov, false, 0.05, 1e-3",
            "nesterov, true, 0.05, 1e-3",
            "adam, false, 0.01, 1e-4",
            "adam, true, 0.01, 1e-4"})
    void hypergradientIsTheFiniteDifferenceDerivativeOfTheNextLossInTheRate(String kind, boolean perLayer, double lr,
                                                                           double delta) {
        Optimizer base = switch (kind) {
            case "sgd" -> Optimizer.sgd(lr);
            case "nesterov" -> Optimizer.sgd(lr, 0.9, true);
            default -> Optimizer.adam(lr);
        };
        Optimizer hd = Optimizer.hypergradient(base, 1e-3, perLayer);
        Sequential m = network();
        Workspace w = batch(m);
        int[] layers = m.parameterLayers();
        Hypergradient.HdUpdater u = (Hypergradient.HdUpdater) hd.newUpdater(m.parameters(), layers);
        for (int s = 0; s < 4; s++) { // a few steps, so momentum and moments are not trivial
            lossAndGradient(m, w);
            u.step(hd.learningRate());
        }
        List<float[]> before = weights(m);
        OptimizerState state = u.state();
        lossAndGradient(m, w);
        u.step(hd.learningRate()); // step t
        lossAndGradient(m, w);
        u.step(hd.learningRate()); // step t + 1 computes the hypergradient of step t's rate
        double[] h = u.lastHypergradients();
        assertThat(h).hasSize(perLayer ? 3 : 1);

        for (int k = 0; k < h.length; k++) {
            double up = lossAfterReplay(hd, m, w, before, state, k, delta);
            double down = lossAfterReplay(hd, m, w, before, state, k, -delta);
            double derivative = (up - down) / (2 * delta);
            assertThat(Math.abs(h[k])).as("hypergradient of group %d is not negligible", k).isGreaterThan(1e-3);
            assertThat(-h[k]).as("%s group %d: hypergradient against finite differences", kind, k)
                    .isCloseTo(derivative, org.assertj.core.data.Offset.offset(0.02 * Math.abs(derivative) + 2e-4));
        }
    }

    /**
     * The multiplicative rule by hand on plain SGD (whose direction is the gradient): in the
     * warm-up of W steps step t moves the weights by {@code (t/W)·α_t·g_t}; before every step but the
     * first, {@code α_t = α_{t−1}·exp(β_t·cos(g_t, g_{t−1}))}, with β_t = β until the warm-up ends and
     * {@code β·min(1, S/(t − W))} after it.
     */
    @Test
    void theMultiplicativeRuleRampsTheStepInTheWarmUpAndDecaysItsOwnStepAfterIt() {
        assertRuleByHand(Hypergradient.Rule.MULTIPLICATIVE, 0.3, 8, (n, cos) -> cos);
    }

    /**
     * The standardised rule by hand on plain SGD: the cosine c_t of g_t and g_{t−1} enters Adam's
     * averages {@code m ← 0.9·m + 0.1·c}, {@code v ← 0.99·v + 0.01·c²}, and the rate is multiplied by
     * {@code exp(β_t·m̂/(√v̂ + 1e-12))}, with the bias corrections of the n-th cosine (n = t − 1) and
     * the multiplicative rule's warm-up and settling of β_t.
     */
    @Test
    void theStandardizedRuleStepsTheRateByTheCosineOverItsRunningRootMeanSquare() {
        double[] averages = new double[2]; // of the cosine and of its square
        assertRuleByHand(Hypergradient.Rule.STANDARDIZED, 0.1, 9, (n, cos) -> {
            averages[0] = 0.9 * averages[0] + 0.1 * cos;
            averages[1] = 0.99 * averages[1] + 0.01 * cos * cos;
            double z = (averages[0] / (1 - Math.pow(0.9, n))) / (Math.sqrt(averages[1] / (1 - Math.pow(0.99, n))) + 1e-12);
            if (n == 1) {
                assertThat(Math.abs(z)).as("the first standardised cosine is its sign").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            }
            return z;
        });
    }

    /** What a multiplicative-family rule multiplies β_t by in the exponent, given the n-th cosine (n ≥ 1) of the gradients. */
    private interface CosineTerm {
        double of(int n, double cos);
    }

    /**
     * A multiplicative-family rule worked by hand on plain SGD (whose direction is the gradient),
     * warm-up 3 steps, settling 2, lr 0.05, over {@code steps} steps: before every step but the first
     * {@code α_t = α_{t−1}·exp(β_t·term(t − 1, cos(g_t, g_{t−1})))}, with β_t = β until the warm-up ends
     * and {@code β·min(1, S/(t − W))} after it; step t moves the weights by {@code min(1, t/W)·α_t·g_t}.
     * Checks the updater's rate and every weight at every step, and that the rate moved.
     */
    private static void assertRuleByHand(Hypergradient.Rule rule, double beta, int steps, CosineTerm term) {
        int warmup = 3;
        int settle = 2;
        double lr = 0.05;
        Sequential m = network();
        Workspace w = batch(m);
        Optimizer hd = new Hypergradient(Optimizer.sgd(lr), beta, false, rule, warmup, settle);
        Hypergradient.HdUpdater u = (Hypergradient.HdUpdater) hd.newUpdater(m.parameters(), m.parameterLayers());
        double alpha = (float) lr; // the base optimiser keeps its rate in float32
        List<float[]> previousGrad = null;
        for (int t = 1; t <= steps; t++) {
            lossAndGradient(m, w);
            List<float[]> g = gradients(m);
            if (previousGrad != null) {
                double step = t > warmup ? beta * Math.min(1.0, (double) settle / (t - warmup)) : beta;
                alpha *= Math.exp(step * term.of(t - 1, cosine(g, previousGrad)));
            }
            List<float[]> before = weights(m);
            u.step(hd.learningRate());
            assertThat(u.rates()[0]).as("%s: rate at step %d", rule, t).isCloseTo(alpha, org.assertj.core.data.Offset.offset(1e-12 + 1e-9 * alpha));
            assertSgdStep(m, before, g, alpha * Math.min(1.0, (double) t / warmup));
            previousGrad = g;
        }
        assertThat(alpha).as("the rate moved").isNotEqualTo(lr);
    }

    /**
     * What the standardisation is for: a steady cosine of +0.3 (like Adam's below a good rate) and
     * one of −0.03 (like Adam's far above it) move the standardised rate by the same factor, up and
     * down, where the multiplicative rule moves it ten times less for the small one. The gradients
     * are set by hand, so the cosine of each step is known.
     */
    @Test
    void theStandardizedRuleMovesTheRateAlikeForLargeAndSmallCosinesOfASteadySign() {
        double down = logRateChange(Hypergradient.Rule.STANDARDIZED, -0.03);
        double up = logRateChange(Hypergradient.Rule.STANDARDIZED, 0.3);
        assertThat(down).as("20 steps of β 0.1 with a steady sign: the rate falls by e^2").isCloseTo(-2.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(up).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-4));
        double downMul = logRateChange(Hypergradient.Rule.MULTIPLICATIVE, -0.03);
        double upMul = logRateChange(Hypergradient.Rule.MULTIPLICATIVE, 0.3);
        assertThat(downMul).isCloseTo(20 * 0.1 * -0.03, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(upMul).isCloseTo(20 * 0.1 * 0.3, org.assertj.core.data.Offset.offset(1e-4));
    }

    /**
     * {@code log(α_end/α_start)} after 20 hypergradient steps of SGD-HD (β 0.1, no warm-up or
     * settling) on two parameters whose gradients are unit vectors turning by a fixed angle, so
     * that every cosine of two consecutive gradients is {@code cosine}.
     */
    private static double logRateChange(Hypergradient.Rule rule, double cosine) {
        Param p = new Param("w", false, 2);
        Optimizer.Updater u = new Hypergradient(Optimizer.sgd(0.01), 0.1, false, rule, 0, 0).newUpdater(List.of(p));
        double angle = Math.acos(cosine);
        for (int t = 0; t <= 20; t++) {
            p.grad().data()[0] = (float) Math.cos(t * angle);
            p.grad().data()[1] = (float) Math.sin(t * angle);
            u.step(0.01f);
        }
        return Math.log(((Hypergradient.HdUpdater) u).rates()[0] / (double) 0.01f);
    }

    /**
     * With the multiplicative rule's settings (warm-up, settling step) Adam-HD started a
     * hundred times below and ten times above a good fixed rate ends within 2 of 30 test examples
     * of it on iris.
     */
    @Test
    void theMultiplicativeRuleWorksFromATooSmallAndATooLargeRate() {
        List<EpochResult> ignored = new ArrayList<>();
        double fixed = irisTestAccuracy(Optimizer.adam(1e-2), ignored);
        List<EpochResult> fromLow = new ArrayList<>();
        double low = irisTestAccuracy(Hypergradient.multiplicative(Optimizer.adam(1e-4), false), fromLow);
        List<EpochResult> fromHigh = new ArrayList<>();
        double high = irisTestAccuracy(Hypergradient.multiplicative(Optimizer.adam(1e-1), false), fromHigh);
        System.out.printf("iris test accuracy: adam lr 1e-2 %.4f, defaults from 1e-4 %.4f (rate -> %s), from 1e-1 %.4f (rate -> %s)%n",
                fixed, low, fromLow.get(fromLow.size() - 1).adaptedRates(), high, fromHigh.get(fromHigh.size() - 1).adaptedRates());
        assertThat(low).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        assertThat(high).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        assertThat(fromLow.get(fromLow.size() - 1).adaptedRates().get("lr")).isGreaterThan(1e-4);
        assertThat(fromHigh.get(fromHigh.size() - 1).adaptedRates().get("lr")).isLessThan(1e-1);
    }

    /**
     * With the standardised rule's settings Adam-HD started at 1e-4 and at 1e-1 ends within 2 of
     * 30 test examples of a good fixed rate on iris, and the two starts, three decades apart, end
     * within a factor of 5 of each other (on iris a rate of 0.1 to 0.3 trains well, so the rate
     * from 1e-1 need not fall).
     */
    @Test
    void theStandardizedRuleWorksFromATooSmallAndATooLargeRate() {
        List<EpochResult> ignored = new ArrayList<>();
        double fixed = irisTestAccuracy(Optimizer.adam(1e-2), ignored);
        List<EpochResult> fromLow = new ArrayList<>();
        double low = irisTestAccuracy(Hypergradient.standardized(Optimizer.adam(1e-4), false), fromLow);
        List<EpochResult> fromHigh = new ArrayList<>();
        double high = irisTestAccuracy(Hypergradient.standardized(Optimizer.adam(1e-1), false), fromHigh);
        System.out.printf("iris test accuracy: adam lr 1e-2 %.4f, standardized from 1e-4 %.4f (rate -> %s), from 1e-1 %.4f (rate -> %s)%n",
                fixed, low, fromLow.get(fromLow.size() - 1).adaptedRates(), high, fromHigh.get(fromHigh.size() - 1).adaptedRates());
        assertThat(low).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        assertThat(high).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        double endLow = fromLow.get(fromLow.size() - 1).adaptedRates().get("lr");
        double endHigh = fromHigh.get(fromHigh.size() - 1).adaptedRates().get("lr");
        assertThat(Math.abs(Math.log(endHigh / endLow))).as("rates from 1e-4 and 1e-1: %s and %s", endLow, endHigh)
                .isLessThan(Math.log(5));
    }

    /**
     * A run of the standardised rule saved after some steps and restored into a new updater goes
     * on exactly as the original: the cosine's averages are part of the state.
     */
    @Test
    void theStandardizedRulesStateCarriesTheCosinesAverages() {
        Optimizer hd = Hypergradient.standardized(Optimizer.adam(1e-2), true);
        Sequential a = network();
        Workspace wa = batch(a);
        Optimizer.Updater ua = hd.newUpdater(a.parameters(), a.parameterLayers());
        for (int s = 0; s < 5; s++) {
            lossAndGradient(a, wa);
            ua.step(hd.learningRate());
        }
        Sequential b = network();
        setWeights(b, weights(a));
        Workspace wb = batch(b);
        Optimizer.Updater ub = hd.newUpdater(b.parameters(), b.parameterLayers());
        ub.restore(ua.state());
        for (int s = 0; s < 5; s++) {
            lossAndGradient(a, wa);
            ua.step(hd.learningRate());
            lossAndGradient(b, wb);
            ub.step(hd.learningRate());
        }
        double[] ra = ((Hypergradient.HdUpdater) ua).rates();
        double[] rb = ((Hypergradient.HdUpdater) ub).rates();
        assertThat(rb).hasSize(3);
        for (int k = 0; k < ra.length; k++) { // the state keeps rates and averages in float32
            assertThat(rb[k]).isCloseTo(ra[k], org.assertj.core.data.Offset.offset(1e-6 * ra[k]));
        }
        for (int q = 0; q < a.parameters().size(); q++) {
            float[] x = a.parameters().get(q).value().data();
            float[] y = b.parameters().get(q).value().data();
            for (int i = 0; i < x.length; i++) {
                assertThat((double) y[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        // three rates, then three averages of the cosine and three of its square
        assertThat(ua.state().buffers().get(ua.state().buffers().size() - 1)).hasSize(3 * 3);
    }

    /** The loss after step t replayed from {@code weights} and {@code state}, with group k's rate moved by {@code shift}. */
    private static double lossAfterReplay(Optimizer hd, Sequential m, Workspace w, List<float[]> weights,
                                          OptimizerState state, int k, double shift) {
        setWeights(m, weights);
        List<float[]> buffers = state.buffers();
        float[] rates = buffers.get(buffers.size() - 1);
        rates[k] += (float) shift;
        Optimizer.Updater replay = hd.newUpdater(m.parameters(), m.parameterLayers());
        replay.restore(new OptimizerState(state.kind(), state.steps(), buffers));
        lossAndGradient(m, w);
        replay.step(hd.learningRate());
        return lossAndGradient(m, w);
    }

    private static double irisTestAccuracy(Optimizer optimizer, List<EpochResult> epochsOut) {
        Dataset iris = Datasets.iris();
        Split split = Splits.canonical(iris);
        Dataset train = split.train(iris);
        FittedTransform scaler = Preprocessor.standard().fit(train);
        Dataset test = scaler.apply(split.test(iris));
        Sequential model = Sequential.builder().input(4).dense(32, Activation.RELU).dense(3).seed(1).build();
        History h = model.fit(scaler.apply(train), FitOptions.builder().epochs(40).batchSize(16).seed(1)
                .optimizer(optimizer).build());
        epochsOut.addAll(h.epochs());
        return model.evaluate(test).accuracy();
    }

    /**
     * Adam-HD started two orders of magnitude below and one above a good fixed rate ends within
     * 2 of 30 test examples of it, where Adam fixed at the low start stays clearly worse; the
     * rate's trajectory is in the history.
     */
    @Test
    void adamHdOnIrisFromATooSmallAndATooLargeRateMatchesAGoodFixedRate() {
        List<EpochResult> ignored = new ArrayList<>();
        double fixed = irisTestAccuracy(Optimizer.adam(1e-2), ignored);
        double fixedLow = irisTestAccuracy(Optimizer.adam(1e-4), ignored);
        List<EpochResult> fromLow = new ArrayList<>();
        double low = irisTestAccuracy(Optimizer.hypergradient(Optimizer.adam(1e-4), 1e-4, false), fromLow);
        List<EpochResult> fromHigh = new ArrayList<>();
        double high = irisTestAccuracy(Optimizer.hypergradient(Optimizer.adam(1e-1), 1e-4, false), fromHigh);
        System.out.printf("iris test accuracy: adam lr 1e-2 %.4f, adam lr 1e-4 %.4f, adam-hd from 1e-4 %.4f (rate %s -> %s),"
                        + " from 1e-1 %.4f (rate %s -> %s)%n", fixed, fixedLow, low, fromLow.get(0).adaptedRates(),
                fromLow.get(fromLow.size() - 1).adaptedRates(), high, fromHigh.get(0).adaptedRates(),
                fromHigh.get(fromHigh.size() - 1).adaptedRates());
        assertThat(fixed).isGreaterThanOrEqualTo(0.9);
        assertThat(low).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        assertThat(high).isGreaterThanOrEqualTo(fixed - 2 / 30.0 - 1e-9);
        assertThat(fixedLow).as("the low start alone is not enough").isLessThan(fixed - 2 / 30.0);
        // the trajectory: one adapted rate per epoch, reported as the epoch's learning rate, moved away from the start
        assertThat(fromLow).allSatisfy(e -> {
            assertThat(e.adaptedRates()).containsOnlyKeys("lr");
            assertThat((double) e.learningRate()).isCloseTo(e.adaptedRates().get("lr"), org.assertj.core.data.Offset.offset(1e-6));
        });
        assertThat(fromLow.get(fromLow.size() - 1).adaptedRates().get("lr")).isGreaterThan(1e-3);
    }

    @Test
    void aRatePerLayerIsKeptPerEpochUnderTheLayersNames() {
        List<EpochResult> epochs = new ArrayList<>();
        irisTestAccuracy(Optimizer.hypergradient(Optimizer.sgd(0.01, 0.9, true), 1e-3, true), epochs);
        // dense(32, RELU) is layers 0 (dense) and 1 (relu); dense(3) is layer 2
        assertThat(epochs).allSatisfy(e -> assertThat(e.adaptedRates()).containsOnlyKeys("lr_layer0", "lr_layer2"));
        EpochResult last = epochs.get(epochs.size() - 1);
        assertThat(last.adaptedRates().get("lr_layer0")).isNotEqualTo(last.adaptedRates().get("lr_layer2"));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1e-3, Double.NaN, Double.POSITIVE_INFINITY})
    void aBadHyperLearningRateIsRefusedWithItsValue(double beta) {
        assertThatThrownBy(() -> Optimizer.hypergradient(Optimizer.adam(1e-3), beta, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hyper learning rate (beta)")
                .hasMessageContaining("finite and > 0")
                .hasMessageEndingWith("got " + beta);
    }

    @Test
    void negativeWarmUpOrSettlingStepsAreRefused() {
        assertThatThrownBy(() -> new Hypergradient(Optimizer.adam(1e-3), 0.5, false, Hypergradient.Rule.MULTIPLICATIVE, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be >= 0, got -1 and 0");
    }

    @Test
    void anUnsupportedBaseIsRefused() {
        assertThatThrownBy(() -> Optimizer.hypergradient(Optimizer.rmsProp(1e-3), 1e-4, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of rmsprop");
    }

    /** A hypergradient optimiser as the base is refused for what it is, not for its inner optimiser. */
    @Test
    void aNestedHypergradientIsRefusedAsSuch() {
        Optimizer inner = Optimizer.hypergradient(Optimizer.adam(1e-3), 1e-4, false);
        assertThatThrownBy(() -> Optimizer.hypergradient(inner, 1e-4, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hypergradient descent cannot adapt the rate of another hypergradient optimiser"
                        + " (hypergradient(hypergradient(adam…))): wrap the base optimiser once, Optimizer.hypergradient(adam…)");
    }

    /**
     * A schedule scales the adapted rate's step: plain SGD-HD by the multiplicative rule, stepped at
     * a schedule's falling rates s_t from its base rate α₀ down to 0, moves the weights by
     * {@code α_t·(s_t/α₀)·g_t}, while α_t follows its hypergradient as without a schedule (with plain
     * SGD the direction is the gradient, which the schedule does not touch).
     */
    @Test
    void aScheduleScalesTheStepOfTheAdaptedRate() {
        double lr = 0.05;
        double beta = 0.3;
        float[] scheduled = {0.05f, 0.04f, 0.025f, 0.01f, 0f};
        Sequential m = network();
        Workspace w = batch(m);
        Optimizer hd = new Hypergradient(Optimizer.sgd(lr), beta, false, Hypergradient.Rule.MULTIPLICATIVE, 0, 0);
        Hypergradient.HdUpdater u = (Hypergradient.HdUpdater) hd.newUpdater(m.parameters(), m.parameterLayers());
        double alpha = (float) lr;
        List<float[]> previousGrad = null;
        for (float s : scheduled) {
            lossAndGradient(m, w);
            List<float[]> g = gradients(m);
            if (previousGrad != null) {
                alpha *= Math.exp(beta * cosine(g, previousGrad));
            }
            List<float[]> before = weights(m);
            u.step(s);
            assertThat(u.rates()[0]).as("rate at the schedule's %s", s).isCloseTo(alpha, org.assertj.core.data.Offset.offset(1e-12 + 1e-9 * alpha));
            assertSgdStep(m, before, g, alpha * s / (float) lr);
            previousGrad = g;
        }
        assertThat(alpha).as("the rate moved").isNotEqualTo((float) lr);
    }

    /**
     * The rate reported for a step is the rate the step used, α·(s_t/α₀) ramped in the warm-up
     * (t/W), while {@code baseRates} and {@code rates} keep α itself.
     */
    @Test
    void theReportedRateIsTheRateTheStepUsedWithTheWarmUpAndTheSchedule() {
        double lr = 0.05;
        float[] scheduled = {0.05f, 0.05f, 0.01f, 0.01f, 0.0005f, 0.0005f};
        int warmup = 4;
        Sequential m = network();
        Workspace w = batch(m);
        Optimizer hd = new Hypergradient(Optimizer.sgd(lr), 0.3, false, Hypergradient.Rule.MULTIPLICATIVE, warmup, 0);
        Hypergradient.HdUpdater u = (Hypergradient.HdUpdater) hd.newUpdater(m.parameters(), m.parameterLayers());
        for (int t = 1; t <= scheduled.length; t++) {
            lossAndGradient(m, w);
            List<float[]> g = gradients(m);
            List<float[]> before = weights(m);
            u.step(scheduled[t - 1]);
            double alpha = u.rates()[0];
            double used = alpha * Math.min(1.0, (double) t / warmup) * scheduled[t - 1] / (float) lr;
            assertSgdStep(m, before, g, used);
            assertThat(u.adaptedRates()).as("step %d", t).containsOnlyKeys("lr");
            assertThat(u.adaptedRates().get("lr")).as("step %d", t).isCloseTo(used, org.assertj.core.data.Offset.offset(1e-7 * used)); // the schedule's ratio is float
            assertThat(u.baseRates()).as("step %d", t).containsExactly(java.util.Map.entry("lr_base", alpha));
        }
    }

    /**
     * With a step schedule (the rate times 0.01 every epoch) and a β so small that α hardly moves,
     * an epoch reports the rate its last batch used, α·0.01^(epoch−1), as {@code learningRate} and
     * {@code lr}, and α as {@code lr_base}; per layer likewise; without a schedule there is no
     * {@code lr_base}. (The reported rate once stayed α: 1e-2 while training stepped at 1e-6.)
     */
    @Test
    void withAStepScheduleAnEpochReportsTheRateItsLastBatchUsedAndTheAdaptedRateAsBase() {
        FitOptions.Builder options = FitOptions.builder().epochs(3).batchSize(16).seed(1);
        Sequential m = Sequential.builder().input(4).dense(8, Activation.TANH).dense(3).seed(3).build();
        List<EpochResult> epochs = m.fit(Datasets.iris(), options.optimizer(Optimizer.hypergradient(Optimizer.adam(1e-2), 1e-6, false))
                .schedule(LearningRateSchedule.step(1, 0.01)).build()).epochs();
        for (EpochResult e : epochs) {
            double base = e.adaptedRates().get("lr_base");
            double used = base * Math.pow(0.01, e.epoch() - 1);
            assertThat(base).as("epoch %d", e.epoch()).isCloseTo(1e-2, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(e.adaptedRates()).containsOnlyKeys("lr", "lr_base");
            assertThat(e.adaptedRates().get("lr")).as("epoch %d", e.epoch()).isCloseTo(used, org.assertj.core.data.Offset.offset(1e-6 * used));
            assertThat((double) e.learningRate()).as("epoch %d", e.epoch()).isCloseTo(used, org.assertj.core.data.Offset.offset(1e-6 * used));
        }
        assertThat(epochs.get(2).learningRate()).isLessThan(2e-6f);

        List<EpochResult> perLayer = Sequential.builder().input(4).dense(8, Activation.TANH).dense(3).seed(3).build()
                .fit(Datasets.iris(), options.optimizer(Optimizer.hypergradient(Optimizer.adam(1e-2), 1e-6, true))
                        .schedule(LearningRateSchedule.step(1, 0.01)).build()).epochs();
        EpochResult last = perLayer.get(2);
        assertThat(last.adaptedRates()).containsOnlyKeys("lr_layer0", "lr_layer2", "lr_layer0_base", "lr_layer2_base");
        assertThat(last.adaptedRates().get("lr_layer2")).isCloseTo(last.adaptedRates().get("lr_layer2_base") * 1e-4,
                org.assertj.core.data.Offset.offset(1e-10));

        List<EpochResult> constant = Sequential.builder().input(4).dense(8, Activation.TANH).dense(3).seed(3).build()
                .fit(Datasets.iris(), options.optimizer(Optimizer.hypergradient(Optimizer.adam(1e-2), 1e-6, false))
                        .schedule(LearningRateSchedule.constant()).build()).epochs();
        assertThat(constant).allSatisfy(e -> {
            assertThat(e.adaptedRates()).containsOnlyKeys("lr");
            assertThat((double) e.learningRate()).isCloseTo(e.adaptedRates().get("lr"), org.assertj.core.data.Offset.offset(1e-9));
        });
    }

    /** Training takes any schedule with hypergradient descent (it once refused all but the constant one). */
    @Test
    void trainingTakesACosineScheduleWithHypergradientDescent() {
        Sequential m = Sequential.builder().input(4).dense(8, Activation.TANH).dense(3).seed(3).build();
        Optimizer hd = Hypergradient.standardized(Optimizer.adam(1e-2), false);
        var history = m.fit(Datasets.iris(), FitOptions.builder().epochs(4).batchSize(16).seed(1).optimizer(hd)
                .schedule(LearningRateSchedule.cosine(0, 0)).build());
        assertThat(history.epochs()).hasSize(4).allSatisfy(e -> assertThat(e.trainingLoss()).isFinite());
        assertThat(history.epochs().get(3).adaptedRates().get("lr")).isNotEqualTo((double) 1e-2f);
    }
}
