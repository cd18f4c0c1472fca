package org.nntune.nn.internal.kernels;

/**
 * The per-step constants of an Adam update, computed once per call as plain floats (no object, so
 * the training loop allocates nothing) so that the element loop of every implementation does the
 * same arithmetic: {@link #l2} is added times w to the gradient (Adam's weight decay),
 * {@link #decay} multiplies w (AdamW's decoupled decay, {@code 1 − lr·wd}),
 * {@link #stepSize} is {@code lr / (1 − β1^t)} and {@link #invSqrtBias2} is {@code 1 / sqrt(1 − β2^t)}.
 */
final class AdamStep {
    private AdamStep() {}

    /** Checks the step count and the hyperparameters of one update. */
    static void check(float beta1, float beta2, float eps, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step " + step + " must count from 1");
        }
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(eps > 0f)) {
            throw new IllegalArgumentException("Adam betas " + beta1 + ", " + beta2 + " must lie in [0, 1) and eps "
                    + eps + " must be positive");
        }
    }

    static float l2(float weightDecay, boolean decoupled) {
        return decoupled ? 0f : weightDecay;
    }

    static float decay(float lr, float weightDecay, boolean decoupled) {
        return decoupled ? 1f - lr * weightDecay : 1f;
    }

    static float stepSize(float lr, float beta1, int step) {
        return (float) (lr / (1 - Math.pow(beta1, step)));
    }

    static float invSqrtBias2(float beta2, int step) {
        return (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
    }
}
