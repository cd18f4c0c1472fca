package org.nntune.nn.layer;

/**
 * Element-wise activations (softmax: over the features of each example). The parameter of
 * LeakyReLU (negative slope, default 0.01) and ELU (α, default 1) is set on {@link ActivationLayer}.
 */
public enum Activation {
    /** No activation. */
    LINEAR,
    /** max(0, x). */
    RELU,
    /** x for x &gt; 0, α·x otherwise. */
    LEAKY_RELU,
    /** x for x &gt; 0, α·(eˣ − 1) otherwise. */
    ELU,
    /** x·Φ(x), Φ the standard normal CDF (the exact form, as PyTorch's default). */
    GELU,
    /** The logistic function 1 / (1 + e⁻ˣ), in (0, 1). */
    SIGMOID,
    /** The hyperbolic tangent, in [−1, 1] (within 4e-7 of {@link Math#tanh}: {@link ActivationLayer#tanh}). */
    TANH,
    /**
     * Softmax over the features of each example. As a network's last layer with softmax
     * cross-entropy, training skips it and the loss works on the logits (fused, stable).
     */
    SOFTMAX;

    /** The default parameter: 0.01 for LeakyReLU, 1 for ELU, 0 otherwise. */
    public float defaultAlpha() {
        return switch (this) {
            case LEAKY_RELU -> 0.01f;
            case ELU -> 1f;
            default -> 0f;
        };
    }
}
