package org.nntune.search;

import org.nntune.nn.optim.ImplicitL2;

import java.util.List;
import java.util.OptionalInt;

/**
 * How a network's L2 adapts itself during training: {@code none}, or {@code implicit} — per-layer
 * L2 tuned by implicit differentiation on a validation split of each fit's training rows
 * ({@link ImplicitL2}), starting at the configuration's {@code l2} (or at
 * {@link ImplicitL2#DEFAULT_INITIAL} when that is 0), on the validation loss at its best
 * temperature ({@link ImplicitL2#calibrated}) — or {@code implicit_loss}, the same on the plain
 * validation loss (the paper's objective, which over long training raises the L2 for calibration's sake).
 *
 * @param mode         none, implicit or implicit_loss
 * @param hyperLr      {@code l2_hyper_lr}: the Adam step on log-L2 per hyper-step, finite and &gt; 0
 * @param steps        {@code l2_steps}: training steps per hyper-step, ≥ 1
 * @param neumannTerms {@code neumann_terms}: terms of the Neumann series of the inverse Hessian, ≥ 0;
 *                     empty when the space does not set it: the engine's default for the trial's
 *                     optimiser ({@link ImplicitL2#defaultTerms})
 * @param validation   {@code l2_validation}: the fraction of each fit's training rows held out for the
 *                     hypergradient (and for early stopping, when that is on too), in (0, 0.5]
 */
public record L2Adapt(String mode, double hyperLr, int steps, OptionalInt neumannTerms, double validation) {

    /** The modes. */
    public static final List<String> MODES = List.of("none", "implicit", "implicit_loss");
    /**
     * The most terms of the Neumann series a space may ask for: each costs a Hessian-vector product
     * per hyper-step, and the series converges in far fewer (Lorraine et al. use 5 to 20).
     */
    public static final int MAX_NEUMANN_TERMS = 200;
    /** The held-out fraction when a space does not set {@code l2_validation}. */
    public static final double DEFAULT_VALIDATION = 0.1;
    /** No adaptation. */
    public static final L2Adapt NONE = new L2Adapt("none", ImplicitL2.DEFAULT_HYPER_LR, ImplicitL2.DEFAULT_PERIOD,
            OptionalInt.empty(), DEFAULT_VALIDATION);

    /**
     * @throws IllegalArgumentException if mode is not one of {@link #MODES} or a setting is out of the
     *     range stated above (neumannTerms at most {@link #MAX_NEUMANN_TERMS})
     * @throws NullPointerException if neumannTerms is null (empty stands for the engine's default)
     */
    public L2Adapt {
        NetworkConfig.oneOf("l2_adapt", mode, MODES);
        if (!(hyperLr > 0) || Double.isInfinite(hyperLr)) {
            throw new IllegalArgumentException("l2_hyper_lr must be finite and > 0, got " + hyperLr);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("l2_steps (training steps per hyper-step) must be >= 1, got " + steps);
        }
        java.util.Objects.requireNonNull(neumannTerms, "neumannTerms");
        if (neumannTerms.isPresent() && neumannTerms.getAsInt() < 0) {
            throw new IllegalArgumentException("neumann_terms must be >= 0, got " + neumannTerms.getAsInt());
        }
        if (neumannTerms.isPresent() && neumannTerms.getAsInt() > MAX_NEUMANN_TERMS) {
            throw new IllegalArgumentException("neumann_terms must be at most " + MAX_NEUMANN_TERMS + ", got "
                    + neumannTerms.getAsInt() + ": each term costs a Hessian-vector product (two gradient passes) per hyper-step;"
                    + " 5 to 20 terms are usual");
        }
        if (!(validation > 0 && validation <= 0.5)) {
            throw new IllegalArgumentException("l2_validation (the fraction of training rows the implicit L2 is tuned on) must be"
                    + " in (0, 0.5], got " + validation + ": implicit L2 needs a validation split");
        }
    }

    /** Implicit adaptation with these settings, on the calibrated validation loss. */
    public static L2Adapt implicit(double hyperLr, int steps, OptionalInt neumannTerms, double validation) {
        return new L2Adapt("implicit", hyperLr, steps, neumannTerms, validation);
    }

    /** The same adaptation in another mode ({@code implicit} or {@code implicit_loss}). */
    public L2Adapt withMode(String mode) {
        return new L2Adapt(mode, hyperLr, steps, neumannTerms, validation);
    }

    /** @return whether the L2 adapts at all: any mode but {@code none} */
    public boolean on() {
        return !mode.equals("none");
    }

    /** The engine's settings, starting at {@code initial} (&gt; 0). */
    ImplicitL2 settings(double initial) {
        ImplicitL2 settings = ImplicitL2.defaults().withInitial(initial).withHyperLearningRate(hyperLr).withPeriod(steps)
                .withCalibrated(!mode.equals("implicit_loss"));
        return neumannTerms.isPresent() ? settings.withNeumannTerms(neumannTerms.getAsInt()) : settings;
    }
}
