package org.nntune.tune.sampler;

/**
 * The standard normal density and distribution function to full double precision, and the
 * logarithm of expected improvement computed without cancellation far in the tail (where plain
 * EI underflows to zero and gives an acquisition function no slope).
 */
final class NormalMath {
    private NormalMath() {}

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /** @return log φ(z) */
    static double logPdf(double z) {
        return -0.5 * z * z - LOG_SQRT_2PI;
    }

    /** @return φ(z) */
    static double pdf(double z) {
        return Math.exp(logPdf(z));
    }

    /** @return Φ(z) */
    static double cdf(double z) {
        if (z > 3) {
            return 1 - millsRatio(z) * pdf(z);
        }
        if (z < -3) {
            return millsRatio(-z) * pdf(z);
        }
        return 0.5 * (1 + erfSeries(z / Math.sqrt(2)));
    }

    /** @return log Φ(z), accurate for very negative z */
    static double logCdf(double z) {
        if (z < -3) {
            return Math.log(millsRatio(-z)) + logPdf(z);
        }
        return Math.log(cdf(z));
    }

    /** erf by its Taylor series; accurate to ~1e-14 for |x| ≤ 2.2. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return sum * 2 / Math.sqrt(Math.PI);
    }

    /** The Mills ratio (1 − Φ(t)) / φ(t) for t ≥ 3, by its continued fraction. */
    private static double millsRatio(double t) {
        return 1 / (t + tailFraction(t, 1));
    }

    /** 1 / (t + (k+1) / (t + (k+2) / (t + …))) · k, evaluated backwards. */
    private static double tailFraction(double t, int k) {
        double f = 0;
        for (int n = 120; n > k; n--) {
            f = n / (t + f);
        }
        return k / (t + f);
    }

    /**
     * log of E[max(0, best − Y)] / σ-free part: returns log EI for a Gaussian Y with mean {@code mu} and
     * standard deviation {@code sigma} when minimising with incumbent {@code best}.
     */
    static double logExpectedImprovement(double mu, double sigma, double best) {
        double z = (best - mu) / sigma;
        return Math.log(sigma) + logH(z);
    }

    /** log(z Φ(z) + φ(z)), stable for all z. */
    static double logH(double z) {
        if (z >= -3) {
            return Math.log(z * cdf(z) + pdf(z));
        }
        // with t = −z: h / φ = 1 − t·M(t) = c / (t + c) where M(t) = 1 / (t + c), c = 1 / (t + 2 / (t + …))
        double t = -z;
        double c = tailFraction(t, 1);
        return logPdf(z) + Math.log(c / (t + c));
    }
}
