package org.nntune.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * L2 weight decay tuned during training by implicit differentiation (Lorraine, Vicol and Duvenaud,
 * "Optimizing millions of hyperparameters by implicit differentiation", AISTATS 2020): the decay
 * of each layer is {@code exp(λ_l)} (log-parametrised, so it stays positive), and every
 * {@link #period} training steps the λ take one Adam step down the hypergradient of the
 * validation loss,
 * <pre>
 *   dL_V/dλ = − ∇_w L_V · H⁻¹ · ∂²L_T/∂w∂λ,     ∂²L_T/∂w_l∂λ_l = exp(λ_l)·w_l
 * </pre>
 * with {@code H} the Hessian of the training loss; {@code H⁻¹·∇_w L_V} is the truncated Neumann
 * series {@code α·Σ_{j=0..K} (I − αH)^j ∇_w L_V} of {@link #neumannTerms} K terms, its
 * Hessian-vector products central differences of gradients. Training needs a validation split
 * (a validation fraction or set) to take the hypergradient on.
 *
 * <p><b>The validation loss at its best temperature</b> ({@code calibrated}, the default). For a
 * classification loss, {@code L_V} is the loss of the logits divided by the temperature that
 * minimises it on the validation batch: {@code L_V(w) = min_T L(z(w)/T)}. Its gradient is the
 * ordinary gradient at that temperature (the envelope theorem: the loss is flat in T there).
 * Why: decay shrinks the weights and so the logits' scale, and once a network has fitted its
 * training rows, the plain validation cross-entropy falls with the logits' scale alone, since
 * every confidently wrong row costs less. Its hypergradient then raises the decay for the sake of
 * calibration, which a temperature would give for free after training, and the accuracy pays:
 * Fashion-MNIST, the MLP 784-128-10 on 1,000 rows for 100 epochs, the plain loss drove the
 * first layer's decay to 1e-2 with Adam (−0.014 test accuracy against no decay) and to 4e-2–9e-2
 * with SGD (−0.07); at its best temperature the loss sees what the decay does beyond the scale
 * (BENCHMARKS-LOG, "implicit L2 at the best temperature"). {@code calibrated = false} is the
 * paper's plain validation loss; regression losses always use it.
 *
 * @param initial           the starting decay of every layer, finite and &gt; 0
 * @param hyperLearningRate the Adam step on log-decay, finite and &gt; 0 (about how far log l2 moves per hyper-step)
 * @param period            training steps between two hyper-steps, ≥ 1
 * @param neumannTerms      the Neumann series' terms K, ≥ 0 (0: H⁻¹ ≈ α·I); empty for the optimiser's
 *                          default ({@link #neumannTermsFor}: {@value #DEFAULT_TERMS_SGD} with SGD,
 *                          {@value #DEFAULT_TERMS} with the optimisers that divide by second moments)
 * @param neumannScale      α, finite and &gt; 0; empty to use the inverse of the largest Hessian
 *                          eigenvalue, estimated by power iteration at the first hyper-step and
 *                          every {@link #RESCALE_EVERY} hyper-steps after
 * @param perLayer          one decay per layer; false: one for the whole network
 * @param calibrated        the hypergradient of the validation loss at its best temperature (classification
 *                          losses); false: of the plain validation loss
 */
public record ImplicitL2(double initial, double hyperLearningRate, int period, OptionalInt neumannTerms, OptionalDouble neumannScale,
                         boolean perLayer, boolean calibrated) {

    /** The starting decay when none is given. */
    public static final double DEFAULT_INITIAL = 1e-4;
    /** The hyper-step size on log-decay when none is given. */
    public static final double DEFAULT_HYPER_LR = 0.05;
    /** Training steps per hyper-step when none is given. */
    public static final int DEFAULT_PERIOD = 10;
    /**
     * Neumann terms when none is given and the optimiser divides by second moments (Adam, RMSprop,
     * Adagrad, and their hypergradient forms; the paper's experiments use 5 to 20). 10 did better
     * over many epochs on a few hundred rows, but costs half as much again (3× a plain fit against
     * 2×), was 0.0015–0.0026 lower in the Fashion-MNIST L2 benchmark's setting (two sets of seeds),
     * and on digits with Adam-HD two seeds of twenty ended in a late training-loss spike at the rate
     * Adam-HD had climbed to (medians over the twenty: 0.9847 with 10, 0.9833 with 5);
     * BENCHMARKS-LOG, "implicit L2 at the best temperature" and "Neumann terms on digits over twenty
     * seeds".
     */
    public static final int DEFAULT_TERMS = 5;
    /**
     * Neumann terms when none is given and the optimiser is SGD (with or without momentum, or its
     * hypergradient form). With 5, the short series' bias let the first layer's decay run away on
     * some seeds (Fashion-MNIST MLP: up to 0.017 below no decay, the decay up to 5e-2); with 10,
     * every SGD probe ended at most 0.002 below no decay, and digits and iris trained exactly as with 5
     * (BENCHMARKS-LOG, "implicit L2 at the best temperature" and "… by the optimiser").
     */
    public static final int DEFAULT_TERMS_SGD = 10;
    /** Hyper-steps between two estimates of the Neumann scale when it is estimated. */
    public static final int RESCALE_EVERY = 25;

    /**
     * @throws IllegalArgumentException if a setting is out of the range stated above
     * @throws NullPointerException if neumannTerms or neumannScale is null (empty stands for the default)
     */
    public ImplicitL2 {
        positive("initial L2 (l2) of implicit L2", initial);
        positive("hyper learning rate of implicit L2", hyperLearningRate);
        if (period < 1) {
            throw new IllegalArgumentException("training steps per hyper-step of implicit L2 must be >= 1, got " + period);
        }
        java.util.Objects.requireNonNull(neumannTerms, "neumannTerms");
        if (neumannTerms.isPresent() && neumannTerms.getAsInt() < 0) {
            throw new IllegalArgumentException("Neumann terms of implicit L2 must be >= 0, got " + neumannTerms.getAsInt());
        }
        java.util.Objects.requireNonNull(neumannScale, "neumannScale");
        if (neumannScale.isPresent()) {
            positive("Neumann scale of implicit L2", neumannScale.getAsDouble());
        }
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
        }
    }

    /** Per-layer decay from {@link #DEFAULT_INITIAL}, with every default (the Neumann terms the optimiser's). */
    public static ImplicitL2 defaults() {
        return new ImplicitL2(DEFAULT_INITIAL, DEFAULT_HYPER_LR, DEFAULT_PERIOD, OptionalInt.empty(), OptionalDouble.empty(), true, true);
    }

    /** The Neumann terms a training by {@code optimizer} uses: the set ones, or the optimiser's default. */
    public int neumannTermsFor(Optimizer optimizer) {
        return neumannTerms.isPresent() ? neumannTerms.getAsInt() : defaultTerms(optimizer);
    }

    /** {@link #DEFAULT_TERMS_SGD} for SGD (also under a hypergradient rate), else {@link #DEFAULT_TERMS}. */
    public static int defaultTerms(Optimizer optimizer) {
        Optimizer o = optimizer instanceof Hypergradient h ? h.base() : optimizer;
        return o instanceof Optimizer.Sgd ? DEFAULT_TERMS_SGD : DEFAULT_TERMS;
    }

    /** @return a copy with another {@link #initial()} starting decay, finite and &gt; 0 */
    public ImplicitL2 withInitial(double initial) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, neumannScale, perLayer, calibrated);
    }

    /** @return a copy with another {@link #hyperLearningRate()} step on log-decay, finite and &gt; 0 */
    public ImplicitL2 withHyperLearningRate(double hyperLearningRate) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, neumannScale, perLayer, calibrated);
    }

    /** @return a copy with another {@link #period()}, training steps between hyper-steps, ≥ 1 */
    public ImplicitL2 withPeriod(int period) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, neumannScale, perLayer, calibrated);
    }

    /** @return a copy with a fixed number of Neumann terms, ≥ 0, instead of the optimiser's default */
    public ImplicitL2 withNeumannTerms(int terms) {
        return new ImplicitL2(initial, hyperLearningRate, period, OptionalInt.of(terms), neumannScale, perLayer, calibrated);
    }

    /** @return a copy with a fixed Neumann scale α, finite and &gt; 0, instead of the estimated one */
    public ImplicitL2 withNeumannScale(double scale) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, OptionalDouble.of(scale), perLayer, calibrated);
    }

    /** @return a copy with one decay per layer (true) or one for the whole network (false) */
    public ImplicitL2 withPerLayer(boolean perLayer) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, neumannScale, perLayer, calibrated);
    }

    /** @return a copy that differentiates the validation loss at its best temperature (true) or as it is */
    public ImplicitL2 withCalibrated(boolean calibrated) {
        return new ImplicitL2(initial, hyperLearningRate, period, neumannTerms, neumannScale, perLayer, calibrated);
    }

    /** The settings by name, for provenance, of a training by {@code optimizer} (which settles the Neumann terms). */
    public Map<String, String> hyperparameters(Optimizer optimizer) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("l2_adapt", "implicit");
        m.put("l2_initial", Double.toString(initial));
        m.put("l2_hyper_lr", Double.toString(hyperLearningRate));
        m.put("l2_period", Integer.toString(period));
        m.put("neumann_terms", Integer.toString(neumannTermsFor(optimizer)));
        m.put("neumann_scale", neumannScale.isPresent() ? Double.toString(neumannScale.getAsDouble()) : "auto");
        m.put("l2_scope", perLayer ? "layer" : "global");
        m.put("l2_objective", calibrated ? "calibrated" : "loss");
        return m;
    }
}
