package org.nntune.nn.tensor;

/**
 * The per-step constants of an Adam update, computed once per call so that the element loop of
 * every implementation does the same arithmetic: {@code l2} is added times w to the gradient
 * (Adam's weight decay), {@code decay} multiplies w (AdamW's decoupled decay, {@code 1 − lr·wd}),
 * {@code stepSize = lr / (1 − β1^t)} and {@code invSqrtBias2 = 1 / sqrt(1 − β2^t)}.
 */
record AdamStep(float l2, float decay, float oneMinusBeta1, float oneMinusBeta2, float stepSize, float invSqrtBias2) {

    static AdamStep of(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step " + step + " must count from 1");
        }
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(eps > 0f)) {
            throw new IllegalArgumentException("Adam betas " + beta1 + ", " + beta2 + " must lie in [0, 1) and eps "
                    + eps + " must be positive");
        }
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        return new AdamStep(decoupled ? 0f : weightDecay, decoupled ? 1f - lr * weightDecay : 1f,
                1f - beta1, 1f - beta2, (float) (lr / bias1), (float) (1 / Math.sqrt(bias2)));
    }
}
