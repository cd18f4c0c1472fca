package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.loss.Targets;
import org.nntune.nn.optim.ImplicitL2;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.OptimizerState;
import org.nntune.nn.tensor.Rng;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training-time machinery of {@link ImplicitL2}: the per-layer decays {@code exp(λ_l)}, their
 * penalty on every training step, and the hyper-step that moves the λ by their implicit
 * hypergradient on a validation batch.
 *
 * <p>Hessian-vector products are central differences of gradients,
 * {@code Hv ≈ (∇L(w + εv) − ∇L(w − εv)) / 2ε} for the data loss, plus the penalty's exact
 * {@code exp(λ_l)·v_l}: a double backward pass would need a second-order form of every layer,
 * while a difference needs two ordinary backward passes and works for every layer the engine has.
 * Its error is measured against exact Hessians in {@code ImplicitL2Test} (a quadratic, where the
 * difference is exact but for rounding, and softmax regression, where it is not). The step
 * {@code ε·‖v‖ = FD_STEP·(1 + ‖w‖)} balances float32 rounding (which grows as ε shrinks) against
 * the third-order term (which grows with ε²). The gradients of the hyper-step are taken in
 * evaluation mode — no dropout masks, batch normalisation on its running statistics — so that
 * the two sides of each difference see the same function.
 *
 * <p>The validation side of the hypergradient is {@link #validationGradient}: by default the
 * loss at its best temperature on the batch ({@link ImplicitL2#calibrated}).
 *
 * <p>Vectors of the Neumann series are kept in double precision; the weights are saved before and
 * restored after every difference, bit for bit.
 */
final class ImplicitL2Stepper {
    /** The finite-difference step relative to {@code 1 + ‖w‖} (about the cube root of float32's epsilon, scaled down). */
    static final double FD_STEP = 1e-3;
    /** Power iterations for the first estimate of the largest Hessian eigenvalue; later estimates start from the last vector. */
    static final int POWER_ITERATIONS = 8;
    static final int POWER_ITERATIONS_WARM = 3;

    private final Sequential model;
    private final ImplicitL2 settings;
    /** The Neumann terms: the set ones, or the default for the training's optimiser ({@link ImplicitL2#neumannTermsFor}). */
    private final int terms;
    private final List<Param> params;
    /** group of each parameter, or -1 for parameters without decay (biases…) */
    private final int[] group;
    private final int[] groupLayer;
    private final double[] logL2;
    private final float[] l2;
    private final double[] adamM;
    private final double[] adamV;
    private int hyperSteps;
    private final Dataset validation;
    private final int[] valOrder;
    private int valCursor;
    private final Rng valRng;
    private final Workspace valWs;
    private final int valBatch;
    private final float[][] saved;
    private double scale = Double.NaN;
    private double[][] top;
    private final Rng powerRng;
    private final Kernels kernels = KernelProvider.get();
    private double lastHypergradientNorm;

    ImplicitL2Stepper(Sequential model, ImplicitL2 settings, Optimizer optimizer, Dataset validation, int batch, long seed) {
        this.model = model;
        this.settings = settings;
        this.terms = settings.neumannTermsFor(optimizer);
        this.params = model.parameters();
        int[] layerOf = model.parameterLayers();
        group = new int[params.size()];
        int[] decayLayers = java.util.stream.IntStream.range(0, params.size()).filter(p -> params.get(p).decay())
                .map(p -> layerOf[p]).distinct().sorted().toArray();
        if (decayLayers.length == 0) {
            throw new IllegalArgumentException("implicit L2 needs a network with weights to decay; this one has none");
        }
        groupLayer = settings.perLayer() ? decayLayers : new int[] {decayLayers[0]};
        for (int p = 0; p < group.length; p++) {
            group[p] = !params.get(p).decay() ? -1 : settings.perLayer() ? Arrays.binarySearch(decayLayers, layerOf[p]) : 0;
        }
        logL2 = new double[groupLayer.length];
        Arrays.fill(logL2, Math.log(settings.initial()));
        l2 = new float[groupLayer.length];
        Arrays.fill(l2, (float) settings.initial());
        adamM = new double[groupLayer.length];
        adamV = new double[groupLayer.length];
        this.validation = validation;
        valOrder = new int[validation.size()];
        for (int i = 0; i < valOrder.length; i++) {
            valOrder[i] = i;
        }
        valRng = Rng.stream(seed, 4);
        powerRng = Rng.stream(seed, 5);
        valBatch = Math.min(batch, validation.size());
        valWs = model.workspace(valBatch, model.targetDim(validation), true);
        valCursor = valOrder.length; // shuffled at the first draw
        saved = new float[params.size()][];
        for (int p = 0; p < saved.length; p++) {
            saved[p] = new float[params.get(p).size()];
        }
    }

    /** Adds {@code l2_l·w} to the gradients of the decaying parameters; returns the penalty {@code Σ ½·l2_l·‖w_l‖²}. */
    double applyPenalty() {
        double penalty = 0;
        for (int p = 0; p < group.length; p++) {
            if (group[p] < 0) {
                continue;
            }
            float[] w = params.get(p).value().data();
            float c = l2[group[p]];
            penalty += 0.5 * c * kernels.sumSquares(w, 0, w.length);
            kernels.axpy(w.length, c, w, 0, params.get(p).grad().data(), 0);
        }
        return penalty;
    }

    /** The suffix of an optimiser state's kind that carries implicit L2's state in its last buffer. */
    static final String STATE_SUFFIX = "+implicit-l2";

    /**
     * The optimiser's state with this stepper's appended (so a checkpoint, or population-based
     * training's copy of a member, keeps the decays where they got to): the kind gains
     * {@link #STATE_SUFFIX}, and one last buffer holds, per group, log-decay, Adam's m and v, then
     * the hyper-step count. The Neumann scale is not kept: it is estimated again at the next hyper-step.
     */
    OptimizerState appendState(OptimizerState optimizer) {
        int g = logL2.length;
        float[] mine = new float[3 * g + 1];
        for (int k = 0; k < g; k++) {
            mine[k] = (float) logL2[k];
            mine[g + k] = (float) adamM[k];
            mine[2 * g + k] = (float) adamV[k];
        }
        mine[3 * g] = hyperSteps;
        List<float[]> buffers = new java.util.ArrayList<>(optimizer.buffers());
        buffers.add(mine);
        return new OptimizerState(optimizer.kind() + STATE_SUFFIX, optimizer.steps(), buffers);
    }

    /** Whether {@code state} carries an implicit-L2 part ({@link #appendState}). */
    static boolean carriesState(OptimizerState state) {
        return state.kind().endsWith(STATE_SUFFIX);
    }

    /** The optimiser's part of a state {@link #appendState} made. */
    static OptimizerState withoutState(OptimizerState state) {
        List<float[]> buffers = state.buffers();
        return new OptimizerState(state.kind().substring(0, state.kind().length() - STATE_SUFFIX.length()), state.steps(),
                buffers.subList(0, buffers.size() - 1));
    }

    /**
     * Continues from the implicit-L2 part of {@code state}; returns the optimiser's part.
     *
     * @throws IllegalArgumentException if the part was saved with another number of decays
     */
    OptimizerState restoreState(OptimizerState state) {
        List<float[]> buffers = state.buffers();
        float[] mine = buffers.get(buffers.size() - 1);
        int g = logL2.length;
        if (mine.length != 3 * g + 1) {
            throw new IllegalArgumentException("implicit L2 state holds " + (mine.length - 1) / 3 + " decays, this run has " + g);
        }
        for (int k = 0; k < g; k++) {
            logL2[k] = mine[k];
            l2[k] = (float) Math.exp(logL2[k]);
            adamM[k] = mine[g + k];
            adamV[k] = mine[2 * g + k];
        }
        hyperSteps = (int) mine[3 * g];
        scale = Double.NaN;
        return withoutState(state);
    }

    /** Training steps per hyper-step. */
    int period() {
        return settings.period();
    }

    /** The current decays by name: {@code l2}, or {@code l2_layer<i>} per layer. */
    Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!settings.perLayer()) {
            m.put("l2", Math.exp(logL2[0]));
        } else {
            for (int g = 0; g < groupLayer.length; g++) {
                m.put("l2_layer" + groupLayer[g], Math.exp(logL2[g]));
            }
        }
        return m;
    }

    /** The current decays, one per group. */
    double[] decays() {
        double[] d = new double[logL2.length];
        for (int g = 0; g < d.length; g++) {
            d[g] = Math.exp(logL2[g]);
        }
        return d;
    }

    /** Sets the decays (tests). */
    void setDecays(double... decays) {
        for (int g = 0; g < logL2.length; g++) {
            logL2[g] = Math.log(decays[g]);
            l2[g] = (float) decays[g];
        }
    }

    /** The Neumann scale α in use (NaN before the first hyper-step when it is estimated). */
    double scale() {
        return settings.neumannScale().isPresent() ? settings.neumannScale().getAsDouble() : scale;
    }

    /**
     * One hyper-step after a training step on the {@code n} rows of {@code train}: the hypergradient
     * on the next validation batch, then one Adam step of every λ.
     *
     * @throws HyperStepDivergenceException when the hypergradient or a decay is not finite
     */
    void hyperStep(Workspace train, int n, int epoch, int batch) {
        int count = nextValidationBatch();
        double[] hg = hypergradient(train, n, valWs, count);
        hyperSteps++;
        double b1 = 0.9;
        double b2 = 0.999;
        for (int g = 0; g < hg.length; g++) {
            if (!Double.isFinite(hg[g])) {
                throw new HyperStepDivergenceException(epoch, batch, "the hypergradient of " + name(g) + " is " + hg[g]
                        + " (Neumann series of " + terms + " terms, scale " + scale() + ")",
                        "fewer Neumann terms or a smaller Neumann scale, or a lower learning rate");
            }
            adamM[g] = b1 * adamM[g] + (1 - b1) * hg[g];
            adamV[g] = b2 * adamV[g] + (1 - b2) * hg[g] * hg[g];
            double mHat = adamM[g] / (1 - Math.pow(b1, hyperSteps));
            double vHat = adamV[g] / (1 - Math.pow(b2, hyperSteps));
            logL2[g] -= settings.hyperLearningRate() * mHat / (Math.sqrt(vHat) + 1e-12);
            double decay = Math.exp(logL2[g]);
            // outside float32's normal range the decay is no longer a number training can use
            if (!(decay < Float.MAX_VALUE && decay > Float.MIN_NORMAL)) {
                throw new HyperStepDivergenceException(epoch, batch, name(g) + " became " + decay + " (log " + logL2[g] + ")",
                        "a lower hyper learning rate of implicit L2 (it is " + settings.hyperLearningRate() + ")");
            }
            l2[g] = (float) decay;
        }
    }

    private String name(int g) {
        return settings.perLayer() ? "the L2 of layer " + groupLayer[g] : "the L2";
    }

    /** Gathers the next validation batch into the validation workspace; returns its rows. */
    private int nextValidationBatch() {
        if (valCursor >= valOrder.length) {
            valRng.shuffle(valOrder, valOrder.length);
            valCursor = 0;
        }
        int count = Math.min(valBatch, valOrder.length - valCursor);
        if (count < valBatch) { // a short tail: start a new pass instead, so every batch has the full size
            valRng.shuffle(valOrder, valOrder.length);
            valCursor = 0;
            count = valBatch;
        }
        validation.gather(valOrder, valCursor, count, valWs.acts[0], valWs.labels, valWs.values);
        // as the training batches: regression targets scaled (a change target's taken from the raw last input) before the
        // inputs' preprocessing, or the validation loss would compare scaled outputs with targets in the data's units
        model.trainingTargets(valWs.acts[0], valWs.values, count);
        model.preprocessing().transform(valWs.acts[0], 0, count);
        valCursor += count;
        return count;
    }

    /**
     * {@code dL_V/dλ} per group at the current weights: the validation gradient on {@code nVal}
     * rows of {@code val}, the Hessian of the training loss on {@code n} rows of {@code train}.
     */
    double[] hypergradient(Workspace train, int n, Workspace val, int nVal) {
        validationGradient(val, nVal);
        double[][] gv = gradientCopy();
        if (settings.neumannScale().isEmpty() && (Double.isNaN(scale) || hyperSteps % ImplicitL2.RESCALE_EVERY == 0)) {
            scale = estimateScale(train, n);
        }
        double[][] p = inverseHvp(train, n, gv, terms, scale());
        double[] hg = new double[logL2.length];
        for (int q = 0; q < group.length; q++) {
            if (group[q] < 0) {
                continue;
            }
            float[] w = params.get(q).value().data();
            double[] pq = p[q];
            double dot = 0;
            for (int i = 0; i < w.length; i++) {
                dot += pq[i] * w[i];
            }
            hg[group[q]] -= l2[group[q]] * dot;
        }
        return hg;
    }

    /** {@code α·Σ_{j=0..terms} (I − αH)^j v}, the truncated Neumann series of {@code H⁻¹v}. */
    double[][] inverseHvp(Workspace train, int n, double[][] v, int terms, double alpha) {
        double[][] cur = copy(v);
        double[][] sum = copy(v);
        for (int j = 1; j <= terms; j++) {
            double[][] hv = hvp(train, n, cur);
            for (int q = 0; q < cur.length; q++) {
                double[] c = cur[q];
                double[] h = hv[q];
                double[] s = sum[q];
                for (int i = 0; i < c.length; i++) {
                    c[i] -= alpha * h[i];
                    s[i] += c[i];
                }
            }
        }
        for (double[] s : sum) {
            for (int i = 0; i < s.length; i++) {
                s[i] *= alpha;
            }
        }
        return sum;
    }

    /**
     * The largest eigenvalue (in magnitude) of the training loss's Hessian by power iteration; the
     * Neumann scale is its inverse, so that {@code I − αH} shrinks every direction of positive curvature.
     */
    private double estimateScale(Workspace train, int n) {
        int iterations = POWER_ITERATIONS_WARM;
        if (top == null) {
            top = new double[params.size()][];
            for (int q = 0; q < top.length; q++) {
                top[q] = new double[params.get(q).size()];
                for (int i = 0; i < top[q].length; i++) {
                    top[q][i] = powerRng.nextGaussian();
                }
            }
            iterations = POWER_ITERATIONS;
        }
        double lambda = 0;
        for (int it = 0; it < iterations; it++) {
            double norm = Math.sqrt(dot(top, top));
            double[][] hv = hvp(train, n, top);
            double hn = Math.sqrt(dot(hv, hv));
            lambda = hn / norm;
            if (!(hn > 0) || !Double.isFinite(hn)) {
                break;
            }
            for (int q = 0; q < hv.length; q++) {
                for (int i = 0; i < hv[q].length; i++) {
                    hv[q][i] /= hn;
                }
            }
            top = hv;
        }
        return lambda > 0 && Double.isFinite(lambda) ? 1 / lambda : 1;
    }

    /** {@code H·v}, H the Hessian of the training loss (data loss on the batch plus the penalty) at the current weights. */
    double[][] hvp(Workspace w, int n, double[][] v) {
        double vNorm = Math.sqrt(dot(v, v));
        double[][] out = new double[params.size()][];
        for (int q = 0; q < out.length; q++) {
            out[q] = new double[params.get(q).size()];
        }
        if (vNorm == 0) {
            return out;
        }
        double wNorm = 0;
        for (int q = 0; q < params.size(); q++) {
            float[] x = params.get(q).value().data();
            System.arraycopy(x, 0, saved[q], 0, x.length);
            wNorm += kernels.sumSquares(x, 0, x.length);
        }
        double eps = FD_STEP * (1 + Math.sqrt(wNorm)) / vNorm;
        try {
            perturb(v, eps);
            dataGradient(w, n);
            for (int q = 0; q < out.length; q++) {
                float[] g = params.get(q).grad().data();
                for (int i = 0; i < g.length; i++) {
                    out[q][i] = g[i];
                }
            }
            perturb(v, -eps);
            dataGradient(w, n);
        } finally {
            restore();
        }
        double inv = 1 / (2 * eps);
        for (int q = 0; q < out.length; q++) {
            float[] g = params.get(q).grad().data();
            double[] o = out[q];
            double c = group[q] < 0 ? 0 : l2[group[q]];
            double[] vq = v[q];
            for (int i = 0; i < g.length; i++) {
                o[i] = (o[i] - g[i]) * inv + c * vq[i];
            }
        }
        return out;
    }

    /** Sets the weights to the saved ones plus {@code eps·v}, computed in double then rounded once. */
    private void perturb(double[][] v, double eps) {
        for (int q = 0; q < saved.length; q++) {
            float[] x = params.get(q).value().data();
            float[] s = saved[q];
            double[] vq = v[q];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (s[i] + eps * vq[i]);
            }
        }
    }

    private void restore() {
        for (int q = 0; q < saved.length; q++) {
            System.arraycopy(saved[q], 0, params.get(q).value().data(), 0, saved[q].length);
        }
    }

    /** The gradient of the data loss (no penalty) on {@code n} rows of {@code w}, into the parameters, in evaluation mode. */
    double dataGradient(Workspace w, int n) {
        model.forward(w, n, Pass.eval());
        double loss = model.loss().compute(w.output(), n, model.outputSize(), w.targets, w.grads[w.grads.length - 1]);
        model.backward(w, n);
        return loss;
    }

    /** The bounds of the inverse temperature {@link #validationGradient} searches, and its golden-section steps. */
    static final double MIN_INVERSE_TEMPERATURE = 1e-2;
    static final double MAX_INVERSE_TEMPERATURE = 1e2;
    static final int TEMPERATURE_STEPS = 40;
    private float[] scaledLogits = new float[0];
    private double lastInverseTemperature = 1;

    /**
     * The gradient of the hyper-objective on {@code n} rows of {@code w}, into the parameters, in
     * evaluation mode: with {@link ImplicitL2#calibrated} and a classification loss, of the loss
     * of the logits times the inverse temperature {@code s} that minimises it on these rows (by
     * golden-section search on log s in [{@value #MIN_INVERSE_TEMPERATURE},
     * {@value #MAX_INVERSE_TEMPERATURE}]: the cross-entropy of s·z is convex in s, so unimodal in
     * log s); otherwise the plain {@link #dataGradient}. At the minimising s the loss is flat in s, so
     * its total derivative in w is the partial one at fixed s: the gradient of the loss at s·z
     * is s times the loss's gradient at the scaled logits, taken back through the network.
     */
    double validationGradient(Workspace w, int n) {
        if (!settings.calibrated() || !model.loss().classification()) {
            lastInverseTemperature = 1;
            return dataGradient(w, n);
        }
        model.forward(w, n, Pass.eval());
        float[] out = w.output();
        int k = model.outputSize();
        if (scaledLogits.length < n * k) {
            scaledLogits = new float[n * k];
        }
        double lo = Math.log(MIN_INVERSE_TEMPERATURE);
        double hi = Math.log(MAX_INVERSE_TEMPERATURE);
        double r = (Math.sqrt(5) - 1) / 2;
        double a = hi - r * (hi - lo);
        double b = lo + r * (hi - lo);
        double fa = scaledLoss(out, n, k, w.targets, Math.exp(a));
        double fb = scaledLoss(out, n, k, w.targets, Math.exp(b));
        for (int it = 0; it < TEMPERATURE_STEPS; it++) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - r * (hi - lo);
                fa = scaledLoss(out, n, k, w.targets, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + r * (hi - lo);
                fb = scaledLoss(out, n, k, w.targets, Math.exp(b));
            }
        }
        double s = Math.exp((lo + hi) / 2);
        lastInverseTemperature = s;
        scaleLogits(out, n * k, s); // into a copy: the last layer's backward may read its own output
        float[] g = w.grads[w.grads.length - 1];
        double loss = model.loss().compute(scaledLogits, n, k, w.targets, g);
        for (int i = 0; i < n * k; i++) {
            g[i] = (float) (s * g[i]);
        }
        model.backward(w, n);
        return loss;
    }

    private double scaledLoss(float[] out, int n, int k, Targets targets, double s) {
        scaleLogits(out, n * k, s);
        return model.loss().compute(scaledLogits, n, k, targets, null);
    }

    /** {@code scaledLogits[i] = s·out[i]} for the first {@code count} values. */
    private void scaleLogits(float[] out, int count, double s) {
        for (int i = 0; i < count; i++) {
            scaledLogits[i] = (float) (s * out[i]);
        }
    }

    /** The inverse temperature of the last hyper-objective's gradient (1 when it is not calibrated). */
    double lastInverseTemperature() {
        return lastInverseTemperature;
    }

    private double[][] gradientCopy() {
        double[][] g = new double[params.size()][];
        for (int q = 0; q < g.length; q++) {
            float[] x = params.get(q).grad().data();
            g[q] = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                g[q][i] = x[i];
            }
        }
        return g;
    }

    private static double[][] copy(double[][] v) {
        double[][] c = new double[v.length][];
        for (int q = 0; q < v.length; q++) {
            c[q] = v[q].clone();
        }
        return c;
    }

    static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int q = 0; q < a.length; q++) {
            for (int i = 0; i < a[q].length; i++) {
                s += a[q][i] * b[q][i];
            }
        }
        return s;
    }
}
