package org.nntune.nn.optim;

import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.layer.Param;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hypergradient descent on the learning rate (Baydin, Cornish, Martínez Rubio, Schmidt and Wood,
 * "Online learning rate adaptation with hypergradient descent", ICLR 2018) around SGD (plain, with
 * momentum, or Nesterov's) or Adam. A step is {@code w_t = w_{t−1} − α_t·u_t}, where {@code u_t} is
 * the base optimiser's direction: the gradient for plain SGD, the velocity {@code v} with momentum,
 * {@code g + μ·v} for Nesterov, {@code m̂ / (√v̂ + ε)} for Adam. As {@code u_{t−1}} does not depend on
 * {@code α_{t−1}}, the derivative of the loss at {@code w_{t−1}} with respect to the rate that made it
 * is {@code −g_t · u_{t−1}}, so before each step the rate follows it — for one global rate the dot
 * product runs over every parameter, for a rate per layer over that layer's parameters only:
 * <ul>
 * <li>{@link Rule#ADDITIVE}, the paper's rule: {@code α_t = α_{t−1} + β·(g_t · u_{t−1})}. β carries
 *     the units of rate² per loss, so a β that suits a start of 1e-4 does nothing from 1e-1 and the
 *     other way round; a rate driven negative is pulled back by the next hypergradients.</li>
 * <li>{@link Rule#MULTIPLICATIVE}, the paper's normalised variant: {@code α_t = α_{t−1}·exp(β·cos(g_t,
 *     u_{t−1}))}. β is the rate's relative change per step when the two directions agree (or
 *     oppose) fully, so one β moves any start by orders of magnitude within a few hundred steps.
 *     {@link #multiplicative} gives its settings.</li>
 * <li>{@link Rule#STANDARDIZED}: the multiplicative rule with the cosine standardised by its own
 *     running moments, {@code α_t = α_{t−1}·exp(β·m̂_t/(√v̂_t + ε))}, m and v exponential averages
 *     of {@code c_t = cos(g_t, u_{t−1})} and {@code c_t²} bias-corrected as in Adam: the rate's own
 *     optimiser is Adam-like, as in Chandra, Xie, Ragan-Kelley and Meijer, "Gradient descent: the
 *     ultimate optimizer" (NeurIPS 2022), where the step size is tuned by an Adam hyper-optimiser.
 *     The reason is an asymmetry of the cosine: with Adam on Fashion-MNIST it is about +0.3 to
 *     +0.4 at a rate ten times too small but only −0.01 to −0.06 at a rate ten to a hundred times
 *     too large, so a β that climbs from a small start at a sensible speed needs hundreds of
 *     steps to come down from a large one, and the large start ends where the settling froze it
 *     (about 5e-3 from 1e-1, against 7e-4 from 1e-4). Standardised, the exponent is about ±1
 *     whenever the sign is consistent, however small the cosine, and small when the cosine is
 *     mostly noise: β is then the rate's relative change per step when the hypergradient keeps
 *     one sign, the same from both sides. {@link #standardized} gives its settings.</li>
 * </ul>
 * Two settings make a start far from a good rate safe and keep the rate from drifting after:
 * <ul>
 * <li>a warm-up of {@link #warmupSteps} steps in which the step ramps linearly from {@code α/W} to
 *     {@code α} (the rate itself keeps adapting). Without it, Adam's first steps from a rate of 1e-1
 *     move every weight by 0.1 and kill most ReLUs of a Fashion-MNIST MLP before the hypergradient
 *     has seen a single step; a dead network gives the rate no signal to come back.</li>
 * <li>after the warm-up, the hypergradient's own step decays as {@code β·min(1, S/(t − W))} with
 *     {@link #settleSteps} S (0: no decay), the Robbins–Monro schedule of a stochastic
 *     approximation. The one-step hypergradient is biased towards small rates once minibatch noise
 *     dominates (the short-horizon bias: with Adam on Fashion-MNIST the mean cosine is about
 *     −0.03 at any rate from 1e-3 to 1e-2 after the first epoch), so an undamped rate keeps
 *     falling below the rates that train best; the decay lets the early, informative hypergradients
 *     set the rate and the later ones only trim it.</li>
 * </ul>
 *
 * <p>A learning-rate schedule other than the constant one shapes the adapted rate: where the schedule
 * gives {@code s_t} for a base rate {@code α₀} (this optimiser's starting rate), the step is
 * {@code α_t·(s_t/α₀)·u_t}, so a cosine schedule anneals whatever rate the hypergradient has reached.
 * The hypergradient keeps its sign (the schedule's factor is positive), so the rules are unchanged.
 * On Fashion-MNIST (3 epochs, see BENCHMARKS.md) the rate times 0.2 for the last epoch lifts both
 * starts, 1e-4 and 1e-1; a cosine to 0 helps the start of 1e-1 but hurts the start of 1e-4, whose
 * rate is still too low when the cosine starts to take it down. What training reports as an epoch's
 * rate ({@code EpochResult.learningRate()}, {@code lr} in its adapted rates) is the rate its last step
 * used, {@code α_t·(s_t/α₀)}, ramped in the warm-up; with a schedule other than the constant one it
 * also reports α_t itself as {@code lr_base} ({@link HdUpdater#baseRates()}).
 *
 * <p>The rate and the dot products are kept in double precision; the step itself is float32 like
 * every other update, and allocates nothing.
 *
 * @param base the optimiser whose rate is adapted: {@link Optimizer.Sgd} or {@link Optimizer.Adam}
 * @param hyperLearningRate β, finite and > 0
 * @param perLayer one rate per layer instead of one for the whole network
 * @param rule how the rate follows its hypergradient
 * @param warmupSteps W ≥ 0: steps over which the step ramps up to the rate (0: none)
 * @param settleSteps S ≥ 0: after the warm-up, steps until β starts to decay as S/(t − W) (0: never)
 */
public record Hypergradient(Optimizer base, double hyperLearningRate, boolean perLayer, Rule rule, int warmupSteps,
                            int settleSteps) implements Optimizer {

    /** β of the multiplicative rule when none is given. */
    public static final double DEFAULT_MULTIPLICATIVE_BETA = 0.5;
    /** The warm-up of the multiplicative rule when none is given. */
    public static final int DEFAULT_WARMUP_STEPS = 100;
    /** The settling steps of the multiplicative rule when none are given. */
    public static final int DEFAULT_SETTLE_STEPS = 20;
    /** β of the standardised rule when none is given. */
    public static final double DEFAULT_STANDARDIZED_BETA = 0.1;
    /**
     * What {@link HdUpdater#baseRates()} appends to a rate's name: {@code lr_base} is the adapted rate
     * before a schedule's factor, {@code lr} the rate the step used.
     */
    public static final String BASE_SUFFIX = "_base";
    /** The decay of the standardised rule's average of the cosine (Adam's β1). */
    static final double STANDARDIZED_DECAY_MEAN = 0.9;
    /**
     * The decay of the standardised rule's average of the cosine's square: shorter than Adam's 0.999
     * so that the scale follows the cosine's, which changes within the warm-up (0.999 was not tried).
     */
    static final double STANDARDIZED_DECAY_SQUARE = 0.99;

    /** How the rate follows its hypergradient. */
    public enum Rule {
        /** {@code α_t = α_{t−1} + β·(g_t · u_{t−1})}: the paper's rule. */
        ADDITIVE,
        /**
         * {@code α_t = α_{t−1}·exp(β·cos(g_t, u_{t−1}))}: the paper's multiplicative variant (there
         * {@code α·(1 − β·cos)} of the loss's derivative), in exponential form so the rate stays positive.
         */
        MULTIPLICATIVE,
        /**
         * {@code α_t = α_{t−1}·exp(β·m̂_t/(√v̂_t + ε))}, m̂ and v̂ Adam's bias-corrected averages of
         * {@code cos(g_t, u_{t−1})} and its square (decays {@value #STANDARDIZED_DECAY_MEAN} and
         * {@value #STANDARDIZED_DECAY_SQUARE}): the multiplicative rule with the cosine standardised.
         */
        STANDARDIZED
    }

    /** The paper's additive rule, no warm-up, no decay of β. */
    public Hypergradient(Optimizer base, double hyperLearningRate, boolean perLayer) {
        this(base, hyperLearningRate, perLayer, Rule.ADDITIVE, 0, 0);
    }

    /**
     * The multiplicative rule with β {@value #DEFAULT_MULTIPLICATIVE_BETA}, a warm-up of
     * {@value #DEFAULT_WARMUP_STEPS} steps and β decaying after {@value #DEFAULT_SETTLE_STEPS} more:
     * on Fashion-MNIST it brings Adam from a start of 1e-4 or 1e-1 to rates of 5e-4 to 7e-3 (see
     * BENCHMARKS.md). Not the study files' default: combined with implicit L2 on digits, whose
     * training loss soon vanishes, the gradient is then mostly the decay term, the cosines stay
     * positive and the rate climbs to 0.1–0.2 (test accuracy 0.025 below the searched setting).
     */
    public static Hypergradient multiplicative(Optimizer base, boolean perLayer) {
        return new Hypergradient(base, DEFAULT_MULTIPLICATIVE_BETA, perLayer, Rule.MULTIPLICATIVE, DEFAULT_WARMUP_STEPS,
                DEFAULT_SETTLE_STEPS);
    }

    /**
     * The standardised rule with β {@value #DEFAULT_STANDARDIZED_BETA}, the multiplicative rule's
     * warm-up ({@value #DEFAULT_WARMUP_STEPS} steps) and settling ({@value #DEFAULT_SETTLE_STEPS}): on
     * Fashion-MNIST it brings Adam from 1e-4 and from 1e-1 alike to rates of 4e-4 to 2e-3 (see
     * BENCHMARKS.md), where the multiplicative rule left the start of 1e-1 at 3e-3 to 8e-3.
     */
    public static Hypergradient standardized(Optimizer base, boolean perLayer) {
        return new Hypergradient(base, DEFAULT_STANDARDIZED_BETA, perLayer, Rule.STANDARDIZED, DEFAULT_WARMUP_STEPS,
                DEFAULT_SETTLE_STEPS);
    }

    /**
     * @throws NullPointerException if base or rule is null
     * @throws IllegalArgumentException if base is not SGD or Adam, the hyper learning rate is not
     *     finite and &gt; 0, or the warm-up or settling steps are below 0
     */
    public Hypergradient {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(rule, "rule");
        if (warmupSteps < 0 || settleSteps < 0) {
            throw new IllegalArgumentException("warm-up and settling steps of hypergradient descent must be >= 0, got "
                    + warmupSteps + " and " + settleSteps);
        }
        if (base instanceof Hypergradient inner) {
            throw new IllegalArgumentException("hypergradient descent cannot adapt the rate of another hypergradient optimiser"
                    + " (hypergradient(hypergradient(" + inner.base().hyperparameters().get("optimizer") + "…))): wrap the base"
                    + " optimiser once, Optimizer.hypergradient(" + inner.base().hyperparameters().get("optimizer") + "…)");
        }
        if (!(base instanceof Optimizer.Sgd || base instanceof Optimizer.Adam)) {
            throw new IllegalArgumentException("hypergradient descent adapts the learning rate of sgd (plain, momentum or"
                    + " Nesterov) or adam, not of " + base.hyperparameters().get("optimizer"));
        }
        if (!(hyperLearningRate > 0) || Double.isInfinite(hyperLearningRate)) {
            throw new IllegalArgumentException("hyper learning rate (beta) of hypergradient descent must be finite and > 0, got "
                    + hyperLearningRate);
        }
    }

    @Override
    public float learningRate() {
        return base.learningRate();
    }

    /** One global rate whatever {@link #perLayer} says: without layers there is nothing to group by. */
    @Override
    public Updater newUpdater(List<Param> params) {
        return new HdUpdater(this, params, new int[params.size()]);
    }

    @Override
    public Updater newUpdater(List<Param> params, int[] layerOf) {
        if (layerOf.length != params.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + layerOf.length + " layer indices");
        }
        return new HdUpdater(this, params, perLayer ? layerOf : new int[params.size()]);
    }

    @Override
    public Map<String, String> hyperparameters() {
        Map<String, String> m = new LinkedHashMap<>(base.hyperparameters());
        m.put("lr_adapt", "hypergradient");
        m.put("hyper_lr", Double.toString(hyperLearningRate));
        m.put("hyper_lr_scope", perLayer ? "layer" : "global");
        m.put("hyper_lr_rule", rule.name().toLowerCase(java.util.Locale.ROOT));
        m.put("hyper_lr_warmup", Integer.toString(warmupSteps));
        m.put("hyper_lr_settle", Integer.toString(settleSteps));
        return m;
    }

    /**
     * The state of a hypergradient run. Its {@link OptimizerState} holds the base optimiser's buffers
     * (SGD: velocities; Adam: m of every parameter, then v), then the previous directions
     * {@code u_{t−1}}, then one last buffer with the current rates, one per group (with the
     * standardised rule followed by the cosine's two averages, one per group each).
     */
    public static final class HdUpdater implements Updater {
        private final List<Param> params;
        private final boolean adam;
        private final float momentum;
        private final boolean nesterov;
        private final float beta1;
        private final float beta2;
        private final float eps;
        private final double beta;
        private final String kind;
        private final boolean perLayer;
        /** group of each parameter, 0-based and dense */
        private final int[] group;
        /** layer index of each group, for the rates' names */
        private final int[] groupLayer;
        private final double[] alpha;
        private final double[] hyper;
        /** per group: ‖g_t‖² and ‖u_{t−1}‖² (multiplicative rule) */
        private final double[] gNorm2;
        private final double[] uNorm2;
        private final boolean multiplicative;
        private final boolean standardized;
        /** per group, the standardised rule's averages of the cosine and of its square */
        private final double[] cosMean;
        private final double[] cosSquare;
        private final int warmup;
        private final int settle;
        /** the base optimiser's rate: a schedule's rate divided by it scales the adapted rate */
        private final float baseRate;
        /** velocities (SGD) or first moments (Adam) */
        private final float[][] first;
        /** second moments (Adam; empty for SGD) */
        private final float[][] second;
        /** the previous step's direction u_{t−1} */
        private final float[][] direction;
        private int t;
        /** the last step's factor on the adapted rates: the warm-up's ramp times the schedule's rate / α₀ */
        private double lastScale = 1;

        HdUpdater(Hypergradient hd, List<Param> params, int[] layerOf) {
            this.params = params;
            this.beta = hd.hyperLearningRate;
            this.perLayer = hd.perLayer;
            if (hd.base instanceof Optimizer.Adam a) {
                adam = true;
                beta1 = a.beta1();
                beta2 = a.beta2();
                eps = a.eps();
                momentum = 0f;
                nesterov = false;
            } else {
                Optimizer.Sgd s = (Optimizer.Sgd) hd.base;
                adam = false;
                beta1 = 0f;
                beta2 = 0f;
                eps = 0f;
                momentum = s.momentum();
                nesterov = s.nesterov();
            }
            kind = (adam ? "adam" : "sgd") + "-hd";
            int[] distinct = Arrays.stream(layerOf).distinct().sorted().toArray();
            group = new int[layerOf.length];
            for (int p = 0; p < layerOf.length; p++) {
                group[p] = Arrays.binarySearch(distinct, layerOf[p]);
            }
            groupLayer = distinct.length == 0 ? new int[] {0} : distinct;
            alpha = new double[groupLayer.length];
            Arrays.fill(alpha, hd.learningRate());
            hyper = new double[groupLayer.length];
            gNorm2 = new double[groupLayer.length];
            uNorm2 = new double[groupLayer.length];
            multiplicative = hd.rule != Rule.ADDITIVE;
            standardized = hd.rule == Rule.STANDARDIZED;
            cosMean = new double[groupLayer.length];
            cosSquare = new double[groupLayer.length];
            warmup = hd.warmupSteps;
            settle = hd.settleSteps;
            baseRate = hd.learningRate();
            first = Optimizer.zerosLike(params);
            second = adam ? Optimizer.zerosLike(params) : new float[0][];
            direction = Optimizer.zerosLike(params);
        }

        /**
         * One step. The rate given is the schedule's: divided by the starting rate it scales the
         * adapted one (1 with the constant schedule).
         */
        @Override
        public void step(float lr) {
            t++;
            Arrays.fill(hyper, 0);
            if (t > 1) {
                Arrays.fill(gNorm2, 0);
                Arrays.fill(uNorm2, 0);
                for (int p = 0; p < direction.length; p++) {
                    float[] g = params.get(p).grad().data();
                    float[] u = direction[p];
                    double dot = 0;
                    double gg = 0;
                    double uu = 0;
                    for (int i = 0; i < g.length; i++) {
                        dot += (double) g[i] * u[i];
                        gg += (double) g[i] * g[i];
                        uu += (double) u[i] * u[i];
                    }
                    hyper[group[p]] += dot;
                    gNorm2[group[p]] += gg;
                    uNorm2[group[p]] += uu;
                }
                double step = beta * (settle > 0 && t > warmup ? Math.min(1.0, (double) settle / (t - warmup)) : 1.0);
                for (int k = 0; k < alpha.length; k++) {
                    if (multiplicative) {
                        double norms = Math.sqrt(gNorm2[k] * uNorm2[k]);
                        double cos = norms > 0 ? hyper[k] / norms : 0;
                        if (standardized) {
                            cos = standardize(k, cos, t - 1);
                        }
                        alpha[k] *= Math.exp(step * cos);
                    } else {
                        alpha[k] += step * hyper[k];
                    }
                    if (!Double.isFinite(alpha[k])) {
                        throw new IllegalStateException("hypergradient descent diverged at step " + t + ": the learning rate"
                                + (perLayer ? " of layer " + groupLayer[k] : "") + " became " + alpha[k] + " (hypergradient "
                                + hyper[k] + "). Try a lower hyper learning rate (it is " + beta + ").");
                    }
                }
            }
            // a schedule shapes the adapted rate: at its rate lr the step is α·lr/α₀ (1 with the constant schedule)
            double scale = (t < warmup ? (double) t / warmup : 1) * (lr / baseRate);
            lastScale = scale;
            float biasCorrection1 = 0f;
            float invSqrtBias2 = 0f;
            if (adam) {
                biasCorrection1 = (float) (1 / (1 - Math.pow(beta1, t)));
                invSqrtBias2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
            }
            for (int p = 0; p < direction.length; p++) {
                float[] w = params.get(p).value().data();
                float[] g = params.get(p).grad().data();
                float[] u = direction[p];
                float[] m = first[p];
                float a = (float) (alpha[group[p]] * scale);
                if (adam) {
                    float[] v = second[p];
                    for (int i = 0; i < w.length; i++) {
                        float gi = g[i];
                        float mi = Kernels.flushSubnormal(beta1 * m[i] + (1f - beta1) * gi);
                        float vi = Kernels.flushSubnormal(beta2 * v[i] + (1f - beta2) * gi * gi);
                        m[i] = mi;
                        v[i] = vi;
                        float d = biasCorrection1 * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
                        u[i] = d;
                        w[i] -= a * d;
                    }
                } else {
                    for (int i = 0; i < w.length; i++) {
                        float d = g[i];
                        if (momentum != 0f) {
                            float b = Kernels.flushSubnormal(momentum * m[i] + d);
                            m[i] = b;
                            d = nesterov ? d + momentum * b : b;
                        }
                        u[i] = d;
                        w[i] -= a * d;
                    }
                }
            }
        }

        /**
         * Updates group k's averages with the n-th cosine (n ≥ 1); returns {@code m̂/(√v̂ + ε)}, which
         * is ±1 when n is 1 and, as the averages lengthen, stays near ±1 while the sign is steady and
         * is small while the cosine is noise.
         */
        private double standardize(int k, double cos, int n) {
            cosMean[k] = STANDARDIZED_DECAY_MEAN * cosMean[k] + (1 - STANDARDIZED_DECAY_MEAN) * cos;
            cosSquare[k] = STANDARDIZED_DECAY_SQUARE * cosSquare[k] + (1 - STANDARDIZED_DECAY_SQUARE) * cos * cos;
            double mean = cosMean[k] / (1 - Math.pow(STANDARDIZED_DECAY_MEAN, n));
            double square = cosSquare[k] / (1 - Math.pow(STANDARDIZED_DECAY_SQUARE, n));
            return mean / (Math.sqrt(square) + 1e-12);
        }

        /**
         * The hypergradients {@code g_t · u_{t−1}} of the last step, one per group (zero at the first
         * step): minus the derivative of the loss at the previous step's weights with respect to the
         * rate that step used.
         */
        public double[] lastHypergradients() {
            return hyper.clone();
        }

        /**
         * The current adapted rates α, one per group (one for a global rate; per layer in layer order),
         * before the schedule's factor and the warm-up's ramp: the rates the next step starts from.
         */
        public double[] rates() {
            return alpha.clone();
        }

        /**
         * The rates the last step used, {@code α·(s_t/α₀)} times the warm-up's ramp ({@code t/W} in
         * the first W steps): α itself with the constant schedule after the warm-up; before the first
         * step, α.
         */
        @Override
        public Map<String, Double> adaptedRates() {
            return named("", lastScale);
        }

        /**
         * The adapted rates α without the schedule's factor and the warm-up's ramp ({@link #rates()}),
         * by the names of {@link #adaptedRates()} followed by {@value #BASE_SUFFIX}: {@code lr_base}, or
         * {@code lr_layer<i>_base} per layer. With a schedule, α is the rate the schedule's factor 1
         * gives: the rate to start the same schedule from, or to train with at a constant rate.
         */
        public Map<String, Double> baseRates() {
            return named(BASE_SUFFIX, 1);
        }

        private Map<String, Double> named(String suffix, double scale) {
            Map<String, Double> m = new LinkedHashMap<>();
            if (!perLayer) {
                m.put("lr" + suffix, alpha[0] * scale);
            } else {
                for (int k = 0; k < alpha.length; k++) {
                    m.put("lr_layer" + groupLayer[k] + suffix, alpha[k] * scale);
                }
            }
            return m;
        }

        @Override
        public OptimizerState state() {
            return OptimizerState.of(kind, t, buffers(true));
        }

        @Override
        public void restore(OptimizerState state) {
            float[][] into = buffers(false);
            OptimizerState.copyInto(state, kind, into); // checks the kind and every buffer's length, the rates' too
            float[] rates = into[into.length - 1];
            int g = alpha.length;
            for (int k = 0; k < g; k++) {
                alpha[k] = rates[k];
                if (standardized) {
                    cosMean[k] = rates[g + k];
                    cosSquare[k] = rates[2 * g + k];
                }
            }
            t = state.steps();
            lastScale = 1; // until the next step: the restored state does not carry the schedule's rate
        }

        /**
         * first, second, direction buffers (live), then the rates and, with the standardised rule, the
         * cosine's averages (a copy for a save, a scratch array for a restore).
         */
        private float[][] buffers(boolean withRates) {
            int n = first.length + second.length + direction.length;
            float[][] all = new float[n + 1][];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(second, 0, all, first.length, second.length);
            System.arraycopy(direction, 0, all, first.length + second.length, direction.length);
            int g = alpha.length;
            float[] rates = new float[standardized ? 3 * g : g];
            if (withRates) {
                for (int k = 0; k < g; k++) {
                    rates[k] = (float) alpha[k];
                    if (standardized) {
                        rates[g + k] = (float) cosMean[k];
                        rates[2 * g + k] = (float) cosSquare[k];
                    }
                }
            }
            all[n] = rates;
            return all;
        }
    }
}
