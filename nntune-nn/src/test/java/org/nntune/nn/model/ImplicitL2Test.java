package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Param;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.ImplicitL2;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.tensor.Rng;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * L2 tuned by implicit differentiation: the finite-difference Hessian-vector products against
 * exact Hessians, the Neumann series against the exact inverse, the implicit hypergradient of
 * ridge regression against its closed form, training, and the settings it refuses.
 */
class ImplicitL2Test {

    private static final int D = 4;
    private static final int N = 64;
    private static final int NV = 32;
    /** The optimiser the steppers built here count their Neumann terms for (Adam: {@link ImplicitL2#DEFAULT_TERMS} unless set). */
    private static final Optimizer ADAM = Optimizer.adam(1e-3);

    /** Ridge regression data: rows of D gaussian features, y = x·β + 0.3 + noise. */
    private static final class Ridge {
        final double[][] x;
        final double[] y;
        final double[][] xv;
        final double[] yv;

        Ridge(long seed) {
            Rng r = new Rng(seed);
            double[] beta = {1.5, -2.0, 0.7, 0.2};
            x = new double[N][D];
            y = new double[N];
            xv = new double[NV][D];
            yv = new double[NV];
            fill(r, x, y, beta);
            fill(r, xv, yv, beta);
        }

        private static void fill(Rng r, double[][] x, double[] y, double[] beta) {
            for (int i = 0; i < x.length; i++) {
                double t = 0.3;
                for (int j = 0; j < D; j++) {
                    x[i][j] = (float) r.nextGaussian();
                    t += beta[j] * x[i][j];
                }
                y[i] = (float) (t + 0.5 * r.nextGaussian());
            }
        }

        /** The Hessian of (1/n)·Σ(x·w + b − y)² + ½·c·‖w‖² in (w, b), (D+1)². */
        double[][] hessian(double c) {
            double[][] h = new double[D + 1][D + 1];
            for (double[] row : x) {
                double[] z = augmented(row);
                for (int a = 0; a <= D; a++) {
                    for (int b = 0; b <= D; b++) {
                        h[a][b] += 2.0 / N * z[a] * z[b];
                    }
                }
            }
            for (int a = 0; a < D; a++) {
                h[a][a] += c;
            }
            return h;
        }

        /** The minimiser (w, b) of the training loss with decay c. */
        double[] optimum(double c) {
            double[] rhs = new double[D + 1];
            for (int i = 0; i < N; i++) {
                double[] z = augmented(x[i]);
                for (int a = 0; a <= D; a++) {
                    rhs[a] += 2.0 / N * z[a] * y[i];
                }
            }
            return solve(hessian(c), rhs);
        }

        /** The gradient of the validation loss (1/nv)·Σ(x·w + b − y)² at (w, b). */
        double[] validationGradient(double[] wb) {
            double[] g = new double[D + 1];
            for (int i = 0; i < NV; i++) {
                double[] z = augmented(xv[i]);
                double e = dotv(z, wb) - yv[i];
                for (int a = 0; a <= D; a++) {
                    g[a] += 2.0 / NV * e * z[a];
                }
            }
            return g;
        }

        double validationLoss(double[] wb) {
            double s = 0;
            for (int i = 0; i < NV; i++) {
                double e = dotv(augmented(xv[i]), wb) - yv[i];
                s += e * e;
            }
            return s / NV;
        }

        /** d L_V(w*(c)) / d log c, in closed form: −∇L_V · H⁻¹ · (c·w, 0). */
        double hypergradient(double c) {
            double[] wb = optimum(c);
            double[] mixed = new double[D + 1];
            for (int a = 0; a < D; a++) {
                mixed[a] = c * wb[a];
            }
            return -dotv(validationGradient(wb), solve(hessian(c), mixed));
        }

        private static double[] augmented(double[] row) {
            double[] z = new double[D + 1];
            System.arraycopy(row, 0, z, 0, D);
            z[D] = 1;
            return z;
        }

        Sequential model() {
            return Sequential.builder().input(D).dense(1).loss(Loss.mse()).seed(3).build();
        }

        Workspace workspace(Sequential m, double[][] rows, double[] targets) {
            Workspace w = m.workspace(rows.length, 1, true);
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < D; j++) {
                    w.acts[0][i * D + j] = (float) rows[i][j];
                }
                w.values[i] = (float) targets[i];
            }
            return w;
        }

        Dataset validationSet() {
            float[] f = new float[NV * D];
            float[] t = new float[NV];
            for (int i = 0; i < NV; i++) {
                for (int j = 0; j < D; j++) {
                    f[i * D + j] = (float) xv[i][j];
                }
                t[i] = (float) yv[i];
            }
            return Dataset.regression("ridge-validation", f, new int[] {D}, t, 1, List.of());
        }
    }

    private static ImplicitL2Stepper stepper(Sequential m, Ridge r, ImplicitL2 settings) {
        return new ImplicitL2Stepper(m, settings, ADAM, r.validationSet(), NV, 0);
    }

    private static void setWeights(Sequential m, double[] wb) {
        List<Param> p = m.parameters();
        float[] w = p.get(0).value().data();
        for (int a = 0; a < D; a++) {
            w[a] = (float) wb[a];
        }
        p.get(1).value().data()[0] = (float) wb[D];
    }

    private static double[][] asParams(double[] wb) {
        double[] w = new double[D];
        System.arraycopy(wb, 0, w, 0, D);
        return new double[][] {w, {wb[D]}};
    }

    private static double[] flat(double[][] v) {
        double[] f = new double[D + 1];
        System.arraycopy(v[0], 0, f, 0, D);
        f[D] = v[1][0];
        return f;
    }

    /**
     * The choice of finite differences of gradients over a double backward, justified: on ridge
     * regression, whose Hessian is exact and constant, the difference is exact but for float32
     * rounding (1e-4 relative); on softmax regression, whose Hessian varies, the truncation error
     * is small too (1e-3 relative), at several points and directions.
     */
    @Test
    void finiteDifferenceHessianVectorProductsMatchExactHessians() {
        Ridge r = new Ridge(1);
        Sequential m = r.model();
        double c = 0.05;
        ImplicitL2Stepper s = stepper(m, r, ImplicitL2.defaults().withPerLayer(false).withInitial(c));
        Workspace train = r.workspace(m, r.x, r.y);
        double[][] h = r.hessian(c);
        Rng rng = new Rng(5);
        for (int trial = 0; trial < 5; trial++) {
            double[] wb = new double[D + 1];
            double[] v = new double[D + 1];
            for (int a = 0; a <= D; a++) {
                wb[a] = rng.nextGaussian();
                v[a] = rng.nextGaussian();
            }
            setWeights(m, wb);
            double[] got = flat(s.hvp(train, N, asParams(v)));
            double[] exact = matvec(h, v);
            assertThat(relativeError(got, exact)).as("ridge Hv, point %d", trial).isLessThan(1e-4);
        }

        // softmax regression: Hv = Σ_rows x ⊗ (diag(p) − ppᵀ)(x·V + v_b) / n
        int k = 3;
        Sequential soft = Sequential.builder().input(D).dense(k).seed(4).build();
        Workspace w = soft.workspace(N, 0, true);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                w.acts[0][i * D + j] = (float) r.x[i][j];
            }
            w.labels[i] = rng.nextInt(k);
        }
        ImplicitL2Stepper ss = new ImplicitL2Stepper(soft, ImplicitL2.defaults().withPerLayer(false).withInitial(c), ADAM,
                classificationSet(k), NV, 0);
        for (int trial = 0; trial < 5; trial++) {
            float[] wv = soft.parameters().get(0).value().data();
            float[] bv = soft.parameters().get(1).value().data();
            for (int i = 0; i < wv.length; i++) {
                wv[i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < bv.length; i++) {
                bv[i] = (float) (0.5 * rng.nextGaussian());
            }
            double[][] v = {new double[D * k], new double[k]};
            for (double[] part : v) {
                for (int i = 0; i < part.length; i++) {
                    part[i] = rng.nextGaussian();
                }
            }
            double[][] got = ss.hvp(w, N, v);
            double[][] exact = softmaxHvp(r.x, wv, bv, k, v, c);
            double[] g = concat(got);
            double[] e = concat(exact);
            assertThat(relativeError(g, e)).as("softmax regression Hv, point %d", trial).isLessThan(1e-3);
        }
    }

    private static Dataset classificationSet(int k) {
        float[] f = new float[NV * D];
        int[] labels = new int[NV];
        for (int i = 0; i < NV; i++) {
            labels[i] = i % k;
        }
        return Dataset.classification("soft-validation", f, new int[] {D}, labels, List.of(), List.of("a", "b", "c"));
    }

    private static double[][] softmaxHvp(double[][] x, float[] w, float[] b, int k, double[][] v, double c) {
        double[] hw = new double[D * k];
        double[] hb = new double[k];
        for (double[] row : x) {
            double[] z = new double[k];
            double[] dz = new double[k];
            for (int j = 0; j < k; j++) {
                z[j] = b[j];
                dz[j] = v[1][j];
                for (int a = 0; a < D; a++) {
                    z[j] += row[a] * w[a * k + j];
                    dz[j] += row[a] * v[0][a * k + j];
                }
            }
            double max = java.util.Arrays.stream(z).max().orElseThrow();
            double sum = 0;
            double[] p = new double[k];
            for (int j = 0; j < k; j++) {
                p[j] = Math.exp(z[j] - max);
                sum += p[j];
            }
            double pdz = 0;
            for (int j = 0; j < k; j++) {
                p[j] /= sum;
                pdz += p[j] * dz[j];
            }
            for (int j = 0; j < k; j++) {
                double gz = p[j] * (dz[j] - pdz) / x.length;
                hb[j] += gz;
                for (int a = 0; a < D; a++) {
                    hw[a * k + j] += row[a] * gz;
                }
            }
        }
        for (int i = 0; i < hw.length; i++) {
            hw[i] += c * v[0][i];
        }
        return new double[][] {hw, hb};
    }

    /**
     * The truncated Neumann series α·Σ_{j≤K}(I − αH)^j·v converges to H⁻¹v on ridge regression
     * (a quadratic): its error shrinks as K doubles, and is below 5e-5 relative at K = 400 (the
     * floor float32 gradients leave), with α the inverse of the largest eigenvalue.
     */
    @Test
    void neumannSeriesConvergesToTheExactInverse() {
        Ridge r = new Ridge(2);
        Sequential m = r.model();
        double c = 0.1;
        ImplicitL2Stepper s = stepper(m, r, ImplicitL2.defaults().withPerLayer(false).withInitial(c));
        Workspace train = r.workspace(m, r.x, r.y);
        setWeights(m, r.optimum(c));
        double[] v = {0.3, -1.0, 0.8, 0.1, 0.5};
        double[] exact = solve(r.hessian(c), v);
        double alpha = 1 / largestEigenvalue(r.hessian(c));
        double previous = Double.POSITIVE_INFINITY;
        for (int terms : new int[] {0, 1, 2, 4, 8, 16}) {
            double err = relativeError(flat(s.inverseHvp(train, N, asParams(v), terms, alpha)), exact);
            assertThat(err).as("error with %d terms", terms).isLessThan(previous);
            previous = err;
        }
        // from there on the float32 gradients' rounding is the floor
        assertThat(relativeError(flat(s.inverseHvp(train, N, asParams(v), 400, alpha)), exact)).isLessThan(5e-5);
    }

    /**
     * The implicit hypergradient of ridge regression at its optimum equals the closed form
     * {@code −∇L_V·H⁻¹·(c·w, 0)} (itself checked against a finite difference of the validation
     * loss of the exact optimum in log c) to 1e-4 relative, for several decays; the scale comes
     * from the stepper's own power iteration.
     */
    @Test
    void implicitHypergradientOfRidgeRegressionMatchesTheClosedForm() {
        Ridge r = new Ridge(3);
        for (double c : new double[] {0.01, 0.1, 1.0}) {
            double closed = r.hypergradient(c);
            double h = 1e-4;
            double fd = (r.validationLoss(r.optimum(c * Math.exp(h))) - r.validationLoss(r.optimum(c * Math.exp(-h)))) / (2 * h);
            assertThat(closed).as("closed form against the derivative of L_V(w*(c)) at c = %s", c)
                    .isCloseTo(fd, org.assertj.core.data.Percentage.withPercentage(1e-3));

            Sequential m = r.model();
            ImplicitL2Stepper s = stepper(m, r, ImplicitL2.defaults().withPerLayer(false).withInitial(c).withNeumannTerms(400));
            setWeights(m, r.optimum(c));
            Workspace train = r.workspace(m, r.x, r.y);
            Workspace val = r.workspace(m, r.xv, r.yv);
            double got = s.hypergradient(train, N, val, NV)[0];
            assertThat(Math.abs(got - closed) / Math.abs(closed)).as("implicit hypergradient at c = %s: %s vs %s", c, got, closed)
                    .isLessThan(1e-4);
        }
    }

    private static Dataset[] irisParts() {
        Dataset iris = Datasets.iris();
        Split split = Splits.canonical(iris);
        FittedTransform scaler = Preprocessor.standard().fit(split.train(iris));
        return new Dataset[] {scaler.apply(split.train(iris)), scaler.apply(split.test(iris))};
    }

    /**
     * Training with per-layer implicit L2 on iris: every epoch records both layers' decays, they
     * move away from the start, and the network still learns iris (test accuracy ≥ 0.9).
     */
    @Test
    void perLayerImplicitL2TrainsIrisAndRecordsTheDecays() {
        Dataset[] parts = irisParts();
        Sequential model = Sequential.builder().input(4).dense(32, Activation.RELU).dense(3).seed(1).build();
        History h = model.fit(parts[0], FitOptions.builder().epochs(40).batchSize(16).seed(1).validationFraction(0.2)
                .optimizer(Optimizer.adam(1e-2)).implicitL2(ImplicitL2.defaults().withPeriod(2)).build());
        assertThat(h.epochs()).hasSize(40);
        for (EpochResult e : h.epochs()) {
            assertThat(e.adaptedRates()).containsOnlyKeys("l2_layer0", "l2_layer2");
        }
        Map<String, Double> last = h.epochs().get(39).adaptedRates();
        assertThat(last.values()).allSatisfy(v -> assertThat(Math.abs(Math.log(v / ImplicitL2.DEFAULT_INITIAL))).isGreaterThan(0.1));
        assertThat(model.evaluate(parts[1]).accuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(model.provenance().hyperparameters()).containsEntry("l2_adapt", "implicit");
    }

    /**
     * With target scaling, the validation batches' targets are scaled as the training batches' are: a regression on
     * targets 1e4 + 1e3·y (scaled inside the model) adapts its L2 as the same regression on y does, where unscaled
     * validation targets of about 1e4 against outputs of about 1 would drive the L2 far off.
     */
    @Test
    void validationTargetsAreScaledAsTrainingTargetsAre() {
        Rng r = new Rng(4);
        int n = 120;
        float[] x = new float[n * D];
        float[] y = new float[n];
        float[] big = new float[n];
        for (int i = 0; i < n; i++) {
            double t = 0.3;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) r.nextGaussian();
                t += (j + 1) * 0.5 * x[i * D + j];
            }
            y[i] = (float) (t + 0.3 * r.nextGaussian());
            big[i] = 1e4f + 1e3f * y[i];
        }
        double[] adapted = new double[2];
        float[][] targets = {y, big};
        for (int k = 0; k < 2; k++) {
            Dataset d = Dataset.regression("ridge", x.clone(), new int[] {D}, targets[k], 1, List.of());
            Sequential m = Sequential.builder().input(D).dense(8, Activation.TANH).dense(1).loss(Loss.mse())
                    .targetScaling(org.nntune.nn.data.StandardScaler.fitTargets(d)).seed(3).build();
            History h = m.fit(d, FitOptions.builder().epochs(10).batchSize(16).seed(2).validationFraction(0.25)
                    .optimizer(Optimizer.adam(1e-2)).implicitL2(ImplicitL2.defaults().withPerLayer(false).withPeriod(2)).build());
            adapted[k] = h.epochs().get(9).adaptedRates().get("l2");
        }
        assertThat(Math.abs(Math.log(adapted[0] / ImplicitL2.DEFAULT_INITIAL))).as("the L2 moved").isGreaterThan(0.01);
        assertThat(adapted[1]).as("L2 adapted on targets 1e4 + 1e3·y (on y: %s)", adapted[0])
                .isCloseTo(adapted[0], org.assertj.core.data.Percentage.withPercentage(5));
    }

    /**
     * Unless set, the Neumann series has {@link ImplicitL2#DEFAULT_TERMS_SGD} terms under SGD (also
     * under its hypergradient rate) and {@link ImplicitL2#DEFAULT_TERMS} under the optimisers that
     * divide by second moments; the trainer uses that number (an SGD run with the defaults is the
     * same run, weight for weight, as one set to 10 terms, and not the same as one set to 5), and
     * the run's provenance records it.
     */
    @Test
    void theNeumannTermsDefaultByTheOptimiser() {
        Optimizer sgd = Optimizer.sgd(0.05, 0.9, false);
        assertThat(ImplicitL2.defaults().neumannTerms()).isEmpty();
        assertThat(ImplicitL2.defaults().neumannTermsFor(sgd)).isEqualTo(10);
        assertThat(ImplicitL2.defaults().neumannTermsFor(Optimizer.hypergradient(sgd, 1e-4, false))).isEqualTo(10);
        assertThat(ImplicitL2.defaults().neumannTermsFor(Optimizer.adam(1e-3))).isEqualTo(5);
        assertThat(ImplicitL2.defaults().neumannTermsFor(Optimizer.hypergradient(Optimizer.adam(1e-3), 1e-4, false))).isEqualTo(5);
        assertThat(ImplicitL2.defaults().withNeumannTerms(7).neumannTermsFor(sgd)).isEqualTo(7);

        Dataset[] parts = irisParts();
        java.util.function.Function<ImplicitL2, Sequential> train = settings -> {
            Sequential m = Sequential.builder().input(4).dense(16, Activation.RELU).dense(3).seed(3).build();
            m.fit(parts[0], FitOptions.builder().epochs(5).batchSize(16).seed(3).validationFraction(0.2).optimizer(sgd)
                    .implicitL2(settings.withPeriod(2)).build());
            return m;
        };
        Sequential byDefault = train.apply(ImplicitL2.defaults());
        Sequential ten = train.apply(ImplicitL2.defaults().withNeumannTerms(10));
        Sequential five = train.apply(ImplicitL2.defaults().withNeumannTerms(5));
        assertThat(byDefault.parameters().get(0).value().data()).containsExactly(ten.parameters().get(0).value().data());
        assertThat(byDefault.parameters().get(0).value().data()).isNotEqualTo(five.parameters().get(0).value().data());
        assertThat(byDefault.provenance().hyperparameters()).containsEntry("neumann_terms", "10");
        assertThat(FitOptions.builder().validationFraction(0.2).optimizer(Optimizer.adam(1e-3)).implicitL2(ImplicitL2.defaults())
                .build().hyperparameters()).containsEntry("neumann_terms", "5");
    }

    /**
     * The optimiser state a run hands out carries the decays (kind {@code adam+implicit-l2}), so a
     * run that restores it — a checkpoint, population-based training's copy of a member, which
     * trains one epoch per run — continues from the decays reached instead of the start: the next
     * run's first epoch ends near them, not near the start. A run without implicit L2 restores the
     * optimiser's part only.
     */
    @Test
    void theDecaysTravelWithTheOptimiserStateIntoTheNextRun() {
        Dataset[] parts = irisParts();
        Sequential model = Sequential.builder().input(4).dense(32, Activation.RELU).dense(3).seed(1).build();
        // the plain validation loss, whose pull on the decays is steady here, so that they travel far from the start
        ImplicitL2 settings = ImplicitL2.defaults().withPeriod(1).withHyperLearningRate(0.3).withCalibrated(false);
        org.nntune.nn.optim.OptimizerState[] saved = new org.nntune.nn.optim.OptimizerState[1];
        TrainingListener save = new TrainingListener() {
            @Override
            public void onTrainEnd(TrainingControl control, History history) {
                saved[0] = control.optimizerState();
            }
        };
        History first = model.fit(parts[0], FitOptions.builder().epochs(10).batchSize(16).seed(1).validationFraction(0.2)
                .optimizer(Optimizer.adam(1e-2)).implicitL2(settings).listener(save).build());
        Map<String, Double> reached = first.epochs().get(9).adaptedRates();
        assertThat(saved[0].kind()).isEqualTo("adam+implicit-l2");
        assertThat(reached.values()).allSatisfy(v -> assertThat(Math.abs(Math.log(v / ImplicitL2.DEFAULT_INITIAL))).isGreaterThan(0.5));
        org.nntune.nn.optim.OptimizerState[] roundTrip = new org.nntune.nn.optim.OptimizerState[1];
        TrainingListener restore = new TrainingListener() {
            @Override
            public void onTrainStart(TrainingControl control) {
                control.restoreOptimizerState(saved[0]);
                roundTrip[0] = control.optimizerState();
            }
        };
        History next = model.fit(parts[0], FitOptions.builder().epochs(1).batchSize(16).seed(2).validationFraction(0.2)
                .optimizer(Optimizer.adam(1e-2)).implicitL2(settings.withHyperLearningRate(0.01)).listener(restore).build());
        assertThat(roundTrip[0].steps()).isEqualTo(saved[0].steps());
        for (int b = 0; b < saved[0].buffers().size(); b++) {
            assertThat(roundTrip[0].buffers().get(b)).isEqualTo(saved[0].buffers().get(b));
        }
        Map<String, Double> after = next.epochs().get(0).adaptedRates();
        for (String name : reached.keySet()) {
            // one epoch of 6 hyper-steps of at most 0.01 each in log-decay from where the first run ended
            assertThat(Math.abs(Math.log(after.get(name) / reached.get(name)))).as(name).isLessThan(0.1);
        }
        // the optimiser's part alone goes into a run without implicit L2
        model.fit(parts[0], FitOptions.builder().epochs(1).batchSize(16).seed(2).optimizer(Optimizer.adam(1e-2))
                .listener(new TrainingListener() {
                    @Override
                    public void onTrainStart(TrainingControl control) {
                        control.restoreOptimizerState(saved[0]);
                        assertThat(control.optimizerState().kind()).isEqualTo("adam");
                    }
                }).build());
    }

    /** A hyper-step so large that the decay overflows stops training with a message that says what and what to do. */
    @Test
    void aDivergingHyperStepStopsTrainingWithTheReason() {
        Dataset[] parts = irisParts();
        Sequential model = Sequential.builder().input(4).dense(8, Activation.RELU).dense(3).seed(1).build();
        assertThatThrownBy(() -> model.fit(parts[0], FitOptions.builder().epochs(5).batchSize(16).validationFraction(0.2)
                .implicitL2(ImplicitL2.defaults().withHyperLearningRate(1e6).withPeriod(1)).build()))
                .isInstanceOf(HyperStepDivergenceException.class)
                .hasMessageContaining("implicit L2 hyper-step diverged at epoch 1, batch 1")
                .hasMessageContaining("lower hyper learning rate");
    }

    /**
     * The calibrated hyper-objective is the validation cross-entropy at its best temperature,
     * {@code F(w) = min_s L(s·z(w))}, on an overconfident softmax regression (logits of scale ~8):
     * the inverse temperature the stepper finds minimises L to 1e-6 (checked in double on both
     * sides of it), its gradient equals a central difference of F along random directions (F computed
     * here in double, s minimised afresh at each point), and, since F does not change when the
     * weights and biases are scaled together, the gradient has no component along (W, b); the
     * plain loss's gradient has a large one (the objective's pull towards smaller weights that this
     * setting removes). With {@code calibrated = false} the gradient is the plain loss's.
     */
    @Test
    void theCalibratedObjectiveIsTheValidationLossAtItsBestTemperature() {
        int k = 3;
        int n = NV;
        Rng rng = new Rng(11);
        Sequential soft = Sequential.builder().input(D).dense(k).seed(4).build();
        Workspace w = soft.workspace(n, 0, true);
        double[][] x = new double[n][D];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                x[i][j] = (float) rng.nextGaussian();
                w.acts[0][i * D + j] = (float) x[i][j];
            }
        }
        float[] wv = soft.parameters().get(0).value().data();
        float[] bv = soft.parameters().get(1).value().data();
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) (4 * rng.nextGaussian());
        }
        for (int i = 0; i < bv.length; i++) {
            bv[i] = (float) rng.nextGaussian();
        }
        double[] w0 = new double[D * k + k];
        for (int i = 0; i < wv.length; i++) {
            w0[i] = wv[i];
        }
        for (int i = 0; i < k; i++) {
            w0[D * k + i] = bv[i];
        }
        // labels drawn from the softmax of the logits at a quarter of their scale: the network is overconfident
        for (int i = 0; i < n; i++) {
            double[] p = new double[k];
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double z = w0[D * k + j];
                for (int a = 0; a < D; a++) {
                    z += x[i][a] * w0[a * k + j];
                }
                p[j] = Math.exp(z / 4);
                sum += p[j];
            }
            double u = rng.nextDouble() * sum;
            int label = 0;
            while (label < k - 1 && (u -= p[label]) > 0) {
                label++;
            }
            y[i] = label;
            w.labels[i] = label;
        }
        ImplicitL2Stepper s = new ImplicitL2Stepper(soft, ImplicitL2.defaults(), ADAM, classificationSet(k), n, 0);
        s.validationGradient(w, n);
        double[] g = gradientOf(soft);
        double found = s.lastInverseTemperature();
        assertThat(found).as("the logits are overconfident").isBetween(0.05, 0.7);
        double at = softmaxLoss(x, y, w0, k, found);
        assertThat(softmaxLoss(x, y, w0, k, found * 1.01)).isGreaterThan(at - 1e-6);
        assertThat(softmaxLoss(x, y, w0, k, found / 1.01)).isGreaterThan(at - 1e-6);

        for (int trial = 0; trial < 3; trial++) {
            double[] v = new double[w0.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextGaussian();
            }
            double eps = 1e-4;
            double fd = (calibratedLoss(x, y, axpy(eps, v, w0), k) - calibratedLoss(x, y, axpy(-eps, v, w0), k)) / (2 * eps);
            assertThat(dotv(g, v)).as("direction %d", trial).isCloseTo(fd, org.assertj.core.data.Offset.offset(2e-3 * Math.abs(fd) + 1e-5));
        }
        double norms = Math.sqrt(dotv(g, g) * dotv(w0, w0));
        assertThat(Math.abs(dotv(g, w0)) / norms).as("calibrated: along the weights' scale").isLessThan(1e-4);

        ImplicitL2Stepper plain = new ImplicitL2Stepper(soft, ImplicitL2.defaults().withCalibrated(false), ADAM, classificationSet(k), n, 0);
        plain.validationGradient(w, n);
        double[] gp = gradientOf(soft);
        assertThat(dotv(gp, w0) / Math.sqrt(dotv(gp, gp) * dotv(w0, w0))).as("plain loss: along the weights' scale")
                .isGreaterThan(0.3);
        assertThat(plain.lastInverseTemperature()).isEqualTo(1.0);
        plain.dataGradient(w, n);
        assertThat(gradientOf(soft)).containsExactly(gp);
    }

    private static double[] gradientOf(Sequential m) {
        float[] gw = m.parameters().get(0).grad().data();
        float[] gb = m.parameters().get(1).grad().data();
        double[] g = new double[gw.length + gb.length];
        for (int i = 0; i < gw.length; i++) {
            g[i] = gw[i];
        }
        for (int i = 0; i < gb.length; i++) {
            g[gw.length + i] = gb[i];
        }
        return g;
    }

    private static double[] axpy(double a, double[] x, double[] y) {
        double[] r = y.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += a * x[i];
        }
        return r;
    }

    /** The mean cross-entropy of softmax regression (weights D×k row-major, then k biases) at inverse temperature s, in double. */
    private static double softmaxLoss(double[][] x, int[] y, double[] wb, int k, double s) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double[] z = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                z[j] = wb[D * k + j];
                for (int a = 0; a < D; a++) {
                    z[j] += x[i][a] * wb[a * k + j];
                }
                z[j] *= s;
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[j] - max);
            }
            total += max + Math.log(sum) - z[y[i]];
        }
        return total / x.length;
    }

    /** min over s of {@link #softmaxLoss}, by Newton's method on s (the loss is convex in s), derivatives by central differences. */
    private static double calibratedLoss(double[][] x, int[] y, double[] wb, int k) {
        double s = 0.3;
        for (int it = 0; it < 50; it++) {
            double h = 1e-4 * s;
            double f0 = softmaxLoss(x, y, wb, k, s);
            double fp = softmaxLoss(x, y, wb, k, s + h);
            double fm = softmaxLoss(x, y, wb, k, s - h);
            double d1 = (fp - fm) / (2 * h);
            double d2 = (fp - 2 * f0 + fm) / (h * h);
            double next = s - d1 / d2;
            if (!(next > 0)) {
                next = s / 2;
            }
            if (Math.abs(next - s) < 1e-12) {
                break;
            }
            s = next;
        }
        return softmaxLoss(x, y, wb, k, s);
    }

    @Test
    void badSettingsAreRefusedWithClearMessages() {
        assertThatThrownBy(() -> ImplicitL2.defaults().withInitial(-1e-4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial L2 (l2) of implicit L2 must be finite and > 0, got -1.0E-4");
        assertThatThrownBy(() -> ImplicitL2.defaults().withHyperLearningRate(Double.NaN)).hasMessageContaining("hyper learning rate")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> ImplicitL2.defaults().withPeriod(0)).hasMessageContaining("training steps per hyper-step");
        assertThatThrownBy(() -> ImplicitL2.defaults().withNeumannTerms(-1)).hasMessageContaining("Neumann terms");
        assertThatThrownBy(() -> ImplicitL2.defaults().withNeumannScale(Double.POSITIVE_INFINITY))
                .hasMessageContaining("Neumann scale");
        assertThatThrownBy(() -> FitOptions.builder().implicitL2(ImplicitL2.defaults()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("implicit L2 tunes the L2 on a validation split, but none is set");
        assertThatThrownBy(() -> FitOptions.builder().validationFraction(0.1).l2(1e-3).implicitL2(ImplicitL2.defaults()).build())
                .hasMessageContaining("do not set l2");
        assertThat(ImplicitL2.defaults().neumannScale()).isEqualTo(OptionalDouble.empty());
    }

    // ---------------------------------------------------------------- small dense linear algebra, in double

    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int i = col + 1; i < n; i++) {
                if (Math.abs(m[i][col]) > Math.abs(m[pivot][col])) {
                    pivot = i;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int i = 0; i < n; i++) {
                if (i != col) {
                    double f = m[i][col] / m[col][col];
                    for (int j = col; j <= n; j++) {
                        m[i][j] -= f * m[col][j];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = m[i][n] / m[i][i];
        }
        return x;
    }

    private static double largestEigenvalue(double[][] h) {
        double[] v = new double[h.length];
        java.util.Arrays.fill(v, 1);
        double lambda = 0;
        for (int it = 0; it < 500; it++) {
            double[] hv = matvec(h, v);
            lambda = Math.sqrt(dotv(hv, hv));
            for (int i = 0; i < v.length; i++) {
                v[i] = hv[i] / lambda;
            }
        }
        return lambda;
    }

    private static double[] matvec(double[][] h, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = dotv(h[i], v);
        }
        return out;
    }

    static double dotv(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] concat(double[][] parts) {
        return java.util.Arrays.stream(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double relativeError(double[] got, double[] exact) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < got.length; i++) {
            diff += (got[i] - exact[i]) * (got[i] - exact[i]);
            norm += exact[i] * exact[i];
        }
        return Math.sqrt(diff / norm);
    }
}
