package org.nntune.tune.sampler;

/**
 * Output warping for the GP: the Yeo–Johnson power transform of the (standardised) objective values,
 * with the exponent λ of maximum likelihood under a normal model, then standardised again.
 *
 * <p>A GP with a stationary kernel models a heavy-tailed objective badly: on Rosenbrock-like
 * functions a few trials far from the valley have values 10³–10⁵ times the rest, the fitted
 * length scales shrink to explain them, and the model is flat where the good trials are. The
 * transform is monotone increasing, so the order of the trials (and so the incumbent) is unchanged;
 * it compresses the long tail (λ &lt; 1) or stretches a short one (λ &gt; 1). HEBO (Cowen-Rivers et
 * al., 2022) warps its outputs the same way. λ = 1 is the identity: an objective that is already
 * normal-looking keeps its values.
 */
final class OutputWarp {
    static final double MIN_LAMBDA = -2;
    static final double MAX_LAMBDA = 4;

    private OutputWarp() {}

    /** @return the Yeo–Johnson transform of {@code y} at exponent {@code lambda} */
    static double yeoJohnson(double y, double lambda) {
        if (y >= 0) {
            return Math.abs(lambda) < 1e-9 ? Math.log1p(y) : (Math.pow(y + 1, lambda) - 1) / lambda;
        }
        double l2 = 2 - lambda;
        return Math.abs(l2) < 1e-9 ? -Math.log1p(-y) : -(Math.pow(1 - y, l2) - 1) / l2;
    }

    /** Profile log likelihood of λ (the normal model's mean and variance at their maximum), up to a constant. */
    static double logLikelihood(double[] y, double lambda) {
        int n = y.length;
        double mean = 0;
        double[] t = new double[n];
        double jacobian = 0;
        for (int i = 0; i < n; i++) {
            t[i] = yeoJohnson(y[i], lambda);
            mean += t[i];
            jacobian += Math.copySign(Math.log1p(Math.abs(y[i])), y[i]);
        }
        mean /= n;
        double var = 0;
        for (double v : t) {
            var += (v - mean) * (v - mean);
        }
        var /= n;
        if (!(var > 0) || !Double.isFinite(var)) {
            return Double.NEGATIVE_INFINITY;
        }
        return -0.5 * n * Math.log(var) + (lambda - 1) * jacobian;
    }

    /** @return the λ in [{@value #MIN_LAMBDA}, {@value #MAX_LAMBDA}] of maximum likelihood for {@code y} */
    static double fitLambda(double[] y) {
        // a coarse grid (the likelihood can be flat or have a second bump), then golden-section refinement
        double best = 1;
        double bestLl = logLikelihood(y, 1);
        int steps = 24;
        double h = (MAX_LAMBDA - MIN_LAMBDA) / steps;
        for (int s = 0; s <= steps; s++) {
            double l = MIN_LAMBDA + s * h;
            double ll = logLikelihood(y, l);
            if (ll > bestLl) {
                bestLl = ll;
                best = l;
            }
        }
        double lo = Math.max(MIN_LAMBDA, best - h);
        double hi = Math.min(MAX_LAMBDA, best + h);
        double g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo);
        double b = lo + g * (hi - lo);
        double fa = logLikelihood(y, a);
        double fb = logLikelihood(y, b);
        for (int it = 0; it < 40 && hi - lo > 1e-6; it++) {
            if (fa > fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - g * (hi - lo);
                fa = logLikelihood(y, a);
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + g * (hi - lo);
                fb = logLikelihood(y, b);
            }
        }
        double mid = (lo + hi) / 2;
        return logLikelihood(y, mid) > bestLl ? mid : best;
    }

    /**
     * @param standardized objective values with mean 0 and standard deviation 1 (smaller is better)
     * @return the values warped at their λ of maximum likelihood and standardised again
     */
    static double[] warp(double[] standardized) {
        double lambda = fitLambda(standardized);
        double[] out = new double[standardized.length];
        double mean = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = yeoJohnson(standardized[i], lambda);
            mean += out[i];
        }
        mean /= out.length;
        double var = 0;
        for (double v : out) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / out.length);
        if (!(sd > 1e-12) || !Double.isFinite(sd)) {
            return standardized.clone();
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (out[i] - mean) / sd;
        }
        return out;
    }
}
